/**
 * The Backend port over the loopback service: Steam's commands, answered from the client's mirror of its lobbies
 * and refused locally when Steam would refuse them. Socket traffic is only buffered when it arrives; `poll()` (or
 * `drainEvents`) applies it in arrival order through the ServiceReader, so a game frame sees one consistent world,
 * as with Steam's callbacks.
 */
import type { SkipSender } from '../inbox.js';
import {
  createLobbyProblem,
  isSteamId,
  lobbyDataKeyProblem,
  lobbyDataValueProblem,
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
import { createSystemClock, type LobbyClock } from '../clock.js';
import { Fifo } from '../fifo.js';
import { encodeChatFrame, encodePacketFrame } from './binary-frames.js';
import { LOOPBACK_CAPABILITIES } from './capabilities.js';
import { encodeClientOp, type ClientOp } from './client-ops.js';
import { LobbyMirror, type MirroredLobby } from './lobby-mirror.js';
import { RoundTrips } from './round-trips.js';
import { ServiceReader } from './service-reader.js';
import { SessionGate } from './session-gate.js';
import type { LoopbackServiceError, LoopbackTransport } from './transport.js';
import { parseLobbyListFilters } from '../list-filters.js';

export type { LoopbackServiceError, LoopbackTransport } from './transport.js';

const DEFAULT_SETTLE_TIMEOUT_MS = 5000;

export interface LoopbackBackendInit {
  readonly transport: LoopbackTransport;
  readonly userId: bigint;
  readonly name: string;
  readonly launchArgs?: readonly string[];
  readonly onServiceError?: (error: LoopbackServiceError) => void;
  /** Times how long packets from senders not yet accepted are held. Default: the wall clock. */
  readonly clock?: LobbyClock;
}

export class LoopbackBackend implements Backend {
  readonly kind = 'loopback' as const;
  readonly capabilities = LOOPBACK_CAPABILITIES;
  private readonly transport: LoopbackTransport;
  private readonly userId: bigint;
  private readonly name: string;
  private readonly args: readonly string[];
  private readonly events = new Fifo<BackendEvent>();
  private readonly mirror = new LobbyMirror();
  private readonly gate = new SessionGate();
  private readonly reader: ServiceReader;
  private readonly clock: LobbyClock;
  private readonly roundTrips = new RoundTrips();
  private readonly listeners = new Set<() => void>();
  private refusal: Refusal | undefined;
  private lostReason: string | undefined;

  constructor(init: LoopbackBackendInit) {
    this.transport = init.transport;
    this.userId = init.userId;
    this.name = init.name;
    this.args = init.launchArgs ?? [];
    this.clock = init.clock ?? createSystemClock();
    this.reader = new ServiceReader({
      userId: this.userId,
      mirror: this.mirror,
      gate: this.gate,
      events: this.events,
      onServiceError: init.onServiceError,
      now: () => this.clock.now(),
    });
  }

  // ------------------------------------------------------------------ from the socket (any time)

  receiveText(text: string): void {
    if (this.roundTrips.takePong(text)) return;
    this.reader.arrived({ text });
    this.wake();
  }

  receiveBinary(bytes: Uint8Array): void {
    this.reader.arrived({ bytes });
    this.wake();
  }

  connectionLost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.reader.arrived({ lost: reason });
    this.roundTrips.failAll(reason);
    this.wake();
  }

  // ------------------------------------------------------------------ loopback extras

  /** Resolves once the service has answered everything sent before it (a round trip through the service). */
  settle(timeoutMs = DEFAULT_SETTLE_TIMEOUT_MS): Promise<void> {
    if (!this.transport.isOpen()) return Promise.reject(new Error(this.closedDetail()));
    return this.roundTrips.start(timeoutMs, (seq) => this.send({ op: 'ping', seq }));
  }

  /** Calls `listener` whenever something arrives from the service, so a loop can tick at once instead of polling. */
  onIncoming(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the service refused lately (newest last), and messages from it that could not be read. */
  serviceErrors(): readonly LoopbackServiceError[] {
    return this.reader.errors;
  }

  /** Packets dropped on this side: held too long or too many for an unaccepted session, or closed sessions. */
  droppedPackets(): number {
    return this.gate.dropped;
  }

  /** Bytes held for senders whose session is not accepted yet (bounded; freed on accept, close or timeout). */
  unacceptedBytes(): number {
    return this.gate.heldBytes;
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
    this.reader.clear();
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
    this.reader.applyArrived();
    this.gate.expire(this.clock.now());
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
    const checked = parseLobbyListFilters(filters);
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
    const problem = lobbyDataKeyProblem(key) ?? lobbyDataValueProblem(value);
    if (problem !== undefined) return this.refuse('invalid-argument', problem);
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
    const problem = lobbyDataKeyProblem(key) ?? lobbyDataValueProblem(value);
    if (problem !== undefined) return this.refuse('invalid-argument', problem);
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

  readP2P(channel: number, skip?: SkipSender): P2PPacket | undefined {
    return this.gate.inbox.read(channel, skip);
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
    const why = this.lostReason === undefined ? '' : ` (${this.lostReason})`;
    return `the loopback service connection is closed${why}; start it with \`npx lobbykit serve\` and connect again`;
  }

  private refuse(code: RefusalCode, detail: string): false {
    this.refusal = { code, detail };
    return false;
  }

  private wake(): void {
    for (const listener of this.listeners) listener();
  }
}
