/**
 * The loopback service's frame handling, with no server of its own: checks each frame a connection sends (identity,
 * shape, Steam's limits), hands requests to the LobbyDirectory, relays packets and chat, and drops connections that
 * stop reading or stop answering. Every refusal becomes an error reply to its sender only, within its budget.
 */
import { isSendType, P2PSessionError, sendSizeProblem } from '../effects/backend.js';
import { decodeBinaryFrame } from '../effects/loopback/binary-frames.js';
import { identityClaim, MAX_CONTROL_BYTES, parseClientOp } from '../effects/loopback/client-ops.js';
import { idFromWire, idToWire, LOOPBACK_PROTOCOL_VERSION } from '../effects/loopback/protocol.js';
import type { ServerMessage, ServiceErrorCode } from '../effects/loopback/server-messages.js';
import { isValidChannel } from '../codec/frame.js';
import type { Connection } from './connection.js';
import { LobbyDirectory, type Outgoing } from './directory.js';

const MAX_NAME_LENGTH = 64;

export interface RelayCounters {
  packetsRelayed: number;
  bytesRelayed: number;
  unreliableDropped: number;
  framesRefused: number;
  errorRepliesSuppressed: number;
  slowClientsDropped: number;
  silentClientsDropped: number;
  /** The most bytes any one connection's outgoing buffer held, measured after each send. */
  peakOutgoingBytes: number;
}

export class Relay {
  readonly directory: LobbyDirectory;
  readonly counters: RelayCounters = {
    packetsRelayed: 0,
    bytesRelayed: 0,
    unreliableDropped: 0,
    framesRefused: 0,
    errorRepliesSuppressed: 0,
    slowClientsDropped: 0,
    silentClientsDropped: 0,
    peakOutgoingBytes: 0,
  };
  private readonly byUser = new Map<bigint, Connection>();
  /** Connections found too slow while a batch was going out: dropped once the batch is sent, so no one gets a stale view after the removal. */
  private readonly tooSlow: Connection[] = [];

  constructor(
    private readonly log: (line: string) => void,
    private readonly now: () => number,
    /** A receiver this far behind loses unreliable packets, as a congested link would; reliable ones still queue. */
    private readonly unreliableBacklogBytes: number,
  ) {
    this.directory = new LobbyDirectory(log);
  }

  onText(conn: Connection, text: string): void {
    if (text.length > MAX_CONTROL_BYTES) return this.refuse(conn, 'too-large', `control frames are limited to ${MAX_CONTROL_BYTES} bytes, got ${text.length}`);
    const parsed = parseClientOp(text);
    if (!parsed.ok) return this.refuse(conn, parsed.problem.code, parsed.problem.detail, parsed.problem.op);
    const op = parsed.value;
    if (op.op === 'hello') {
      if (conn.userId !== undefined) return this.refuse(conn, 'invalid-argument', 'hello: this connection already said hello', 'hello');
      if (op.protocol !== LOOPBACK_PROTOCOL_VERSION) {
        this.refuse(conn, 'invalid-argument', `hello: client speaks protocol ${op.protocol}, this service speaks ${LOOPBACK_PROTOCOL_VERSION}; update lobbykit on one side`, 'hello');
        conn.gone = true;
        conn.socket.close(1002, 'protocol version mismatch');
        return;
      }
      const name = op.name.trim().slice(0, MAX_NAME_LENGTH) || 'player';
      const userId = this.directory.register(name);
      conn.userId = userId;
      this.byUser.set(userId, conn);
      this.log(`${name} (${userId}) connected`);
      return this.sendTo(conn, { t: 'welcome', userId: idToWire(userId), name, protocol: LOOPBACK_PROTOCOL_VERSION });
    }
    const userId = conn.userId;
    if (userId === undefined) return this.refuse(conn, 'not-ready', `${op.op}: send hello first; the service gives each connection its id then`, op.op);
    const claim = identityClaim(op.op, parsed.raw);
    if (claim !== undefined && idFromWire(claim.value) !== userId) {
      return this.refuse(conn, 'impersonation', `${op.op}: "${claim.field}" says ${String(claim.value)} but this connection is ${userId}; the service assigns ids and clients cannot speak for others`, op.op);
    }
    if (op.op === 'ping') return this.sendTo(conn, { t: 'pong', seq: op.seq });
    if (op.op === 'closeSession') {
      conn.failedTargets.delete(op.remote);
      return;
    }
    this.deliver(this.directory.handle(userId, op));
  }

