import { WebSocket, type RawData } from 'ws';
import type { LobbyClock } from '../clock.js';
import { LoopbackBackend, type LoopbackServiceError, type LoopbackTransport } from './loopback-backend.js';
import { MAX_FRAME_BYTES } from './binary-frames.js';
import { encodeClientOp } from './client-ops.js';
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

function bytesOf(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function socketTransport(socket: WebSocket): LoopbackTransport {
  return {
    isOpen: () => socket.readyState === WebSocket.OPEN,
    sendText: (text) => socket.send(text),
    sendBinary: (bytes) => socket.send(bytes, { binary: true }),
    close: (code, reason) =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        // A service that does not answer the close handshake must not keep the game from quitting.
        const cutoff = setTimeout(() => socket.terminate(), 1000);
        socket.once('close', () => clearTimeout(cutoff));
        socket.close(code, reason);
      }),
  };
}

/**
 * Connects to a running `lobbykit serve`, learns the id the service gives this player, and resolves with a
 * Backend once ready. Rejects with a sentence saying what to do when nothing listens at `url`.
 */
export function createLoopbackBackend(options: LoopbackBackendOptions): Promise<LoopbackBackend> {
  const { url, name } = options;
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    } catch (error) {
      reject(new Error(`cannot connect to the loopback service at ${JSON.stringify(url)}: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let backend: LoopbackBackend | undefined;
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.terminate();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`the loopback service at ${url} did not answer within ${timeoutMs} ms; ${START_HINT}`), timeoutMs);

    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (backend !== undefined) return; // after connecting, 'close' reports it
      const refused = error.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(error.message);
      fail(refused ? `no lobbykit loopback service is listening at ${url}; ${START_HINT}` : `cannot connect to the loopback service at ${url}: ${error.message}; ${START_HINT}`);
    });
    socket.on('open', () => socket.send(encodeClientOp({ op: 'hello', name, protocol: LOOPBACK_PROTOCOL_VERSION })));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = bytesOf(data);
      if (backend !== undefined) {
        if (isBinary) backend.receiveBinary(bytes);
        else backend.receiveText(bytes.toString('utf8'));
        return;
      }
      const parsed = isBinary ? undefined : parseServerMessage(bytes.toString('utf8'));
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
    socket.on('close', (code: number, reason: Buffer) => {
      const why = `code ${code}${reason.length > 0 ? `, ${reason.toString('utf8')}` : ''}`;
      if (backend === undefined) fail(`the loopback service at ${url} closed the connection before welcoming this client (${why})`);
      else backend.connectionLost(why);
    });
  });
}
