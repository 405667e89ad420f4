/**
 * A steamworks.js 0.4 client over the simulated Steam, quirks included, so the steamworks.js adapter (and a game
 * written against steamworks.js) runs unchanged in tests: BigInt ids and member counts, no channels, chat states as
 * strings, `making_change === user_changed`, `joinLobby` rejecting without a code, `readP2PPacket` throwing when
 * nothing is available, `createLobby` above 250 members failing hard, and none of what steamworks.js lacks.
 * Where it departs from the real package the comment says so.
 */
import { MAX_LOBBY_MEMBERS, isSendType, sendSizeProblem, type BackendEvent } from '../../backend.js';
import {
  CHAT_STATE_NAMES,
  SteamCallbackId,
  playerSteamId,
  type SteamworksCallbackHandle,
  type SteamworksClient,
  type SteamworksLobby,
  type SteamworksP2PPacket,
} from '../../steamworks/client-types.js';
import { Fifo } from '../../fifo.js';
import type { SimCore } from '../core.js';
import type { SimUser } from '../users/user.js';
import { SimLobbyHandle } from './lobby-handle.js';

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

export class SimulatedSteamworksClient implements SteamworksClient {
  /**
   * Handlers by callback id. Departs from the real package, which keeps one handler per id for the whole process
   * (steamworks-rs callback.rs:46-53) and whose `disconnect()` removes that id's entry (callback.rs:23-28).
   */
  private readonly handlers = new Map<number, Set<Handler>>();
  private readonly creates = new Fifo<Deferred<SteamworksLobby>>();
  private readonly joins = new Map<bigint, Deferred<SteamworksLobby>[]>();
  private readonly lists = new Fifo<Deferred<SteamworksLobby[]>>();
  /** Lobby ids the overlay invite dialog was opened for (steamworks.js's only way to invite: matchmaking.rs:38-42). */
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
      // steamworks.js localplayer.rs:5-21, 27-38.
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
      // Channel 0 only; 0 both when empty and for a 0-byte packet (steamworks.js networking.rs:59-66).
      isP2PPacketAvailable: () => user.inbox.peekSize(0),
      readP2PPacket: (size) => this.readP2PPacket(size),
      // steamworks.js networking.rs:89-95.
      acceptP2PSession: (steamId64) => {
        requireBigInt(steamId64);
        core.p2p.sessions.accept(user, steamId64);
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

  /**
   * steamworks.js matchmaking.rs:134-160. Above 250 members steamworks-rs asserts (matchmaking.rs:90); inside the
   * package's async call that panic becomes a rejection, while the simulator throws SimulatedNativeAbort.
   */
  private createLobby(lobbyType: number, maxMembers: number): Promise<SteamworksLobby> {
    if (maxMembers > MAX_LOBBY_MEMBERS) {
      throw new SimulatedNativeAbort(`createLobby(${lobbyType}, ${maxMembers}): above ${MAX_LOBBY_MEMBERS} members Steam's native assert aborts the process`);
    }
    return new Promise((resolve, reject) => {
      this.creates.push({ resolve, reject });
      this.core.directory.create(this.user, lobbyType as 0 | 1 | 2 | 3, maxMembers);
    });
  }

  /** steamworks.js matchmaking.rs:162-182. */
  private joinLobby(lobbyId: bigint): Promise<SteamworksLobby> {
    requireBigInt(lobbyId);
    return new Promise((resolve, reject) => {
      const waiting = this.joins.get(lobbyId) ?? [];
      waiting.push({ resolve, reject });
      this.joins.set(lobbyId, waiting);
      this.core.directory.join(this.user, lobbyId);
    });
  }

  /** No filters can be passed (steamworks.js matchmaking.rs:184-206). */
  private getLobbies(): Promise<SteamworksLobby[]> {
    return new Promise((resolve, reject) => {
      this.lists.push({ resolve, reject });
      this.core.directory.list(this.user, undefined);
    });
  }

  /** Always channel 0 (steamworks.js networking.rs:39-57; steamworks-rs networking.rs:53-70). */
  private sendP2PPacket(steamId64: bigint, sendType: number, data: Buffer): boolean {
    requireBigInt(steamId64);
    if (!isSendType(sendType) || sendSizeProblem(data.length, sendType) !== undefined) return false;
    const remote = this.core.users.get(steamId64);
    if (remote === undefined || remote === this.user) return false;
    this.core.p2p.send(this.user, remote, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), sendType, 0);
    return true;
  }

