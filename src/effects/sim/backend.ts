/**
 * One simulated user's view of Steam through lobbykit's Backend port: every command checks its arguments and the
 * caller's rights (refusing with a typed reason, never throwing) before the simulator's rooms act on it, and
 * events are queued for the runtime to drain at tick time.
 */
import type { SkipSender } from '../inbox.js';
import {
  MAX_LOBBY_CHAT_BYTES,
  UNKNOWN_PERSONA_NAME,
  createLobbyProblem,
  isSteamId,
  lobbyDataKeyProblem,
  lobbyDataValueRefusal,
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
import { parseLobbyListFilters } from '../list-filters.js';
import type { SimCore } from './core.js';
import type { SimLobby } from './lobbies/lobby.js';
import type { P2PTransport } from './p2p/transport.js';
import type { SimUser } from './users/user.js';

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
  /** `core.p2p`, which every send and read goes to. */
  private readonly p2p: P2PTransport;
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
    this.p2p = core.p2p;
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
        if (!this.p2p.isLinkFrom(route, this.user)) return this.refuse('invalid-argument', `route ${String(route)} is not one of this backend's`);
        this.p2p.sendAt(route, bytes, sendType, channel);
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
    // A name not (yet) known reads "[unknown]" (sdk isteamfriends.h:236-240).
    if (!this.user.known.has(userId)) return UNKNOWN_PERSONA_NAME;
    return this.core.users.get(userId)?.options.name ?? UNKNOWN_PERSONA_NAME;
  }

  /** `+connect_lobby <id>` when Steam launched the game from an invite (sdk isteammatchmaking.h:155-156). */
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

  /** Members, owner and member data are for members only (sdk isteammatchmaking.h:160, 168, 239). */
  private memberLobby(lobbyId: bigint): SimLobby | undefined {
    if (!isSteamId(lobbyId)) {
      this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
      return undefined;
    }
    const lobby = this.core.directory.get(lobbyId);
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

  /**
   * Lobby data, joinability, kicks: the owner's (steamworks-rs matchmaking.rs:270;
   * https://kb.heathen.group/steam/features/lobby/unity-lobby/steam-lobby-metadata).
   */
  private ownedLobby(lobbyId: bigint): SimLobby | undefined {
    const lobby = this.memberLobby(lobbyId);
    if (lobby !== undefined && lobby.owner !== this.user.id) {
      this.refuse('not-owner', `only the owner of lobby ${lobbyId} can do that`);
      return undefined;
    }
    return lobby;
  }

  /** Types 0..3 and at most 250 members (sdk isteammatchmaking.h:17-26; steamworks-rs matchmaking.rs:90). */
  createLobby(lobbyType: LobbyType, maxMembers: number): boolean {
    const problem = createLobbyProblem(lobbyType, maxMembers);
    if (problem !== undefined) return this.refuse('invalid-argument', problem);
    this.core.directory.create(this.user, lobbyType, maxMembers);
    return true;
  }

  joinLobby(lobbyId: bigint): boolean {
    if (!isSteamId(lobbyId)) return this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
    this.core.directory.join(this.user, lobbyId);
    return true;
  }

  leaveLobby(lobbyId: bigint): boolean {
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    return this.core.directory.leave(this.user, lobby.id);
  }

  requestLobbyList(filters?: LobbyListFilters): boolean {
    // Checked here, with the loopback backend's rules, so nothing malformed reaches the directory's timer.
    const checked = parseLobbyListFilters(filters);
    if (!checked.ok) return this.refuse('invalid-argument', checked.detail);
    this.core.directory.list(this.user, checked.value);
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
    return this.core.directory.get(lobbyId)?.memberCount ?? 0;
  }

  /** 0 when no limit is known, e.g. for a lobby that does not exist (sdk isteammatchmaking.h:227). */
  getLobbyMemberLimit(lobbyId: bigint): number {
    return this.core.directory.get(lobbyId)?.memberLimit ?? 0;
  }

  /** Readable for any lobby: "" when unset or the lobby is unknown (sdk isteammatchmaking.h:171-174). */
  getLobbyData(lobbyId: bigint, key: string): string {
    return this.core.directory.get(lobbyId)?.data(key) ?? '';
  }

  getAllLobbyData(lobbyId: bigint): Readonly<Record<string, string>> {
    return Object.fromEntries(this.core.directory.get(lobbyId)?.lobbyData ?? []);
  }

  setLobbyData(lobbyId: bigint, key: string, value: string): boolean {
    // Keys of at most 255 characters (sdk isteammatchmaking.h:50-51), values of at most 8,192 bytes (sdk isteamfriends.h:135).
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    const valueProblem = lobbyDataValueRefusal(value);
    if (valueProblem !== undefined) return this.refuse(valueProblem.code, valueProblem.detail);
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    this.core.directory.setData(lobby, key, value);
    return true;
  }

  deleteLobbyData(lobbyId: bigint, key: string): boolean {
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    this.core.directory.deleteData(lobby, key);
    return true;
  }

  getLobbyMemberData(lobbyId: bigint, memberId: bigint, key: string): string {
    return this.core.directory.get(lobbyId)?.memberData.get(memberId)?.get(key) ?? '';
  }

  setLobbyMemberData(lobbyId: bigint, key: string, value: string): boolean {
    // Member data is lobby metadata too: the same key and value limits.
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    const valueProblem = lobbyDataValueRefusal(value);
    if (valueProblem !== undefined) return this.refuse(valueProblem.code, valueProblem.detail);
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    this.core.directory.setMemberData(lobby, this.user, key, value);
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

  /** Owners only; a ban may name someone not in the lobby, to keep them out (modelling: see LobbyDirectory.kick). */
  private removeOther(lobbyId: bigint, memberId: bigint, ban: boolean): boolean {
    const lobby = this.ownedLobby(lobbyId);
    if (lobby === undefined) return false;
    if (memberId === this.user.id) return this.refuse('invalid-argument', 'the owner cannot kick or ban themself; leave instead');
    if (!lobby.members.includes(memberId) && !ban) return this.refuse('not-a-member', `${memberId} is not in lobby ${lobbyId}`);
    this.core.directory.kick(this.user, lobby, memberId, ban);
    return true;
  }

  /** Members invite (sdk isteammatchmaking.h:151-157). */
  inviteUserToLobby(lobbyId: bigint, userId: bigint): boolean {
    if (!isSteamId(userId)) return this.refuse('invalid-argument', `user id must be a positive 64-bit bigint, got ${String(userId)}`);
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    const invitee = this.core.users.get(userId);
    if (invitee === undefined) return this.refuse('invalid-argument', `user ${userId} is not on this simulated Steam`);
    this.core.directory.invite(this.user, lobby, invitee);
    return true;
  }

  sendLobbyChat(lobbyId: bigint, bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) return this.refuse('invalid-argument', 'chat messages are bytes (Uint8Array)');
    // Up to 4 KB, binary or text (sdk isteammatchmaking.h:199).
    if (bytes.length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuse('too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${bytes.length}`);
    }
    const lobby = this.memberLobby(lobbyId);
    if (lobby === undefined) return false;
    this.core.directory.chat(this.user, lobby, bytes);
    return true;
  }

  // ---------------------------------------------------------------- P2P

  sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const problem = sendP2PProblem(to, bytes, sendType, channel);
    if (problem !== undefined) return this.refuse(problem.code, problem.detail);
    // Refused at once, where Steam would open a session that never connects (modelling).
    if (to === this.user.id) return this.refuse('invalid-argument', 'cannot send a P2P packet to yourself');
    // A link exists once we sent to them: sending through it needs no lookup of the remote user.
    const link = this.user.linkIndexes.get(to);
    if (link !== undefined) {
      this.p2p.sendAt(link, bytes, sendType, channel);
      return true;
    }
    const remote = this.core.users.get(to);
    if (remote === undefined) {
      // Steam accepts the send and the session later times out; the simulator says so at once instead.
      return this.refuse('invalid-argument', `user ${to} is not on this simulated Steam`);
    }
    this.p2p.send(this.user, remote, bytes, sendType, channel);
    return true;
  }

  /** The size of the next packet on the channel, 0 when none (sdk isteamnetworking.h:159-160). */
  availableP2P(channel: number): number {
    return this.inbox.peekSize(channel);
  }

  readP2P(channel: number, skip?: SkipSender): P2PPacket | undefined {
    return this.p2p.readPacket(this.user, channel, skip);
  }

  channelsWithPackets(): readonly number[] {
    return this.inbox.channelsWithPackets();
  }

  pendingPackets(): number {
    return this.inbox.size;
  }

  acceptSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    this.p2p.sessions.accept(this.user, remote);
    return true;
  }

  closeSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    this.p2p.sessions.close(this.user, remote);
    return true;
  }

  /** Recorded only: relay is on by default and Steam may relay anyway (sdk isteamnetworking.h:190-199). */
  allowRelay(allow: boolean): boolean {
    this.user.relayAllowed = allow;
    return true;
  }
}
