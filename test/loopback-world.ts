// Helpers for the loopback tests: a service on port 0, backends that record their events, and event-driven waits
// (real sockets, so real time — but nothing sleeps: every wait ends on an arrival or on its deadline).
import { connect, type Socket } from 'node:net';
import type { BackendEvent } from '../src/effects/backend.js';
import { createLoopbackBackend } from '../src/effects/loopback/connect.js';
import type { LoopbackBackend } from '../src/effects/loopback/loopback-backend.js';
import { startLoopbackService, type LoopbackService, type LoopbackServiceOptions } from '../src/loopback-server/service.js';

export const WAIT_MS = 5000;

export interface Player {
  readonly backend: LoopbackBackend;
  readonly id: bigint;
  /** Every event drained so far, in order. */
  readonly seen: BackendEvent[];
  /** Drains what has arrived and returns the events seen since the last call to `fresh`. */
  fresh(): BackendEvent[];
  /** Resolves with the first matching event (seen before or after the call) not returned by an earlier waitFor. */
  waitFor<T extends BackendEvent['type']>(type: T, match?: (e: Extract<BackendEvent, { type: T }>) => boolean): Promise<Extract<BackendEvent, { type: T }>>;
  /** Resolves when `check` holds after an arrival. */
  until(what: string, check: () => boolean): Promise<void>;
}

export interface World {
  readonly service: LoopbackService;
  readonly log: string[];
  player(name: string): Promise<Player>;
  close(): Promise<void>;
}

export async function createWorld(options: Omit<LoopbackServiceOptions, 'port' | 'log'> = {}): Promise<World> {
  const log: string[] = [];
  const service = await startLoopbackService({ ...options, port: 0, log: (line) => log.push(line) });
  const players: Player[] = [];
  return {
    service,
    log,
    async player(name) {
      const backend = await createLoopbackBackend({ url: service.url, name });
      const p = wrap(backend);
      players.push(p);
      return p;
    },
    async close() {
      await Promise.all(players.map((p) => p.backend.close()));
      await service.close();
    },
  };
}

function wrap(backend: LoopbackBackend): Player {
  const seen: BackendEvent[] = [];
  /** Events a waitFor already returned, so waiting twice for the same type finds the next one. */
  const taken = new Set<BackendEvent>();
  let mark = 0;
  const drain = (): void => {
    backend.drainEvents((e) => seen.push(e));
  };
  const until = (what: string, check: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      drain();
      if (check()) return resolve();
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`));
      }, WAIT_MS);
      const stop = backend.onIncoming(() => {
        // Arrivals are applied at poll time; do it now so the check sees them.
        queueMicrotask(() => {
          drain();
          if (check()) {
            clearTimeout(timer);
            stop();
            resolve();
          }
        });
      });
    });
  return {
    backend,
    id: backend.localUserId(),
    seen,
    fresh() {
      drain();
      const out = seen.slice(mark);
      mark = seen.length;
      return out;
    },
    async waitFor(type, match) {
      type E = Extract<BackendEvent, { type: typeof type }>;
      const find = (): E | undefined =>
        seen.find((e): e is E => !taken.has(e) && e.type === type && (match === undefined || match(e as never))) as E | undefined;
      await until(`a ${type} event`, () => find() !== undefined);
      const found = find() as E;
      taken.add(found);
      return found as never;
    },
    until,
  };
}

/** A bare WebSocket client over TCP, for frames the ws library would never send (torn mid-frame). */
export async function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

/** A client frame header (masked with a zero key, so the payload goes as is) announcing `length` bytes. */
export function clientFrameHeader(opcode: 1 | 2, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, 0x80 | length, 0, 0, 0, 0]);
  if (length < 65536) return Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff, 0, 0, 0, 0]);
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

export function clientFrame(opcode: 1 | 2, payload: Uint8Array | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return Buffer.concat([clientFrameHeader(opcode, bytes.length), bytes]);
}

/** A JSON text frame the service sent a raw socket. */
export type ServiceReply = Record<string, unknown> & { readonly t?: string };

/**
 * Reads the service's frames off a raw socket (server frames are never masked): text frames as parsed JSON, in
 * order. Pings are skipped and never answered, which is what a client that stopped answering looks like.
 */
export function serviceReplies(socket: Socket) {
  let pending = Buffer.alloc(0);
  const texts: ServiceReply[] = [];
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) break;
      const opcode = pending[0]! & 0x0f;
      let length = pending[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (pending.length < 4) break;
        length = pending.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (pending.length < 10) break;
        length = Number(pending.readBigUInt64BE(2));
        at = 10;
      }
      if (pending.length < at + length) break;
      const payload = pending.subarray(at, at + length);
      pending = pending.subarray(at + length);
      if (opcode === 1) texts.push(JSON.parse(payload.toString('utf8')) as ServiceReply);
    }
    for (const w of waiters) w();
  });
  let read = 0;
  /** Every text reply after those already taken, up to and including the first that `stop` accepts. */
  const until = (stop: (reply: ServiceReply) => boolean): Promise<ServiceReply[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        for (let i = read; i < texts.length; i++) {
          if (!stop(texts[i]!)) continue;
          const taken = texts.slice(read, i + 1);
          read = i + 1;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(taken);
          return;
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${WAIT_MS} ms waiting for a service reply (${texts.length - read} unmatched)`));
      }, WAIT_MS);
      waiters.add(check);
      check();
    });
  return { until };
}