  /** Throws "No packet available" when empty (steamworks.js networking.rs:68-87); truncates to `size` (sdk isteamnetworking.h:164). */
  private readP2PPacket(size: number): SteamworksP2PPacket {
    const packet = this.core.p2p.readPacket(this.user, 0);
    if (packet === undefined) throw new Error('No packet available');
    const length = Math.min(size, packet.bytes.length);
    return {
      data: Buffer.from(packet.bytes.buffer, packet.bytes.byteOffset, length),
      size: length,
      steamId: playerSteamId(packet.from),
    };
  }

  /** steamworks.js callback.rs:39-85 (see `handlers` for how the real package differs). */
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
        // The real text is the SteamError's (steamworks.js matchmaking.rs:159; steamworks-rs error.rs:16-25).
        else waiting?.reject(new Error('Failed to create lobby'));
        return;
      }
      case 'lobbyEntered': {
        const waiting = this.joins.get(event.lobbyId)?.shift();
        if (waiting === undefined) return;
        if (event.response === 1) waiting.resolve(this.lobbyHandle(event.lobbyId));
        // No enter response code reaches the game (steamworks.js matchmaking.rs:181; steamworks-rs matchmaking.rs:129-133).
        else waiting.reject(new Error('Failed to join lobby'));
        return;
      }
      case 'lobbyList':
        this.lists.shift()?.resolve(event.lobbyIds.map((id) => this.lobbyHandle(id)));
        return;
      case 'lobbyDataUpdate':
        // steamworks-rs matchmaking.rs:953-974.
        this.call(SteamCallbackId.LobbyDataUpdate, { lobby: event.lobbyId, member: event.memberId, success: event.success });
        return;
      case 'lobbyChatUpdate':
        // making_change is user_changed (steamworks-rs matchmaking.rs:927-928); the state is serde's variant name,
        // a string (matchmaking.rs:832-850, 929-947; steamworks.js callback.rs:94-96).
        this.call(SteamCallbackId.LobbyChatUpdate, {
          lobby: event.lobbyId,
          user_changed: event.changed,
          making_change: event.changed,
          member_state_change: CHAT_STATE_NAMES.get(event.state) ?? String(event.state),
        });
        return;
      case 'personaChange':
        // steamworks.js callbacks.d.ts:17-20.
        this.call(SteamCallbackId.PersonaStateChange, { steam_id: event.userId, flags: { bits: event.flags } });
        return;
      case 'p2pSessionRequest':
        // steamworks-rs networking.rs:111-130.
        this.call(SteamCallbackId.P2PSessionRequest, { remote: event.remote });
        return;
      case 'p2pConnectFail':
        // steamworks-rs networking.rs:132-150.
        this.call(SteamCallbackId.P2PSessionConnectFail, { remote: event.remote, error: event.error });
        return;
      case 'joinRequested':
        // steamworks.js callbacks.d.ts:47-50.
        this.call(SteamCallbackId.GameLobbyJoinRequested, { lobby_steam_id: event.lobbyId, friend_steam_id: event.friendId });
        return;
      case 'serversDisconnected':
        // Departs from the real package, whose `reason` is a SteamError name such as "NoConnection" (serde of
        // steamworks-rs error.rs:14-16), not a number as its types say (steamworks.js callbacks.d.ts:22-24).
        this.call(SteamCallbackId.SteamServersDisconnected, { reason: event.reason });
        return;
      case 'serversConnected':
        // steamworks.js callbacks.d.ts:21.
        this.call(SteamCallbackId.SteamServersConnected, {});
        return;
      case 'lobbyChatMessage':
      case 'lobbyInvite':
      case 'lobbyKicked':
        // steamworks.js 0.4 has no callback for these (callback.rs:25-37).
        return;
    }
  }
}

/**
 * steamworks.js throws on number ids (napi BigInt conversion: matchmaking.rs:163, networking.rs:41). Departs in
 * the error: the real one has an empty message and code `BigintExpected`.
 */
function requireBigInt(id: unknown): asserts id is bigint {
  if (typeof id !== 'bigint') throw new TypeError('Failed to convert napi value into BigInt');
}
