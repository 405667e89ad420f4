/**
 * The lobby directory on Steam's servers: creating, joining, leaving, kicking and banning, lobby and member data,
 * invitations, lobby chat and lobby lists, each answered after the servers' latency with the callbacks Steam
 * sends. Callers (the backend and the steamworks.js-shaped client) have checked arguments and permissions.
 */
import { ChatMemberStateChange, CreateLobbyResult, EnterResponse, type LobbyListFilters, type LobbyType } from '../../backend.js';
import { applyLobbyListFilters } from '../../list-filters.js';
import type { SimCore } from '../core.js';
import type { SimUser } from '../users/user.js';
import { enterResponse } from './enter-rules.js';
import { LOBBY_ID_BASE, SimLobby } from './lobby.js';

export class LobbyDirectory {
  readonly lobbies = new Map<bigint, SimLobby>();
  private nextLobby: bigint;

  constructor(private readonly core: SimCore) {
    // Where the numbering starts comes from the seed, so ids differ between seeds and replay within one.
    this.nextLobby = LOBBY_ID_BASE + BigInt(1 + core.random.int(1_000_000));
  }

  get(id: bigint): SimLobby | undefined {
    return this.lobbies.get(id);
  }

  /**
   * LobbyCreated_t, then LobbyEnter_t for the creator (sdk isteammatchmaking.h:135-136, 871); without a connection
   * to the back end the result is k_EResultNoConnection and lobby id 0 (sdk isteammatchmaking.h:878, 884).
   */
  create(user: SimUser, type: LobbyType, maxMembers: number): void {
    const core = this.core;
    const connected = user.serversConnected;
    core.scheduler.at(core.now() + core.serverLatencyMs, () => {
      if (!connected || !user.serversConnected) {
        core.emit(user, { type: 'lobbyCreated', result: CreateLobbyResult.noConnection, lobbyId: 0n });
        return;
      }
      const lobby = new SimLobby(this.nextLobby++, type, maxMembers, user.id);
      this.lobbies.set(lobby.id, lobby);
      lobby.members.push(user.id);
      user.lobbies.add(lobby.id);
      core.emit(user, { type: 'lobbyCreated', result: CreateLobbyResult.ok, lobbyId: lobby.id });
      core.emit(user, { type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false });
    });
  }

  /**
   * LobbyEnter_t with Steam's answer (sdk isteammatchmaking.h:142, 768-776); on success every other member gets
   * LobbyChatUpdate_t "entered" (sdk isteammatchmaking.h:799-807, 543), and strangers learn each other's names.
   */
  join(user: SimUser, lobbyId: bigint): void {
    const core = this.core;
    core.scheduler.at(core.now() + core.serverLatencyMs, () => {
      const lobby = this.lobbies.get(lobbyId);
      const response = enterResponse(core.users, user, lobby);
      if (response !== EnterResponse.success || lobby === undefined || user.lobbies.has(lobbyId)) {
        core.emit(user, { type: 'lobbyEntered', lobbyId, response, locked: false });
        return;
      }
      lobby.members.push(user.id);
      user.lobbies.add(lobbyId);
      core.emit(user, { type: 'lobbyEntered', lobbyId, response, locked: false });
      for (const memberId of lobby.members) {
        if (memberId === user.id) continue;
        const member = core.users.get(memberId);
        if (member === undefined) continue;
        core.emit(member, { type: 'lobbyChatUpdate', lobbyId, changed: user.id, changedBy: user.id, state: ChatMemberStateChange.entered });
        core.users.introduce(user, member);
        core.users.introduce(member, user);
      }
    });
  }

  /** Removes a member and tells the others; hands ownership over when the owner goes. */
  removeMember(lobby: SimLobby, userId: bigint, state: number, by: bigint): void {
    const index = lobby.members.indexOf(userId);
    if (index < 0) return;
    lobby.members.splice(index, 1);
    lobby.memberData.delete(userId);
    this.core.users.get(userId)?.lobbies.delete(lobby.id);
    // An empty lobby is deleted: only the (unsupported) private-unique type outlives its members (sdk isteammatchmaking.h:26).
    if (lobby.members.length === 0) {
      this.lobbies.delete(lobby.id);
      return;
    }
    const ownerChanged = lobby.owner === userId;
    // When the owner goes another member becomes owner (sdk isteammatchmaking.h:240); which one is a modelling
    // choice: the longest-standing.
    if (ownerChanged) lobby.owner = lobby.members[0]!;
    for (const memberId of lobby.members) {
      const member = this.core.users.get(memberId);
      if (member === undefined) continue;
      // The others hear it through LobbyChatUpdate_t (sdk isteammatchmaking.h:148, 799-807) ...
      this.core.emitLater(member, { type: 'lobbyChatUpdate', lobbyId: lobby.id, changed: userId, changedBy: by, state });
      // ... and a new owner through a lobby data update for the lobby itself (sdk isteammatchmaking.h:781-782).
      if (ownerChanged) this.core.emitLater(member, { type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId: lobby.id, success: true });
    }
  }

