/**
 * The loopback lobby service: a WebSocket server on 127.0.0.1 that plays Steam's part for game processes on this
 * machine. This file owns the server and each socket's life (who may connect, pings that find vanished clients,
 * stopping); frame handling lives in Relay and lobby rules in LobbyDirectory.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { createSystemClock, type LobbyClock } from '../effects/clock.js';
import { MAX_FRAME_BYTES } from '../effects/loopback/binary-frames.js';
import { Connection } from './connection.js';
import { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT, loopbackHostProblem } from './loopback-host.js';
import { allowOriginProblem, originPolicy, originRefusalReason } from './origin-policy.js';
import { Relay, type RelayCounters } from './relay.js';

export { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT };

const CLOSE_GRACE_MS = 1000;
/** Steam drops a member whose client vanished after about 30 s. */
export const DEFAULT_DEAD_AFTER_MS = 30_000;
/** Sixteen full reliable packets: room for a burst to a client that reads, not for one that never does. */
export const DEFAULT_MAX_OUTGOING_BYTES = 16 * 1024 * 1024;
/** The smallest outgoing limit: two full reliable packets with their headers. */
export const MIN_MAX_OUTGOING_BYTES = 2 * MAX_FRAME_BYTES;

export interface LoopbackServiceOptions {
  /** 0 picks a free port. Default 27015. */
  readonly port?: number;
  /** Loopback addresses only. Default 127.0.0.1. */
  readonly host?: string;
  /** Joins, leaves, refusals and drops, one line each. */
  readonly log?: (line: string) => void;
  /**
   * Browser page origins allowed besides pages served from this machine's loopback addresses and file:// pages
   * (e.g. 'https://game.example', 'app://game', 'null'). Clients that send no Origin header are always allowed.
   */
  readonly allowOrigins?: readonly string[];
  /** A client heard nothing from (no frame, no pong) for this long is dropped as disconnected. Default 30 000; 0 never. */
  readonly deadAfterMs?: number;
  /** Bytes the service holds for one client that is not reading before it drops that client. Default 16 MiB. */
  readonly maxOutgoingBytes?: number;
  /** The clock pings and error budgets run on. Default: the wall clock. */
  readonly clock?: LobbyClock;
}

export interface LoopbackServiceStats extends Readonly<RelayCounters> {
  readonly connections: number;
  readonly users: number;
  readonly lobbies: number;
  /** Browser connections closed because their page's origin is not allowed. */
  readonly originsRefused: number;
}

export interface LoopbackService {
  /** ws://host:port — what `createLoopbackBackend({ url })` takes. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  stats(): LoopbackServiceStats;
  /** Closes every client (code 1001) and the server. */
  close(): Promise<void>;
}

function optionsProblem(o: LoopbackServiceOptions, host: string, port: number): string | undefined {
  const hostProblem = loopbackHostProblem(host);
  if (hostProblem !== undefined) return hostProblem;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `port must be an integer in 0..65535, got ${port}`;
  if (o.allowOrigins !== undefined) {
    if (!Array.isArray(o.allowOrigins)) return 'allowOrigins must be an array of origins';
    for (const origin of o.allowOrigins as unknown[]) {
      const problem = typeof origin === 'string' ? allowOriginProblem(origin) : 'allowOrigins holds origins as strings';
      if (problem !== undefined) return problem;
    }
  }
  const dead = o.deadAfterMs;
  if (dead !== undefined && (!Number.isSafeInteger(dead) || dead < 0)) return `deadAfterMs must be a non-negative integer (0 never drops), got ${String(dead)}`;
  const max = o.maxOutgoingBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < MIN_MAX_OUTGOING_BYTES)) {
    return `maxOutgoingBytes must be an integer of at least ${MIN_MAX_OUTGOING_BYTES} (two full reliable packets), got ${String(max)}`;
  }
  return undefined;
}

function bytesOf(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}

