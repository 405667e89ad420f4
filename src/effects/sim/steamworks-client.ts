/**
 * A steamworks.js 0.4 client over the simulated Steam, quirks included, so the steamworks.js adapter (and a game
 * written against steamworks.js) runs unchanged in tests: BigInt ids and member counts, no channels, chat states as
 * strings, `making_change === user_changed`, `joinLobby` rejecting without a code, `readP2PPacket` throwing when
 * nothing is available, `createLobby` above 250 members failing hard, and none of what steamworks.js lacks.
 */
import { MAX_LOBBY_MEMBERS, isSendType, sendSizeProblem, type BackendEvent } from '../backend.js';
import {
  CHAT_STATE_NAMES,
  SteamCallbackId,
  playerSteamId,
  type SteamworksCallbackHandle,
  type SteamworksClient,
  type SteamworksLobby,
  type SteamworksP2PPacket,
  type SteamworksPlayerSteamId,
} from '../steamworks/client-types.js';
import { Fifo } from '../fifo.js';
import type { SimCore, SimUser } from './core.js';

/**
 * Thrown where the real steamworks.js would hit a native assert and abort the process (exit 134). A test can
 * catch it; a game on real Steam would not get the chance.
 */
export class SimulatedNativeAbort extends Error {
  override readonly name = 'SimulatedNativeAbort';
}

type Handler = (value: never) => void;

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

class SimLobbyHandle implements SteamworksLobby {
  constructor(
    private readonly client: SimulatedSteamworksClient,
    readonly id: bigint,
  ) {}

  private lobby() {
    return this.client.core.lobbies.get(this.id);
  }

  join(): Promise<SteamworksLobby> {
    return this.client.matchmaking.joinLobby(this.id);
  }

  leave(): void {
    this.client.core.leaveLobby(this.client.user, this.id);
  }

  openInviteDialog(): void {
    this.client.overlay.activateInviteDialog(this.id);
  }

  getMemberCount(): bigint {
    return BigInt(this.lobby()?.members.length ?? 0);
  }

  getMemberLimit(): bigint | null {
    const lobby = this.lobby();
    return lobby === undefined ? null : BigInt(lobby.memberLimit);
  }

  getMembers(): SteamworksPlayerSteamId[] {
    return (this.lobby()?.members ?? []).map(playerSteamId);
  }

  getOwner(): SteamworksPlayerSteamId {
    return playerSteamId(this.lobby()?.owner ?? 0n);
  }

  setJoinable(joinable: boolean): boolean {
    const lobby = this.lobby();
    if (lobby === undefined || lobby.owner !== this.client.user.id) return false;
    lobby.joinable = joinable;
    return true;
  }

  getData(key: string): string | null {
    return this.lobby()?.lobbyData.get(key) ?? null;
  }

  setData(key: string, value: string): boolean {
    const lobby = this.lobby();
    if (lobby === undefined || lobby.owner !== this.client.user.id) return false;
    lobby.lobbyData.set(key, value);
    this.client.core.notifyData(lobby, lobby.id);
    return true;
  }

  deleteData(key: string): boolean {
    const lobby = this.lobby();
    if (lobby === undefined || lobby.owner !== this.client.user.id) return false;
    const had = lobby.lobbyData.delete(key);
    if (had) this.client.core.notifyData(lobby, lobby.id);
    return had;
  }

  getFullData(): Record<string, string> {
    return Object.fromEntries(this.lobby()?.lobbyData ?? []);
  }

  mergeFullData(data: Record<string, string>): boolean {
    let all = true;
    for (const [key, value] of Object.entries(data)) all = this.setData(key, value) && all;
    return all;
  }
}

export class SimulatedSteamworksClient implements SteamworksClient {
  private readonly handlers = new Map<number, Set<Handler>>();
  private readonly creates = new Fifo<Deferred<SteamworksLobby>>();
  private readonly joins = new Map<bigint, Deferred<SteamworksLobby>[]>();
  private readonly lists = new Fifo<Deferred<SteamworksLobby[]>>();
  /** Lobby ids the overlay invite dialog was opened for (steamworks.js's only way to invite). */
  readonly inviteDialogs: bigint[] = [];
  private readonly listener = (event: BackendEvent): void => this.onEvent(event);

  readonly localplayer: SteamworksClient['localplayer'];
  readonly matchmaking: SteamworksClient['matchmaking'];
  readonly networking: SteamworksClient['networking'];
  readonly callback: SteamworksClient['callback'];
  readonly overlay: SteamworksClient['overlay'];

  constructor(
    readonly core: SimCore,
    readonly user: SimUser,
  ) {
    user.listeners.push(this.listener);
    this.localplayer = {
      getSteamId: () => playerSteamId(user.id),
      getName: () => user.options.name,
    };
    this.matchmaking = {
      createLobby: (lobbyType, maxMembers) => this.createLobby(lobbyType, maxMembers),
      joinLobby: (lobbyId) => this.joinLobby(lobbyId),
      getLobbies: () => this.getLobbies(),
    };
    this.networking = {
      sendP2PPacket: (steamId64, sendType, data) => this.sendP2PPacket(steamId64, sendType, data),
      isP2PPacketAvailable: () => user.inbox.peekSize(0),
      readP2PPacket: (size) => this.readP2PPacket(size),
      acceptP2PSession: (steamId64) => {
        requireBigInt(steamId64);
        core.acceptSession(user, steamId64);
      },
    };
    this.callback = {
      register: (steamCallback, handler) => this.register(steamCallback as number, handler as Handler),
    };
    this.overlay = {
      activateInviteDialog: (lobbyId) => {
        requireBigInt(lobbyId);
        this.inviteDialogs.push(lobbyId);
      },
    };
  }

