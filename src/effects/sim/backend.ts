import {
  MAX_LOBBY_CHAT_BYTES,
  UNKNOWN_PERSONA_NAME,
  createLobbyProblem,
  isSteamId,
  lobbyDataKeyProblem,
  sendP2PProblem,
  sendPayloadProblem,
  type Backend,
  type BackendCapabilities,
  type BackendEvent,
  type LobbyListFilters,
  type LobbyType,
  type P2PPacket,
  type P2PRoutes,
  type P2PSendType,
  type Refusal,
  type RefusalCode,
} from '../backend.js';
import { Fifo } from '../fifo.js';
import type { SimCore, SimLobby, SimUser } from './core.js';

/** The simulator has every feature Steam has. */
export const SIMULATED_CAPABILITIES: BackendCapabilities = Object.freeze({
  lobbies: 'native',
  lobbyListFilters: 'native',
  lobbyListDistance: 'native',
  lobbyData: 'native',
  memberData: 'native',
  enterResponseCodes: 'native',
  kickAndBan: 'native',
  invites: 'native',
  joinRequested: 'native',
  lobbyChat: 'native',
  personaNames: 'native',
  p2p: 'native',
  p2pChannels: 'native',
  closeSession: 'native',
  relayControl: 'native',
  serverStatus: 'native',
  launchArgs: 'native',
});

/** One simulated user's view of Steam, through the Backend port. */
export class SimulatedBackend implements Backend {
  readonly kind = 'simulated' as const;
  readonly capabilities = SIMULATED_CAPABILITIES;
  private readonly events = new Fifo<BackendEvent>();
  private refusal: Refusal | undefined;
  private readonly listener = (event: BackendEvent): void => this.events.push(event);
  /** `user.inbox`: a runtime asks it for packets every tick, and this saves loading the user to get there. */
  private readonly inbox: SimUser['inbox'];
  /**
   * A route is the index of our link to the user in the simulator's LinkTable. A subclass that overrides sendP2P gets
   * none, so that its override is never bypassed.
   */
  readonly p2pRoutes: P2PRoutes | undefined;

  constructor(
    private readonly core: SimCore,
    private readonly user: SimUser,
  ) {
    this.inbox = user.inbox;
    user.listeners.push(this.listener);
    this.p2pRoutes = this.sendP2P === SimulatedBackend.prototype.sendP2P ? this.routes() : undefined;
  }

  private routes(): P2PRoutes {
    return {
      backend: this,
      routeTo: (to) => this.user.linkIndexes.get(to),
      send: (route, bytes, sendType, channel) => {
        const problem = sendPayloadProblem(bytes, sendType, channel);
        if (problem !== undefined) return this.refuse(problem.code, problem.detail);
        if (!this.core.isLinkFrom(route, this.user)) return this.refuse('invalid-argument', `route ${String(route)} is not one of this backend's`);
        this.core.sendAt(route, bytes, sendType, channel);
        return true;
      },
    };
  }

  /** Stops receiving events (the game quit). */
  dispose(): void {
    const at = this.user.listeners.indexOf(this.listener);
    if (at >= 0) this.user.listeners.splice(at, 1);
    this.events.clear();
  }

  lastRefusal(): Refusal | undefined {
    return this.refusal;
  }

  private refuse(code: RefusalCode, detail: string): false {
    this.refusal = { code, detail };
    return false;
  }

  localUserId(): bigint {
    return this.user.id;
  }

  localUserName(): string {
    return this.user.options.name;
  }

  personaName(userId: bigint): string {
    if (!this.user.known.has(userId)) return UNKNOWN_PERSONA_NAME;
    return this.core.user(userId)?.options.name ?? UNKNOWN_PERSONA_NAME;
  }

  launchArgs(): readonly string[] {
    return this.user.options.launchArgs ?? [];
  }

  poll(): void {
    // Everything the simulator does happens on its clock; there is no I/O to pull.
  }

  drainEvents(sink: (event: BackendEvent) => void): number {
    const n = this.events.length;
    for (let i = 0; i < n; i++) sink(this.events.shift() as BackendEvent);
    return n;
  }

  pendingEvents(): number {
    return this.events.length;
  }

  // ---------------------------------------------------------------- lobbies

  private memberLobby(lobbyId: bigint): SimLobby | undefined {
    if (!isSteamId(lobbyId)) {
      this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
      return undefined;
    }
    const lobby = this.core.lobbies.get(lobbyId);
    if (lobby === undefined) {
      this.refuse('unknown-lobby', `lobby ${lobbyId} does not exist`);
      return undefined;
    }
    if (!lobby.members.includes(this.user.id)) {
      this.refuse('not-a-member', `you are not a member of lobby ${lobbyId}`);
      return undefined;
    }
    return lobby;
  }

  private ownedLobby(lobbyId: bigint): SimLobby | undefined {
    const lobby = this.memberLobby(lobbyId);
    if (lobby !== undefined && lobby.owner !== this.user.id) {
      this.refuse('not-owner', `only the owner of lobby ${lobbyId} can do that`);
      return undefined;
    }
    return lobby;
  }

  createLobby(lobbyType: LobbyType, maxMembers: number): boolean {
    const problem = createLobbyProblem(lobbyType, maxMembers);
    if (problem !== undefined) return this.refuse('invalid-argument', problem);
    this.core.createLobby(this.user, lobbyType, maxMembers);
    return true;
  }

  joinLobby(lobbyId: bigint): boolean {
    if (!isSteamId(lobbyId)) return this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
    this.core.joinLobby(this.user, lobbyId);
    return true;
  }