export function startLoopbackService(options: LoopbackServiceOptions | null = {}): Promise<LoopbackService> {
  const o = options ?? {};
  const host = o.host ?? DEFAULT_LOOPBACK_HOST;
  const port = o.port ?? DEFAULT_LOOPBACK_PORT;
  const problem = optionsProblem(o, host, port);
  if (problem !== undefined) return Promise.reject(new Error(problem));
  const log = o.log ?? (() => {});
  const clock = o.clock ?? createSystemClock();
  const deadAfterMs = o.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS;
  const maxOutgoingBytes = o.maxOutgoingBytes ?? DEFAULT_MAX_OUTGOING_BYTES;
  const originAllowed = originPolicy(o.allowOrigins ?? []);

  const relay = new Relay(log, () => clock.now(), maxOutgoingBytes / 4);
  const connections = new Set<Connection>();
  let originsRefused = 0;

  // Every third of the window each client is pinged (browsers, ws and Godot answer at the protocol level); one
  // not heard from for the whole window is gone.
  let pingTimer: unknown;
  const pingEveryMs = deadAfterMs / 3;
  const checkLiveness = (): void => {
    const now = clock.now();
    try {
      for (const conn of [...connections]) {
        if (conn.gone) continue;
        if (now - conn.lastHeard >= deadAfterMs) relay.dropSilent(conn, deadAfterMs);
        else conn.socket.ping();
      }
    } catch (error) {
      // A bug here must cost one round of pings, not every later one.
      log(`could not ping every client: ${error instanceof Error ? error.message : String(error)}`);
    }
    pingTimer = clock.setTimeout(checkLiveness, pingEveryMs);
  };
  if (deadAfterMs > 0) pingTimer = clock.setTimeout(checkLiveness, pingEveryMs);

  return new Promise((resolve, reject) => {
    // maxPayload: ws closes a connection (1009) that announces a bigger frame before buffering it.
    const server = new WebSocketServer({ host, port, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (pingTimer !== undefined) clock.clearTimeout(pingTimer);
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use (is another \`lobbykit serve\` running?); choose another with --port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    });
    server.on('connection', (socket, request) => {
      const conn = new Connection(socket, maxOutgoingBytes, clock.now());
      connections.add(conn);
      socket.on('close', (code) => {
        connections.delete(conn);
        relay.forget(conn, code === 1000 ? 'left' : 'disconnected', code === 1000 ? 'left' : `disconnected (code ${code})`);
      });
      socket.on('error', (error) => log(`socket error${conn.userId === undefined ? '' : ` for ${relay.directory.nameOf(conn.userId)} (${conn.userId})`}: ${error.message}`));
      const origin = request.headers.origin;
      if (!originAllowed(origin)) {
        originsRefused++;
        conn.gone = true;
        log(`refused a connection from the web page at ${String(origin)}: only this machine's pages may connect; allow it with --allow-origin ${String(origin)}`);
        socket.close(1008, originRefusalReason(String(origin)));
        return;
      }
      socket.on('pong', () => {
        conn.lastHeard = clock.now();
      });
      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (conn.gone) return;
        conn.lastHeard = clock.now();
        try {
          const bytes = bytesOf(data);
          if (isBinary) relay.onBinary(conn, bytes);
          else relay.onText(conn, bytes.toString('utf8'));
        } catch (error) {
          // A bug here must cost one frame, not the service.
          relay.refuse(conn, 'malformed', `the service could not handle this frame: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    });
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `ws://${shownHost}:${address.port}`;
      resolve({
        url,
        host: address.address,
        port: address.port,
        stats: () => ({
          connections: connections.size,
          users: relay.directory.userCount,
          lobbies: relay.directory.lobbyCount,
          originsRefused,
          ...relay.counters,
        }),
        close: () => {
          if (pingTimer !== undefined) clock.clearTimeout(pingTimer);
          pingTimer = undefined;
          const closed = [...connections].map(
            (conn) =>
              new Promise<void>((done) => {
                if (conn.socket.readyState === WebSocket.CLOSED) return done();
                conn.socket.once('close', () => done());
                conn.socket.close(1001, 'service stopping');
              }),
          );
          // Clients that do not answer the close handshake are cut off, so stopping never hangs.
          const cutoff = setTimeout(() => {
            for (const conn of connections) conn.socket.terminate();
          }, CLOSE_GRACE_MS);
          const serverClosed = new Promise<void>((done) => server.close(() => done()));
          return Promise.all([...closed, serverClosed]).then(() => clearTimeout(cutoff));
        },
      });
    });
  });
}
