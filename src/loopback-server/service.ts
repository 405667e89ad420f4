/**
 * The loopback lobby service: a WebSocket server on 127.0.0.1 that plays Steam's part for game processes on this
 * machine. It owns identity (each connection gets its id from the service), checks every frame, and turns a bad
 * frame into an error message to its sender only; lobby rules live in LobbyDirectory.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { isSendType, P2PSessionError, sendSizeProblem } from '../effects/backend.js';
import { decodeBinaryFrame, MAX_FRAME_BYTES } from '../effects/loopback/binary-frames.js';
import { identityClaim, MAX_CONTROL_BYTES, parseClientOp } from '../effects/loopback/client-ops.js';
import { idFromWire, idToWire, LOOPBACK_PROTOCOL_VERSION } from '../effects/loopback/protocol.js';
import { encodeServerMessage, type ServerMessage, type ServiceErrorCode } from '../effects/loopback/server-messages.js';
import { isValidChannel } from '../codec/frame.js';
import { LobbyDirectory, type Outgoing } from './directory.js';
import { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT, loopbackHostProblem } from './loopback-host.js';

export { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT };

/** A receiver this far behind loses unreliable packets, as a congested link would; reliable ones still queue. */
const UNRELIABLE_BACKLOG_BYTES = 4 * 1024 * 1024;
const MAX_NAME_LENGTH = 64;
const CLOSE_GRACE_MS = 1000;

export interface LoopbackServiceOptions {
  /** 0 picks a free port. Default 27015. */
  readonly port?: number;
  /** Loopback addresses only. Default 127.0.0.1. */
  readonly host?: string;
  /** Joins, leaves and refusals, one line each. */
  readonly log?: (line: string) => void;
}