  /** Stops the client (the game quit): pending promises stay pending, as they would. */
  dispose(): void {
    const at = this.user.listeners.indexOf(this.listener);
    if (at >= 0) this.user.listeners.splice(at, 1);
    this.handlers.clear();
  }

  private createLobby(lobbyType: number, maxMembers: number): Promise<SteamworksLobby> {
    if (maxMembers > MAX_LOBBY_MEMBERS) {
      throw new SimulatedNativeAbort(`createLobby(${lobbyType}, ${maxMembers}): above ${MAX_LOBBY_MEMBERS} members Steam's native assert aborts the process`);
    }
    return new Promise((resolve, reject) => {
      this.creates.push({ resolve, reject });
      this.core.createLobby(this.user, lobbyType as 0 | 1 | 2 | 3, maxMembers);
    });
  }

  private joinLobby(lobbyId: bigint): Promise<SteamworksLobby> {
    requireBigInt(lobbyId);
    return new Promise((resolve, reject) => {
      const waiting = this.joins.get(lobbyId) ?? [];
      waiting.push({ resolve, reject });
      this.joins.set(lobbyId, waiting);
      this.core.joinLobby(this.user, lobbyId);
    });
  }

  private getLobbies(): Promise<SteamworksLobby[]> {
    return new Promise((resolve, reject) => {
      this.lists.push({ resolve, reject });
      this.core.requestLobbyList(this.user, undefined);
    });
  }

  private sendP2PPacket(steamId64: bigint, sendType: number, data: Buffer): boolean {
    requireBigInt(steamId64);
    if (!isSendType(sendType) || sendSizeProblem(data.length, sendType) !== undefined) return false;
    const remote = this.core.user(steamId64);
    if (remote === undefined || remote === this.user) return false;
    this.core.send(this.user, remote, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), sendType, 0);
    return true;
  }

  private readP2PPacket(size: number): SteamworksP2PPacket {
    const packet = this.core.readPacket(this.user, 0);
    if (packet === undefined) throw new Error('No packet available');
    const length = Math.min(size, packet.bytes.length);
    return {
      data: Buffer.from(packet.bytes.buffer, packet.bytes.byteOffset, length),
      size: length,
      steamId: playerSteamId(packet.from),
    };
  }

  private register(steamCallback: number, handler: Handler): SteamworksCallbackHandle {
    let set = this.handlers.get(steamCallback);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(steamCallback, set);
    }
    set.add(handler);
    return { disconnect: () => void set.delete(handler) };
  }

  private call(steamCallback: number, value: object): void {
    const set = this.handlers.get(steamCallback);
    if (set === undefined) return;
    for (const handler of [...set]) handler(value as never);
  }

  private lobbyHandle(id: bigint): SteamworksLobby {
    return new SimLobbyHandle(this, id);
  }

  /** Turns the simulator's events into what steamworks.js would show: promises and its nine callbacks. */
  private onEvent(event: BackendEvent): void {
    switch (event.type) {
      case 'lobbyCreated': {
        const waiting = this.creates.shift();
        if (event.result === 1) waiting?.resolve(this.lobbyHandle(event.lobbyId));
        else waiting?.reject(new Error('Failed to create lobby'));
        return;
      }
      case 'lobbyEntered': {
        const waiting = this.joins.get(event.lobbyId)?.shift();
        if (waiting === undefined) return;
        if (event.response === 1) waiting.resolve(this.lobbyHandle(event.lobbyId));
        else waiting.reject(new Error('Failed to join lobby'));
        return;
      }
      case 'lobbyList':
        this.lists.shift()?.resolve(event.lobbyIds.map((id) => this.lobbyHandle(id)));
        return;
      case 'lobbyDataUpdate':
        this.call(SteamCallbackId.LobbyDataUpdate, { lobby: event.lobbyId, member: event.memberId, success: event.success });
        return;
      case 'lobbyChatUpdate':
        this.call(SteamCallbackId.LobbyChatUpdate, {
          lobby: event.lobbyId,
          user_changed: event.changed,
          making_change: event.changed,
          member_state_change: CHAT_STATE_NAMES.get(event.state) ?? String(event.state),
        });
        return;
      case 'personaChange':
        this.call(SteamCallbackId.PersonaStateChange, { steam_id: event.userId, flags: { bits: event.flags } });
        return;
      case 'p2pSessionRequest':
        this.call(SteamCallbackId.P2PSessionRequest, { remote: event.remote });
        return;
      case 'p2pConnectFail':
        this.call(SteamCallbackId.P2PSessionConnectFail, { remote: event.remote, error: event.error });
        return;
      case 'joinRequested':
        this.call(SteamCallbackId.GameLobbyJoinRequested, { lobby_steam_id: event.lobbyId, friend_steam_id: event.friendId });
        return;
      case 'serversDisconnected':
        this.call(SteamCallbackId.SteamServersDisconnected, { reason: event.reason });
        return;
      case 'serversConnected':
        this.call(SteamCallbackId.SteamServersConnected, {});
        return;
      case 'lobbyChatMessage':
      case 'lobbyInvite':
      case 'lobbyKicked':
        // steamworks.js 0.4 has no callback for these.
        return;
    }
  }
}

/** steamworks.js throws on number ids (napi BigInt conversion). */
function requireBigInt(id: unknown): asserts id is bigint {
  if (typeof id !== 'bigint') throw new TypeError('Failed to convert napi value into BigInt');
}
