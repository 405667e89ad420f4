import {
  createLobbyProblem,
  isSteamId,
  lobbyDataKeyProblem,
  MAX_LOBBY_CHAT_BYTES,
  sendP2PProblem,
  UNKNOWN_PERSONA_NAME,
  type Backend,
  type BackendEvent,
  type LobbyListFilters,
  type LobbyType,
  type P2PPacket,
  type P2PSendType,
  type Refusal,
  type RefusalCode,
} from '../backend.js';
import { Fifo } from '../fifo.js';
import { LOOPBACK_CAPABILITIES } from './capabilities.js';
import { LobbyMirror, type MirroredLobby } from './lobby-mirror.js';
import {
  decodeBinaryFrame,
  encodeChatFrame,
  encodeClientOp,
  encodePacketFrame,
  eventFromWire,
  idFromWire,
  parseFilters,
  parseServerMessage,
  type ClientOp,
  type ServiceErrorCode,
} from './protocol.js';
import { SessionGate } from './session-gate.js';

/** How the backend reaches the service; a WebSocket in production, anything in unit tests. */
export interface LoopbackTransport {
  isOpen(): boolean;
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  close(code: number, reason: string): Promise<void>;
}

/** Something the service refused or a message from it this client could not read. */
export interface LoopbackServiceError {
  readonly code: ServiceErrorCode | 'bad-service-message';
  readonly detail: string;
  readonly op?: string;
}

/** Steam's EResult for "no connection", reported with serversDisconnected when the service goes away. */
const RESULT_NO_CONNECTION = 3;
const MAX_KEPT_ERRORS = 64;
const DEFAULT_SETTLE_TIMEOUT_MS = 5000;

type Incoming = { readonly text: string } | { readonly bytes: Uint8Array } | { readonly lost: string };

export interface LoopbackBackendInit {
  readonly transport: LoopbackTransport;
  readonly userId: bigint;
  readonly name: string;
  readonly launchArgs?: readonly string[];
  readonly onServiceError?: (error: LoopbackServiceError) => void;
}

/**
 * The Backend port over the loopback service. Socket traffic is only buffered when it arrives; `poll()` (or
 * `drainEvents`) applies it in arrival order — lobby views, then events, packets into the fair inbox — so a game
 * frame sees one consistent world, as with Steam's callbacks.
 */
export class LoopbackBackend implements Backend {
  readonly kind = 'loopback' as const;
  readonly capabilities = LOOPBACK_CAPABILITIES;
  private readonly transport: LoopbackTransport;
  private readonly userId: bigint;
  private readonly name: string;
  private readonly args: readonly string[];
  private readonly onServiceError: ((error: LoopbackServiceError) => void) | undefined;
  private readonly incoming = new Fifo<Incoming>();
  private readonly events = new Fifo<BackendEvent>();
  private readonly mirror = new LobbyMirror();
  private readonly gate = new SessionGate();
  private readonly errors: LoopbackServiceError[] = [];
  private readonly settling = new Map<number, { resolve(): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  private readonly listeners = new Set<() => void>();
  private refusal: Refusal | undefined;
  private lostReason: string | undefined;
  private nextSeq = 1;

  constructor(init: LoopbackBackendInit) {
    this.transport = init.transport;
    this.userId = init.userId;
    this.name = init.name;
    this.args = init.launchArgs ?? [];
    this.onServiceError = init.onServiceError;
  }

  // ------------------------------------------------------------------ from the socket (any time)

  receiveText(text: string): void {
    // Pongs are answered at once: they only say "everything before me has arrived".
    if (text.startsWith('{"t":"pong"')) {
      const parsed = parseServerMessage(text);
      if (parsed.ok && parsed.value.t === 'pong') {
        const waiting = this.settling.get(parsed.value.seq);
        if (waiting !== undefined) {
          this.settling.delete(parsed.value.seq);
          clearTimeout(waiting.timer);
          waiting.resolve();
        }
        return;
      }
    }
    this.incoming.push({ text });
    this.wake();
  }

  receiveBinary(bytes: Uint8Array): void {
    this.incoming.push({ bytes });
    this.wake();
  }

  connectionLost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.incoming.push({ lost: reason });
    for (const [seq, waiting] of this.settling) {
      this.settling.delete(seq);
      clearTimeout(waiting.timer);
      waiting.reject(new Error(`the loopback service connection closed: ${reason}`));
    }
    this.wake();
  }

  // ------------------------------------------------------------------ loopback extras