export interface LoopbackServiceStats {
  readonly connections: number;
  readonly users: number;
  readonly lobbies: number;
  readonly packetsRelayed: number;
  readonly bytesRelayed: number;
  readonly unreliableDropped: number;
  /** Requests answered with an error (malformed, impersonating, oversize, against the lobby rules). */
  readonly framesRefused: number;
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

interface Connection {
  readonly socket: WebSocket;
  userId: bigint | undefined;
  /** Users this one exchanged packets with: told when it goes away, as a timed-out session. */
  readonly peers: Set<bigint>;
  /** Absent targets already reported, so a 60 Hz sender gets one failure, not sixty a second. */
  readonly failedTargets: Set<bigint>;
}

export function startLoopbackService(options: LoopbackServiceOptions = {}): Promise<LoopbackService> {
  const host = options.host ?? DEFAULT_LOOPBACK_HOST;
  const port = options.port ?? DEFAULT_LOOPBACK_PORT;
  const log = options.log ?? (() => {});
  const hostProblem = loopbackHostProblem(host);
  if (hostProblem !== undefined) return Promise.reject(new Error(hostProblem));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return Promise.reject(new Error(`port must be an integer in 0..65535, got ${port}`));

  const directory = new LobbyDirectory(log);
  const byUser = new Map<bigint, Connection>();
  const connections = new Set<Connection>();
  let packetsRelayed = 0;
  let bytesRelayed = 0;
  let unreliableDropped = 0;
  let framesRefused = 0;

  const sendMessage = (conn: Connection | undefined, message: ServerMessage): void => {
    if (conn !== undefined && conn.socket.readyState === WebSocket.OPEN) conn.socket.send(encodeServerMessage(message));
  };
  const deliver = (out: readonly Outgoing[]): void => {
    for (const item of out) {
      const conn = byUser.get(item.to);
      if (conn === undefined || conn.socket.readyState !== WebSocket.OPEN) continue;
      if ('frame' in item) conn.socket.send(item.frame, { binary: true });
      else {
        if (item.message.t === 'error') framesRefused++;
        conn.socket.send(encodeServerMessage(item.message));
      }
    }
  };
  const refuse = (conn: Connection, code: ServiceErrorCode, detail: string, op?: string): void => {
    framesRefused++;
    log(`refused a frame from ${conn.userId === undefined ? 'a new connection' : `${directory.nameOf(conn.userId)} (${conn.userId})`}: ${detail}`);
    sendMessage(conn, op === undefined ? { t: 'error', code, detail } : { t: 'error', code, detail, op });
  };

  const onText = (conn: Connection, text: string): void => {
    if (text.length > MAX_CONTROL_BYTES) return refuse(conn, 'too-large', `control frames are limited to ${MAX_CONTROL_BYTES} bytes, got ${text.length}`);
    const parsed = parseClientOp(text);
    if (!parsed.ok) return refuse(conn, parsed.problem.code, parsed.problem.detail, parsed.problem.op);
    const op = parsed.value;
    if (op.op === 'hello') {
      if (conn.userId !== undefined) return refuse(conn, 'invalid-argument', 'hello: this connection already said hello', 'hello');
      if (op.protocol !== LOOPBACK_PROTOCOL_VERSION) {
        refuse(conn, 'invalid-argument', `hello: client speaks protocol ${op.protocol}, this service speaks ${LOOPBACK_PROTOCOL_VERSION}; update lobbykit on one side`, 'hello');
        conn.socket.close(1002, 'protocol version mismatch');
        return;
      }
      const name = op.name.trim().slice(0, MAX_NAME_LENGTH) || 'player';
      const userId = directory.register(name);
      conn.userId = userId;
      byUser.set(userId, conn);
      log(`${name} (${userId}) connected`);
      return sendMessage(conn, { t: 'welcome', userId: idToWire(userId), name, protocol: LOOPBACK_PROTOCOL_VERSION });
    }
    const userId = conn.userId;
    if (userId === undefined) return refuse(conn, 'not-ready', `${op.op}: send hello first; the service gives each connection its id then`, op.op);
    const claim = identityClaim(op.op, parsed.raw);
    if (claim !== undefined && idFromWire(claim.value) !== userId) {
      return refuse(conn, 'impersonation', `${op.op}: "${claim.field}" says ${String(claim.value)} but this connection is ${userId}; the service assigns ids and clients cannot speak for others`, op.op);
    }
    if (op.op === 'ping') return sendMessage(conn, { t: 'pong', seq: op.seq });
    if (op.op === 'closeSession') {
      conn.failedTargets.delete(op.remote);
      return;
    }
    deliver(directory.handle(userId, op));
  };

  const onBinary = (conn: Connection, bytes: Buffer): void => {
    const userId = conn.userId;
    if (userId === undefined) return refuse(conn, 'not-ready', 'binary frame before hello; the service gives each connection its id then');
    const parsed = decodeBinaryFrame(bytes);
    if (!parsed.ok) return refuse(conn, 'malformed', parsed.detail);
    const frame = parsed.value;
    if (frame.from !== userId) {
      return refuse(conn, 'impersonation', `${frame.kind} frame claims to come from ${frame.from} but this connection is ${userId}; the service assigns ids and clients cannot speak for others`, frame.kind);
    }
    if (frame.kind === 'chat') return deliver(directory.chat(userId, frame.lobbyId, frame.message.length, bytes));
    if (!isSendType(frame.sendType)) return refuse(conn, 'invalid-argument', `packet: send type must be 0..3, got ${frame.sendType}`, 'packet');
    if (!isValidChannel(frame.channel)) return refuse(conn, 'invalid-argument', `packet: channel must be 0..2^31-1, got ${frame.channel}`, 'packet');
    const tooBig = sendSizeProblem(frame.payload.length, frame.sendType);
    if (tooBig !== undefined) return refuse(conn, 'too-large', `packet: ${tooBig}`, 'packet');
    if (frame.to === userId) return refuse(conn, 'invalid-argument', 'packet: cannot send a P2P packet to yourself', 'packet');
    const target = byUser.get(frame.to);
    if (target === undefined || target.socket.readyState !== WebSocket.OPEN) {
      if (!conn.failedTargets.has(frame.to)) {
        conn.failedTargets.add(frame.to);
        sendMessage(conn, { t: 'update', events: [{ type: 'p2pConnectFail', remote: idToWire(frame.to), error: P2PSessionError.timeout }] });
      }
      return;
    }
    if (frame.sendType < 2 && target.socket.bufferedAmount > UNRELIABLE_BACKLOG_BYTES) {
      unreliableDropped++;
      return;
    }
    conn.peers.add(frame.to);
    target.peers.add(userId);
    // The header was checked above, so the very bytes received go on: no re-encoding per packet.
    target.socket.send(bytes, { binary: true });
    packetsRelayed++;
    bytesRelayed += frame.payload.length;
  };

  const onClose = (conn: Connection, code: number): void => {
    connections.delete(conn);
    const userId = conn.userId;
    if (userId === undefined) return;
    byUser.delete(userId);
    const how = code === 1000 ? 'left' : 'disconnected';
    log(`${directory.nameOf(userId)} (${userId}) ${how === 'left' ? 'left' : `disconnected (code ${code})`}`);
    const out = directory.remove(userId, how);
    deliver(out);
    for (const peer of conn.peers) {
      const other = byUser.get(peer);
      if (other === undefined) continue;
      other.peers.delete(userId);
      sendMessage(other, { t: 'update', events: [{ type: 'p2pConnectFail', remote: idToWire(userId), error: P2PSessionError.timeout }] });
    }
  };

  return new Promise((resolve, reject) => {
    // maxPayload: ws closes a connection (1009) that announces a bigger frame before buffering it.
    const server = new WebSocketServer({ host, port, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use (is another \`lobbykit serve\` running?); choose another with --port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    });
    server.on('connection', (socket) => {
      const conn: Connection = { socket, userId: undefined, peers: new Set(), failedTargets: new Set() };
      connections.add(conn);
      socket.on('message', (data: RawData, isBinary: boolean) => {
        try {
          const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
          if (isBinary) onBinary(conn, bytes);
          else onText(conn, bytes.toString('utf8'));
        } catch (error) {
          // A bug here must cost one frame, not the service.
          refuse(conn, 'malformed', `the service could not handle this frame: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      socket.on('error', (error) => log(`socket error${conn.userId === undefined ? '' : ` for ${directory.nameOf(conn.userId)} (${conn.userId})`}: ${error.message}`));
      socket.on('close', (code) => onClose(conn, code));
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
          users: directory.userCount,
          lobbies: directory.lobbyCount,
          packetsRelayed,
          bytesRelayed,
          unreliableDropped,
          framesRefused,
        }),
        close: () => {
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
