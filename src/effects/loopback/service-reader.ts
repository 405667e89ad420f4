/**
 * What the loopback service sent: buffered as it arrives, applied at poll time in arrival order — lobby views into
 * the mirror, events into the backend's event queue, packets through the session gate, and what the service refused
 * or sent unreadably into the kept errors. Nothing here throws: a bad message becomes a reported fault.
 */
import type { BackendEvent } from '../backend.js';
import { Fifo } from '../fifo.js';
import { decodeBinaryFrame } from './binary-frames.js';
import type { LobbyMirror } from './lobby-mirror.js';
import { idFromWire } from './protocol.js';
import { eventFromWire, parseServerMessage } from './server-messages.js';
import type { SessionGate } from './session-gate.js';
import type { LoopbackServiceError } from './transport.js';

/** Steam's EResult for "no connection", reported with serversDisconnected when the service goes away. */
const RESULT_NO_CONNECTION = 3;
const MAX_KEPT_ERRORS = 64;

export interface ServiceReaderParts {
  readonly userId: bigint;
  readonly mirror: LobbyMirror;
  readonly gate: SessionGate;
  readonly events: Fifo<BackendEvent>;
  readonly onServiceError: ((error: LoopbackServiceError) => void) | undefined;
  /** The time held packets are stamped with. */
  readonly now: () => number;
}

export type Arrival = { readonly text: string } | { readonly bytes: Uint8Array } | { readonly lost: string };

export class ServiceReader {
  /** What the service refused lately (newest last), and messages from it that could not be read. */
  readonly errors: LoopbackServiceError[] = [];
  private readonly arrivals = new Fifo<Arrival>();

  constructor(private readonly parts: ServiceReaderParts) {}

  arrived(arrival: Arrival): void {
    this.arrivals.push(arrival);
  }

  clear(): void {
    this.arrivals.clear();
  }

  applyArrived(): void {
    for (let item = this.arrivals.shift(); item !== undefined; item = this.arrivals.shift()) {
      if ('text' in item) this.applyText(item.text);
      else if ('bytes' in item) this.applyBinary(item.bytes);
      else this.applyLost();
    }
  }

  private applyText(text: string): void {
    const { mirror, events } = this.parts;
    const parsed = parseServerMessage(text);
    if (!parsed.ok) return this.fault(parsed.detail);
    const message = parsed.value;
    if (message.t === 'error') {
      const error: LoopbackServiceError = message.op === undefined ? { code: message.code, detail: message.detail } : { code: message.code, detail: message.detail, op: message.op };
      this.keepError(error);
      // A data write the service refused (ownership moved meanwhile) reports failure the way Steam does.
      const lobbyId = idFromWire(message.lobbyId);
      if (lobbyId !== undefined && (message.op === 'setLobbyData' || message.op === 'deleteLobbyData' || message.op === 'setLobbyMemberData')) {
        const memberId = message.op === 'setLobbyMemberData' ? this.parts.userId : lobbyId;
        events.push({ type: 'lobbyDataUpdate', lobbyId, memberId, success: false });
      }
      return;
    }
    if (message.t !== 'update') return;
    for (const view of message.lobbies ?? []) if (!mirror.applyMember(view)) this.fault('service sent a malformed lobby view');
    for (const view of message.listed ?? []) if (!mirror.applyListed(view)) this.fault('service sent a malformed listed lobby');
    for (const id of message.forget ?? []) {
      const lobbyId = idFromWire(id);
      if (lobbyId !== undefined) mirror.forget(lobbyId);
    }
    for (const [id, name] of Object.entries(message.names ?? {})) {
      const userId = idFromWire(id);
      if (userId !== undefined && typeof name === 'string') mirror.learnName(userId, name);
    }
    for (const wire of message.events) {
      const event = eventFromWire(wire);
      if (event === undefined) this.fault(`service sent an event this client cannot read: ${JSON.stringify(wire).slice(0, 200)}`);
      else events.push(event as unknown as BackendEvent);
    }
  }

  private applyBinary(bytes: Uint8Array): void {
    const parsed = decodeBinaryFrame(bytes);
    if (!parsed.ok) return this.fault(parsed.detail);
    const frame = parsed.value;
    if (frame.kind === 'chat') {
      this.parts.events.push({ type: 'lobbyChatMessage', lobbyId: frame.lobbyId, from: frame.from, bytes: frame.message });
      return;
    }
    if (this.parts.gate.receive(frame.channel, { from: frame.from, bytes: frame.payload }, frame.sendType, this.parts.now())) {
      this.parts.events.push({ type: 'p2pSessionRequest', remote: frame.from });
    }
  }

  private applyLost(): void {
    const { mirror, events } = this.parts;
    events.push({ type: 'serversDisconnected', reason: RESULT_NO_CONNECTION });
    // Steam tells a client that lost its connection that it is out of its lobbies: kicked, due to disconnect.
    for (const lobbyId of mirror.joinedIds()) events.push({ type: 'lobbyKicked', lobbyId, by: 0n, dueToDisconnect: true });
    mirror.forgetAll();
  }

  private fault(detail: string): void {
    this.keepError({ code: 'bad-service-message', detail });
  }

  private keepError(error: LoopbackServiceError): void {
    this.errors.push(error);
    if (this.errors.length > MAX_KEPT_ERRORS) this.errors.shift();
    this.parts.onServiceError?.(error);
  }
}