  /** Resolves once the service has answered everything sent before it (a round trip through the service). */
  settle(timeoutMs = DEFAULT_SETTLE_TIMEOUT_MS): Promise<void> {
    if (!this.transport.isOpen()) return Promise.reject(new Error(this.closedDetail()));
    const seq = this.nextSeq++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settling.delete(seq);
        reject(new Error(`the loopback service did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.settling.set(seq, { resolve, reject, timer });
      this.send({ op: 'ping', seq });
    });
  }

  /** Calls `listener` whenever something arrives from the service, so a loop can tick at once instead of polling. */
  onIncoming(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the service refused lately (newest last), and messages from it that could not be read. */
  serviceErrors(): readonly LoopbackServiceError[] {
    return this.errors;
  }

  /** Packets dropped on this side: held too long for an unaccepted session, or closed sessions. */
  droppedPackets(): number {
    return this.gate.dropped;
  }

  isConnected(): boolean {
    return this.lostReason === undefined && this.transport.isOpen();
  }

  /** Leaves the service cleanly (the others see this user leave, not disconnect); resolves once the socket closed. */
  close(): Promise<void> {
    this.listeners.clear();
    return this.transport.close(1000, 'player quit');
  }

  dispose(): void {
    void this.close();
    this.events.clear();
    this.incoming.clear();
  }

  // ------------------------------------------------------------------ Backend: local user and events

  lastRefusal(): Refusal | undefined {
    return this.refusal;
  }

  localUserId(): bigint {
    return this.userId;
  }

  localUserName(): string {
    return this.name;
  }

  personaName(userId: bigint): string {
    if (userId === this.userId) return this.name;
    return this.mirror.name(userId) ?? UNKNOWN_PERSONA_NAME;
  }

  launchArgs(): readonly string[] {
    return this.args;
  }

  poll(): void {
    for (let item = this.incoming.shift(); item !== undefined; item = this.incoming.shift()) {
      if ('text' in item) this.applyText(item.text);
      else if ('bytes' in item) this.applyBinary(item.bytes);
      else this.applyLost();
    }
  }

  drainEvents(sink: (event: BackendEvent) => void): number {
    this.poll();
    const n = this.events.length;
    for (let i = 0; i < n; i++) sink(this.events.shift() as BackendEvent);
    return n;
  }

  pendingEvents(): number {
    return this.events.length;
  }

  // ------------------------------------------------------------------ Backend: lobbies

  createLobby(lobbyType: LobbyType, maxMembers: number): boolean {
    const problem = createLobbyProblem(lobbyType, maxMembers);
    if (problem !== undefined) return this.refuse('invalid-argument', problem);
    return this.send({ op: 'createLobby', lobbyType, maxMembers });
  }

  joinLobby(lobbyId: bigint): boolean {
    if (!isSteamId(lobbyId)) return this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
    return this.send({ op: 'joinLobby', lobbyId });
  }

  leaveLobby(lobbyId: bigint): boolean {
    if (this.memberLobby(lobbyId) === undefined) return false;
    if (!this.send({ op: 'leaveLobby', lobbyId })) return false;
    this.mirror.forget(lobbyId);
    return true;
  }

  requestLobbyList(filters?: LobbyListFilters): boolean {
    const checked = parseFilters(filters);
    if (!checked.ok) return this.refuse('invalid-argument', checked.detail);
    return this.send({ op: 'requestLobbyList', filters: checked.value });
  }

  getLobbyMembers(lobbyId: bigint): readonly bigint[] {
    return this.mirror.member(lobbyId)?.members ?? [];
  }

  getLobbyOwner(lobbyId: bigint): bigint {
    return this.mirror.member(lobbyId)?.owner ?? 0n;
  }

  getLobbyMemberCount(lobbyId: bigint): number {
    return this.mirror.any(lobbyId)?.memberCount ?? 0;
  }

  getLobbyMemberLimit(lobbyId: bigint): number {
    return this.mirror.any(lobbyId)?.limit ?? 0;
  }

  getLobbyData(lobbyId: bigint, key: string): string {
    return this.mirror.any(lobbyId)?.data.get(key) ?? '';
  }

  getAllLobbyData(lobbyId: bigint): Readonly<Record<string, string>> {
    return Object.fromEntries(this.mirror.any(lobbyId)?.data ?? []);
  }

  setLobbyData(lobbyId: bigint, key: string, value: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    if (typeof value !== 'string') return this.refuse('invalid-argument', 'lobby data values are strings');
    if (this.ownedLobby(lobbyId) === undefined || !this.send({ op: 'setLobbyData', lobbyId, key, value })) return false;
    this.mirror.writeLocal(lobbyId, undefined, key, value);
    return true;
  }

  deleteLobbyData(lobbyId: bigint, key: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    if (this.ownedLobby(lobbyId) === undefined || !this.send({ op: 'deleteLobbyData', lobbyId, key })) return false;
    this.mirror.writeLocal(lobbyId, undefined, key, undefined);
    return true;
  }

  getLobbyMemberData(lobbyId: bigint, memberId: bigint, key: string): string {
    return this.mirror.member(lobbyId)?.memberData.get(memberId)?.get(key) ?? '';
  }

  setLobbyMemberData(lobbyId: bigint, key: string, value: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    if (typeof value !== 'string') return this.refuse('invalid-argument', 'member data values are strings');
    if (this.memberLobby(lobbyId) === undefined || !this.send({ op: 'setLobbyMemberData', lobbyId, key, value })) return false;
    this.mirror.writeLocal(lobbyId, this.userId, key, value);
    return true;
  }

  setLobbyJoinable(lobbyId: bigint, joinable: boolean): boolean {
    if (typeof joinable !== 'boolean') return this.refuse('invalid-argument', 'joinable is true or false');
    if (this.ownedLobby(lobbyId) === undefined) return false;
    return this.send({ op: 'setLobbyJoinable', lobbyId, joinable });
  }

  kickLobbyMember(lobbyId: bigint, memberId: bigint): boolean {
    return this.removeOther(lobbyId, memberId, 'kick');
  }

  banLobbyMember(lobbyId: bigint, memberId: bigint): boolean {
    return this.removeOther(lobbyId, memberId, 'ban');
  }

  inviteUserToLobby(lobbyId: bigint, userId: bigint): boolean {
    if (!isSteamId(userId)) return this.refuse('invalid-argument', `user id must be a positive 64-bit bigint, got ${String(userId)}`);
    if (this.memberLobby(lobbyId) === undefined) return false;
    return this.send({ op: 'invite', lobbyId, userId });
  }

  sendLobbyChat(lobbyId: bigint, bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) return this.refuse('invalid-argument', 'chat messages are bytes (Uint8Array)');
    if (bytes.length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuse('too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${bytes.length}`);
    }
    if (this.memberLobby(lobbyId) === undefined) return false;
    return this.sendFrame(encodeChatFrame(this.userId, lobbyId, bytes));
  }