  leaveLobby(lobbyId: bigint): boolean {
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    return this.core.leaveLobby(this.user, lobby.id);
  }

  requestLobbyList(filters?: LobbyListFilters): boolean {
    this.core.requestLobbyList(this.user, filters);
    return true;
  }

  getLobbyMembers(lobbyId: bigint): readonly bigint[] {
    const lobby = this.memberLobby(lobbyId);
    return lobby === undefined ? [] : [...lobby.members];
  }

  getLobbyOwner(lobbyId: bigint): bigint {
    return this.memberLobby(lobbyId)?.owner ?? 0n;
  }

  /** Any lobby's count, joined or listed (sdk isteammatchmaking.h GetNumLobbyMembers; the tutorial reads it after a list). */
  getLobbyMemberCount(lobbyId: bigint): number {
    return this.core.lobbies.get(lobbyId)?.memberCount ?? 0;
  }

  getLobbyMemberLimit(lobbyId: bigint): number {
    return this.core.lobbies.get(lobbyId)?.memberLimit ?? 0;
  }

  getLobbyData(lobbyId: bigint, key: string): string {
    return this.core.lobbies.get(lobbyId)?.data(key) ?? '';
  }

  getAllLobbyData(lobbyId: bigint): Readonly<Record<string, string>> {
    return Object.fromEntries(this.core.lobbies.get(lobbyId)?.lobbyData ?? []);
  }

  setLobbyData(lobbyId: bigint, key: string, value: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    if (typeof value !== 'string') return this.refuse('invalid-argument', 'lobby data values are strings');
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    lobby.lobbyData.set(key, value);
    this.core.notifyData(lobby, lobby.id);
    return true;
  }

  deleteLobbyData(lobbyId: bigint, key: string): boolean {
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    if (!lobby.lobbyData.delete(key)) return true;
    this.core.notifyData(lobby, lobby.id);
    return true;
  }

  getLobbyMemberData(lobbyId: bigint, memberId: bigint, key: string): string {
    return this.core.lobbies.get(lobbyId)?.memberData.get(memberId)?.get(key) ?? '';
  }

  setLobbyMemberData(lobbyId: bigint, key: string, value: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    let mine = lobby.memberData.get(this.user.id);
    if (mine === undefined) {
      mine = new Map();
      lobby.memberData.set(this.user.id, mine);
    }
    mine.set(key, String(value));
    this.core.notifyData(lobby, this.user.id);
    return true;
  }

  setLobbyJoinable(lobbyId: bigint, joinable: boolean): boolean {
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    lobby.joinable = joinable;
    return true;
  }

  kickLobbyMember(lobbyId: bigint, memberId: bigint): boolean {
    return this.removeOther(lobbyId, memberId, false);
  }

  banLobbyMember(lobbyId: bigint, memberId: bigint): boolean {
    return this.removeOther(lobbyId, memberId, true);
  }

  private removeOther(lobbyId: bigint, memberId: bigint, ban: boolean): boolean {
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    if (memberId === this.user.id) return this.refuse('invalid-argument', 'the owner cannot kick or ban themself; leave instead');
    if (!lobby.members.includes(memberId) && !ban) return this.refuse('not-a-member', `${memberId} is not in lobby ${lobbyId}`);
    this.core.kick(this.user, lobby, memberId, ban);
    return true;
  }

  inviteUserToLobby(lobbyId: bigint, userId: bigint): boolean {
    if (!isSteamId(userId)) return this.refuse('invalid-argument', `user id must be a positive 64-bit bigint, got ${String(userId)}`);
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    const invitee = this.core.user(userId);
    if (invitee === undefined) return this.refuse('invalid-argument', `user ${userId} is not on this simulated Steam`);
    this.core.invite(this.user, lobby, invitee);
    return true;
  }

  sendLobbyChat(lobbyId: bigint, bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) return this.refuse('invalid-argument', 'chat messages are bytes (Uint8Array)');
    if (bytes.length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuse('too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${bytes.length}`);
    }
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    this.core.chat(this.user, lobby, bytes);
    return true;
  }

  // ---------------------------------------------------------------- P2P

  sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const problem = sendP2PProblem(to, bytes, sendType, channel);
    if (problem !== undefined) return this.refuse(problem.code, problem.detail);
    if (to === this.user.id) return this.refuse('invalid-argument', 'cannot send a P2P packet to yourself');
    // A link exists once we sent to them: sending through it needs no lookup of the remote user.
    const link = this.user.linkIndexes.get(to);
    if (link !== undefined) {
      this.core.sendAt(link, bytes, sendType, channel);
      return true;
    }
    const remote = this.core.user(to);
    if (remote === undefined) {
      // Steam accepts the send and the session later times out; the simulator says so at once instead.
      return this.refuse('invalid-argument', `user ${to} is not on this simulated Steam`);
    }
    this.core.send(this.user, remote, bytes, sendType, channel);
    return true;
  }

  availableP2P(channel: number): number {
    return this.inbox.peekSize(channel);
  }

  readP2P(channel: number): P2PPacket | undefined {
    return this.core.readPacket(this.user, channel);
  }

  channelsWithPackets(): readonly number[] {
    return this.inbox.channelsWithPackets();
  }

  pendingPackets(): number {
    return this.inbox.size;
  }

  acceptSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    this.core.acceptSession(this.user, remote);
    return true;
  }

  closeSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    this.core.closeSession(this.user, remote);
    return true;
  }

  allowRelay(allow: boolean): boolean {
    this.user.relayAllowed = allow;
    return true;
  }
}