  onBinary(conn: Connection, bytes: Uint8Array): void {
    const userId = conn.userId;
    if (userId === undefined) return this.refuse(conn, 'not-ready', 'binary frame before hello; the service gives each connection its id then');
    const parsed = decodeBinaryFrame(bytes);
    if (!parsed.ok) return this.refuse(conn, 'malformed', parsed.detail);
    const frame = parsed.value;
    if (frame.from !== userId) {
      return this.refuse(conn, 'impersonation', `${frame.kind} frame claims to come from ${frame.from} but this connection is ${userId}; the service assigns ids and clients cannot speak for others`, frame.kind);
    }
    if (frame.kind === 'chat') return this.deliver(this.directory.chat(userId, frame.lobbyId, frame.message.length, bytes));
    if (!isSendType(frame.sendType)) return this.refuse(conn, 'invalid-argument', `packet: send type must be 0..3, got ${frame.sendType}`, 'packet');
    if (!isValidChannel(frame.channel)) return this.refuse(conn, 'invalid-argument', `packet: channel must be 0..2^31-1, got ${frame.channel}`, 'packet');
    const tooBig = sendSizeProblem(frame.payload.length, frame.sendType);
    if (tooBig !== undefined) return this.refuse(conn, 'too-large', `packet: ${tooBig}`, 'packet');
    if (frame.to === userId) return this.refuse(conn, 'invalid-argument', 'packet: cannot send a P2P packet to yourself', 'packet');
    const target = this.byUser.get(frame.to);
    if (target === undefined || target.gone) {
      if (!conn.failedTargets.has(frame.to)) {
        conn.failedTargets.add(frame.to);
        this.sendTo(conn, { t: 'update', events: [{ type: 'p2pConnectFail', remote: idToWire(frame.to), error: P2PSessionError.timeout }] });
      }
      return;
    }
    if (frame.sendType < 2 && target.backlog > this.unreliableBacklogBytes) {
      this.counters.unreliableDropped++;
      return;
    }
    conn.peers.add(frame.to);
    target.peers.add(userId);
    // The header was checked above, so the very bytes received go on: no re-encoding per packet.
    if (this.sendRaw(target, bytes) !== 'sent') return this.dropSlow();
    this.counters.packetsRelayed++;
    this.counters.bytesRelayed += frame.payload.length;
  }

  /** Forgets a connection's user (it closed, or was dropped): lobbies and packet peers are told. */
  forget(conn: Connection, how: 'left' | 'disconnected', why: string): void {
    conn.gone = true;
    const userId = conn.userId;
    if (userId === undefined || this.byUser.get(userId) !== conn) return;
    this.byUser.delete(userId);
    this.log(`${this.directory.nameOf(userId)} (${userId}) ${why}`);
    this.deliver(this.directory.remove(userId, how));
    for (const peer of conn.peers) {
      const other = this.byUser.get(peer);
      if (other === undefined) continue;
      other.peers.delete(userId);
      this.sendTo(other, { t: 'update', events: [{ type: 'p2pConnectFail', remote: idToWire(userId), error: P2PSessionError.timeout }] });
    }
    this.dropSlow();
  }

  /** Drops a connection that has not been heard from for `silentMs` (its socket is cut: it cannot answer a close). */
  dropSilent(conn: Connection, silentMs: number): void {
    if (conn.gone) return;
    this.counters.silentClientsDropped++;
    this.forget(conn, 'disconnected', `dropped: no answer for ${silentMs} ms`);
    conn.socket.terminate();
  }

  private sendTo(conn: Connection, message: ServerMessage): void {
    if (conn.sendMessage(message) === 'full') this.markSlow(conn);
    else this.measure(conn);
    this.dropSlow();
  }

  private sendRaw(conn: Connection, bytes: Uint8Array): 'sent' | 'full' | 'gone' {
    const result = conn.send(bytes);
    if (result === 'full') this.markSlow(conn);
    else this.measure(conn);
    return result;
  }

  private measure(conn: Connection): void {
    const held = conn.backlog;
    if (held > this.counters.peakOutgoingBytes) this.counters.peakOutgoingBytes = held;
  }

  private deliver(out: readonly Outgoing[]): void {
    for (const item of out) {
      const conn = this.byUser.get(item.to);
      if (conn === undefined || conn.gone) continue;
      if ('frame' in item) {
        this.sendRaw(conn, item.frame);
        continue;
      }
      if (item.message.t === 'error') {
        this.counters.framesRefused++;
        this.replyError(conn, item.message);
      } else if (conn.sendMessage(item.message) === 'full') this.markSlow(conn);
      else this.measure(conn);
    }
    this.dropSlow();
  }

  refuse(conn: Connection, code: ServiceErrorCode, detail: string, op?: string): void {
    this.counters.framesRefused++;
    this.replyError(conn, op === undefined ? { t: 'error', code, detail } : { t: 'error', code, detail, op });
    this.dropSlow();
  }

  /** Sends an error reply if the connection's budget allows; the next one sent says how many were held back. */
  private replyError(conn: Connection, message: Extract<ServerMessage, { t: 'error' }>): void {
    const suppressedBefore = conn.suppressedErrors;
    if (!conn.takeErrorReply(this.now())) {
      this.counters.errorRepliesSuppressed++;
      return;
    }
    conn.suppressedErrors = 0;
    const who = conn.userId === undefined ? 'a new connection' : `${this.directory.nameOf(conn.userId)} (${conn.userId})`;
    const more = suppressedBefore > 0 ? ` (and ${suppressedBefore} earlier refusals not reported)` : '';
    this.log(`refused a frame from ${who}: ${message.detail}${more}`);
    const sent = conn.sendMessage(suppressedBefore > 0 ? { ...message, suppressed: suppressedBefore } : message);
    if (sent === 'full') this.markSlow(conn);
    else this.measure(conn);
  }

  private markSlow(conn: Connection): void {
    if (conn.gone) return;
    conn.gone = true;
    this.tooSlow.push(conn);
  }

  private dropSlow(): void {
    for (let conn = this.tooSlow.shift(); conn !== undefined; conn = this.tooSlow.shift()) {
      this.counters.slowClientsDropped++;
      // Forget first (so members learn at once), then cut the socket: a close frame would wait behind the backlog.
      this.forget(conn, 'disconnected', `dropped: it stopped reading (${conn.backlog} bytes waiting for it)`);
      conn.socket.terminate();
    }
  }
}