  // ------------------------------------------------------------------ Backend: P2P

  sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const problem = sendP2PProblem(to, bytes, sendType, channel);
    if (problem !== undefined) return this.refuse(problem.code, problem.detail);
    if (to === this.userId) return this.refuse('invalid-argument', 'cannot send a P2P packet to yourself');
    if (!this.sendFrame(encodePacketFrame(sendType, channel, this.userId, to, bytes))) return false;
    // Sending to a user accepts their session, as on Steam.
    this.gate.accept(to);
    return true;
  }

  availableP2P(channel: number): number {
    return this.gate.inbox.peekSize(channel);
  }

  readP2P(channel: number): P2PPacket | undefined {
    return this.gate.inbox.read(channel);
  }

  channelsWithPackets(): readonly number[] {
    return this.gate.inbox.channelsWithPackets();
  }

  pendingPackets(): number {
    return this.gate.inbox.size;
  }

  acceptSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    this.gate.accept(remote);
    return true;
  }

  closeSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    this.gate.close(remote);
    if (this.transport.isOpen()) this.send({ op: 'closeSession', remote });
    return true;
  }

  allowRelay(_allow: boolean): boolean {
    // Everything goes through the service; there is no direct path to turn off or on.
    return true;
  }

  // ------------------------------------------------------------------ internals

  private applyText(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) return this.fault(parsed.detail);
    const message = parsed.value;
    if (message.t === 'error') {
      const error: LoopbackServiceError = message.op === undefined ? { code: message.code, detail: message.detail } : { code: message.code, detail: message.detail, op: message.op };
      this.keepError(error);
      // A data write the service refused (ownership moved meanwhile) reports failure the way Steam does.
      const lobbyId = idFromWire(message.lobbyId);
      if (lobbyId !== undefined && (message.op === 'setLobbyData' || message.op === 'deleteLobbyData' || message.op === 'setLobbyMemberData')) {
        const memberId = message.op === 'setLobbyMemberData' ? this.userId : lobbyId;
        this.events.push({ type: 'lobbyDataUpdate', lobbyId, memberId, success: false });
      }
      return;
    }
    if (message.t !== 'update') return;
    for (const view of message.lobbies ?? []) if (!this.mirror.applyMember(view)) this.fault('service sent a malformed lobby view');
    for (const view of message.listed ?? []) if (!this.mirror.applyListed(view)) this.fault('service sent a malformed listed lobby');
    for (const id of message.forget ?? []) {
      const lobbyId = idFromWire(id);
      if (lobbyId !== undefined) this.mirror.forget(lobbyId);
    }
    for (const [id, name] of Object.entries(message.names ?? {})) {
      const userId = idFromWire(id);
      if (userId !== undefined && typeof name === 'string') this.mirror.learnName(userId, name);
    }
    for (const wire of message.events) {
      const event = eventFromWire(wire);
      if (event === undefined) this.fault(`service sent an event this client cannot read: ${JSON.stringify(wire).slice(0, 200)}`);
      else this.events.push(event as unknown as BackendEvent);
    }
  }

  private applyBinary(bytes: Uint8Array): void {
    const parsed = decodeBinaryFrame(bytes);
    if (!parsed.ok) return this.fault(parsed.detail);
    const frame = parsed.value;
    if (frame.kind === 'chat') {
      this.events.push({ type: 'lobbyChatMessage', lobbyId: frame.lobbyId, from: frame.from, bytes: frame.message });
      return;
    }
    if (this.gate.receive(frame.channel, { from: frame.from, bytes: frame.payload }, frame.sendType)) {
      this.events.push({ type: 'p2pSessionRequest', remote: frame.from });
    }
  }

  private applyLost(): void {
    this.events.push({ type: 'serversDisconnected', reason: RESULT_NO_CONNECTION });
    // Steam tells a client that lost its connection that it is out of its lobbies: kicked, due to disconnect.
    for (const lobbyId of this.mirror.joinedIds()) this.events.push({ type: 'lobbyKicked', lobbyId, by: 0n, dueToDisconnect: true });
    this.mirror.forgetAll();
  }

  private memberLobby(lobbyId: bigint): MirroredLobby | undefined {
    if (!isSteamId(lobbyId)) {
      this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
      return undefined;
    }
    const lobby = this.mirror.member(lobbyId);
    if (lobby === undefined) {
      this.refuse('not-a-member', `you are not a member of lobby ${lobbyId}`);
      return undefined;
    }
    return lobby;
  }

  private ownedLobby(lobbyId: bigint): MirroredLobby | undefined {
    const lobby = this.memberLobby(lobbyId);
    if (lobby !== undefined && lobby.owner !== this.userId) {
      this.refuse('not-owner', `only the owner of lobby ${lobbyId} can do that`);
      return undefined;
    }
    return lobby;
  }

  private removeOther(lobbyId: bigint, memberId: bigint, op: 'kick' | 'ban'): boolean {
    if (!isSteamId(memberId)) return this.refuse('invalid-argument', `member id must be a positive 64-bit bigint, got ${String(memberId)}`);
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    if (memberId === this.userId) return this.refuse('invalid-argument', 'the owner cannot kick or ban themself; leave instead');
    if (op === 'kick' && !lobby.members.includes(memberId)) return this.refuse('not-a-member', `${memberId} is not in lobby ${lobbyId}`);
    return this.send({ op, lobbyId, memberId });
  }

  private send(op: ClientOp): boolean {
    if (!this.transport.isOpen()) return this.refuse('no-connection', this.closedDetail());
    this.transport.sendText(encodeClientOp(op));
    return true;
  }

  private sendFrame(frame: Uint8Array): boolean {
    if (!this.transport.isOpen()) return this.refuse('no-connection', this.closedDetail());
    this.transport.sendBinary(frame);
    return true;
  }

  private closedDetail(): string {
    return `the loopback service connection is closed${this.lostReason === undefined ? '' : ` (${this.lostReason})`}; start it with \`npx lobbykit serve\` and connect again`;
  }

  private refuse(code: RefusalCode, detail: string): false {
    this.refusal = { code, detail };
    return false;
  }

  private fault(detail: string): void {
    this.keepError({ code: 'bad-service-message', detail });
  }

  private keepError(error: LoopbackServiceError): void {
    this.errors.push(error);
    if (this.errors.length > MAX_KEPT_ERRORS) this.errors.shift();
    this.onServiceError?.(error);
  }

  private wake(): void {
    for (const listener of this.listeners) listener();
  }
}