  /** Leaving takes effect at once for the leaver (sdk isteammatchmaking.h:147-148). */
  leave(user: SimUser, lobbyId: bigint): boolean {
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined || !lobby.members.includes(user.id)) return false;
    this.removeMember(lobby, user.id, ChatMemberStateChange.left, user.id);
    return true;
  }

  /**
   * Steam's lobby API has no kick call (games kick by agreement); the simulator gives owners one, reported with the
   * kicked / banned state bits (sdk isteammatchmaking.h:546-547) and LobbyKicked_t to the member (sdk
   * isteammatchmaking.h:858-864). A ban also refuses later joins (sdk steamclientpublic.h:280).
   */
  kick(owner: SimUser, lobby: SimLobby, memberId: bigint, ban: boolean): void {
    if (ban) lobby.banned.add(memberId);
    this.removeMember(lobby, memberId, ban ? ChatMemberStateChange.banned : ChatMemberStateChange.kicked, owner.id);
    const member = this.core.users.get(memberId);
    if (member !== undefined) this.core.emitLater(member, { type: 'lobbyKicked', lobbyId: lobby.id, by: owner.id, dueToDisconnect: false });
  }

  /** Sets a lobby data key; every member is told (sdk isteammatchmaking.h:175-180). */
  setData(lobby: SimLobby, key: string, value: string): void {
    lobby.lobbyData.set(key, value);
    this.notifyData(lobby, lobby.id);
  }

  /** Deletes a lobby data key (sdk isteammatchmaking.h:188-189); members are told only when it existed. */
  deleteData(lobby: SimLobby, key: string): boolean {
    if (!lobby.lobbyData.delete(key)) return false;
    this.notifyData(lobby, lobby.id);
    return true;
  }

  /** Sets the member's own data (sdk isteammatchmaking.h:193-194); members are told with the member's id (:781). */
  setMemberData(lobby: SimLobby, member: SimUser, key: string, value: string): void {
    let mine = lobby.memberData.get(member.id);
    if (mine === undefined) {
      mine = new Map();
      lobby.memberData.set(member.id, mine);
    }
    mine.set(key, value);
    this.notifyData(lobby, member.id);
  }

  /** LobbyDataUpdate_t to every member: `memberId` is the lobby's id for lobby data (sdk isteammatchmaking.h:781-790). */
  private notifyData(lobby: SimLobby, memberId: bigint): void {
    for (const id of lobby.members) {
      const member = this.core.users.get(id);
      if (member !== undefined) this.core.emitLater(member, { type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId, success: true });
    }
  }

  /** LobbyInvite_t to the invitee (sdk isteammatchmaking.h:151-157, 753-760), who may then join a private lobby. */
  invite(from: SimUser, lobby: SimLobby, to: SimUser): void {
    lobby.invited.add(to.id);
    this.core.emitLater(to, { type: 'lobbyInvite', lobbyId: lobby.id, from: from.id });
  }

  /** LobbyChatMsg_t to every member, the sender included (sdk isteammatchmaking.h:196-201, 815-823). */
  chat(from: SimUser, lobby: SimLobby, bytes: Uint8Array): void {
    const copy = bytes.slice();
    for (const id of lobby.members) {
      const member = this.core.users.get(id);
      if (member !== undefined) this.core.emitLater(member, { type: 'lobbyChatMessage', lobbyId: lobby.id, from: from.id, bytes: copy });
    }
  }

  /**
   * LobbyMatchList_t (sdk isteammatchmaking.h:106-107, 847-851): joinable public and invisible lobbies only (sdk
   * isteammatchmaking.h:231), near the searcher unless the distance is worldwide (sdk isteammatchmaking.h:41-47),
   * then the game's filters (sdk isteammatchmaking.h:108-121). Without a connection the list is empty (modelling).
   */
  list(user: SimUser, filters: LobbyListFilters | undefined): void {
    const core = this.core;
    core.scheduler.at(core.now() + core.serverLatencyMs, () => {
      if (!user.serversConnected) {
        core.emit(user, { type: 'lobbyList', lobbyIds: [] });
        return;
      }
      const worldwide = filters?.distance === 3;
      const region = user.options.region;
      const candidates: SimLobby[] = [];
      for (const lobby of this.lobbies.values()) {
        if ((lobby.type !== 2 && lobby.type !== 3) || !lobby.joinable) continue;
        if (!worldwide && region !== undefined) {
          const ownerRegion = core.users.get(lobby.owner)?.options.region;
          if (ownerRegion !== undefined && ownerRegion !== region) continue;
        }
        candidates.push(lobby);
      }
      const lobbyIds = applyLobbyListFilters(candidates, filters).map((l) => l.id);
      core.emit(user, { type: 'lobbyList', lobbyIds });
    });
  }
}
