/**
 * Connecting a loopback backend to `lobbykit serve` over the standard WebSocket API: the page's (or Node 22's)
 * `globalThis.WebSocket` where there is one, the `ws` package loaded on demand where not (Node 20). No Node-only
 * API is used on this path, so the same backend runs in a browser page, an Electron renderer and Node.
 */
import type { LobbyClock } from '../clock.js';
import { MAX_FRAME_BYTES } from './binary-frames.js';
import { encodeClientOp } from './client-ops.js';
import { LoopbackBackend, type LoopbackServiceError, type LoopbackTransport } from './loopback-backend.js';
import { idFromWire, LOOPBACK_PROTOCOL_VERSION } from './protocol.js';
import { parseServerMessage } from './server-messages.js';

export interface LoopbackBackendOptions {
  /** Where `lobbykit serve` listens, e.g. ws://127.0.0.1:27015. */
  readonly url: string;
  /** This player's persona name, as others will see it. */
  readonly name: string;
  /** What `launchArgs()` answers (e.g. ['+connect_lobby', '…'] to test invite launches). */
  readonly launchArgs?: readonly string[];
  /** Give up connecting after this long. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Called for each request the service refused and each message from it that could not be read. */
  readonly onServiceError?: (error: LoopbackServiceError) => void;
  /** Times how long packets from senders not yet accepted are held (pass the runtime's). Default: the wall clock. */
  readonly clock?: LobbyClock;
}

const START_HINT = 'start the service in another terminal with `npx lobbykit serve`';
const OPEN = 1;
const CLOSED = 3;
/** A service that does not answer the close handshake must not keep the game from quitting. */
const CLOSE_CUTOFF_MS = 1000;

/** The part of the standard WebSocket this client uses: browsers, Node 22 and the `ws` package all have it. */
interface StandardSocket {
  readonly readyState: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: SocketEvent) => void): void;
}

/** What the listeners read from open, message, close and error events (each has only some of these). */
interface SocketEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

type OpenSocket = (url: string) => StandardSocket;

async function socketOpener(): Promise<OpenSocket> {
  const Native = (globalThis as { WebSocket?: new (url: string) => StandardSocket }).WebSocket;
  if (Native !== undefined) return (url) => new Native(url);
  // Node 20 has no WebSocket global; ws (a dependency) gives the same API, and takes the frame limit too.
  const { WebSocket } = await import('ws');
  return (url) => new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false }) as unknown as StandardSocket;
}

/** Ends a socket at once: ws can cut it; a browser's socket can only be asked to close, in the background. */
function cutOff(socket: StandardSocket): void {
  const terminate = (socket as { terminate?: () => void }).terminate;
  if (typeof terminate === 'function') terminate.call(socket);
  else socket.close();
}

/** A binary message's bytes, whichever binary type the WebSocket implementation handed over. */
function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function socketTransport(socket: StandardSocket): LoopbackTransport {
  return {
    isOpen: () => socket.readyState === OPEN,
    sendText: (text) => socket.send(text),
    sendBinary: (bytes) => socket.send(bytes),
    close: (code, reason) =>
      new Promise<void>((resolve) => {
        if (socket.readyState === CLOSED) return resolve();
        const cutoff = setTimeout(() => {
          cutOff(socket);
          resolve();
        }, CLOSE_CUTOFF_MS);
        socket.addEventListener('close', () => {
          clearTimeout(cutoff);
          resolve();
        });
        socket.close(code, reason);
      }),
  };
}

function optionsProblem(options: LoopbackBackendOptions | null | undefined): string | undefined {
  if (typeof options !== 'object' || options === null) return 'pass { url, name }, e.g. { url: "ws://127.0.0.1:27015", name: "Player 1" }';
  if (typeof options.url !== 'string') return `url must be the service's ws:// address as a string, got ${String(options.url)}`;
  if (typeof options.name !== 'string') return `name must be a string (the persona others see), got ${String(options.name)}`;
  const timeout = options.connectTimeoutMs;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) return `connectTimeoutMs must be a positive number, got ${String(timeout)}`;
  return undefined;
}

function detailOf(event: SocketEvent): string {
  return typeof event.message === 'string' && event.message !== '' ? event.message : 'the connection failed';
}

/**
 * Connects to a running `lobbykit serve`, learns the id the service gives this player, and resolves with a
 * Backend once ready. Rejects with a sentence saying what to do when nothing listens at `url`.
 */
export async function createLoopbackBackend(options: LoopbackBackendOptions): Promise<LoopbackBackend> {
  const problem = optionsProblem(options);
  if (problem !== undefined) throw new Error(`createLoopbackBackend: ${problem}`);
  const { url, name } = options;
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  const open = await socketOpener();
  return new Promise((resolve, reject) => {
    let socket: StandardSocket;
    try {
      socket = open(url);
      socket.binaryType = 'arraybuffer';
    } catch (error) {
      reject(new Error(`cannot connect to the loopback service at ${JSON.stringify(url)}: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let backend: LoopbackBackend | undefined;
    let opened = false;
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cutOff(socket);
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`the loopback service at ${url} did not answer within ${timeoutMs} ms; ${START_HINT}`), timeoutMs);

    socket.addEventListener('error', (event) => {
      if (backend !== undefined || opened) return; // once open, 'close' reports it
      const detail = detailOf(event);
      fail(/ECONNREFUSED/.test(detail) ? `no lobbykit loopback service is listening at ${url}; ${START_HINT}` : `cannot connect to the loopback service at ${url} (${detail}); ${START_HINT}`);
    });
    socket.addEventListener('open', () => {
      opened = true;
      socket.send(encodeClientOp({ op: 'hello', name, protocol: LOOPBACK_PROTOCOL_VERSION }));
    });
    socket.addEventListener('message', ({ data }) => {
      if (backend !== undefined) {
        const bytes = typeof data === 'string' ? undefined : bytesOf(data);
        if (typeof data === 'string') backend.receiveText(data);
        else if (bytes !== undefined) backend.receiveBinary(bytes);
        return;
      }
      const parsed = typeof data === 'string' ? parseServerMessage(data) : undefined;
      if (parsed === undefined || !parsed.ok) return fail(`the server at ${url} does not speak the lobbykit loopback protocol`);
      const message = parsed.value;
      if (message.t === 'error') return fail(`the loopback service refused this client: ${message.detail}`);
      if (message.t !== 'welcome') return;
      const userId = idFromWire(message.userId);
      if (userId === undefined) return fail(`the loopback service sent an invalid user id ${message.userId}`);
      backend = new LoopbackBackend({
        transport: socketTransport(socket),
        userId,
        name: message.name,
        ...(options.launchArgs === undefined ? {} : { launchArgs: options.launchArgs }),
        ...(options.onServiceError === undefined ? {} : { onServiceError: options.onServiceError }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      settled = true;
      clearTimeout(timer);
      resolve(backend);
    });
    socket.addEventListener('close', ({ code, reason }) => {
      const why = `code ${String(code)}${reason !== undefined && reason !== '' ? `, ${reason}` : ''}`;
      if (backend !== undefined) backend.connectionLost(why);
      else if (!opened) fail(`no lobbykit loopback service is listening at ${url} (${why}); ${START_HINT}`);
      else fail(`the loopback service at ${url} closed the connection before welcoming this client (${why})`);
    });
  });
}
