/**
 * The steamworks.js module as one user's game process loads it, over the simulated Steam: `init()` starts a client
 * (or drops the one there and starts another), and the client's calls behave as steamworks.js 0.4's do — BigInt ids
 * and counts, channel 0 only, `readP2PPacket` throwing when nothing is there and zero-padding to the size asked,
 * `joinLobby` rejecting without a code, async panics as rejections and synchronous ones as SimulatedNativeAbort.
 * With `binding: '@pipelab/steamworks.js'` it also has that fork's P2P channels and friend names. Each behaviour
 * cites steamworks.js (ceifa/steamworks.js at fa6c6af, its 0.4.0), the fork (CynToolkit/steamworks.js at its
 * v0.9.1), steamworks-rs (Noxime/steamworks-rs at fbb7963) or napi-rs 2.16.8 by file:line.
 */
import { MAX_LOBBY_MEMBERS, UNKNOWN_PERSONA_NAME, isSendType, sendSizeProblem } from '../../backend.js';
import {
  playerSteamId,
  type SteamworksCallbackHandle,
  type SteamworksClient,
  type SteamworksLobby,
  type SteamworksNetworking,
  type SteamworksP2PPacket,
} from '../../steamworks/client-types.js';
import type { SimCore } from '../core.js';
import type { SimUser } from '../users/user.js';
import { SimLobbyHandle } from './lobby-handle.js';
import { SimulatedNativeAbort, napiError } from './native-errors.js';
import { SimSteamworksProcess } from './process.js';

export { SimulatedNativeAbort } from './native-errors.js';

/** Which npm package the simulated game loaded. */
export type SteamworksBindingName = 'steamworks.js' | '@pipelab/steamworks.js';

/** What `init()` returns: the package's namespaces (a new object each time, the same namespaces: index.js:29-36). */
export type SimulatedSteamworksClient = SteamworksClient;

/**
 * steamworks.js throws on a number where it takes a BigInt: napi_get_value_bigint_words fails with an empty
 * message and code BigintExpected (napi 2.16.8 js_values/bigint.rs:45-50).
 */
function requireBigInt(id: unknown): asserts id is bigint {
  if (typeof id !== 'bigint') throw napiError('', 'BigintExpected');
}

/** napi's enum conversion (napi 2.16.8 backend/src/codegen/enum.rs:72-79). */
function requireVariant(value: unknown, variants: number, name: string): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= variants) {
    throw napiError(`value \`${String(value)}\` does not match any variant of enum \`${name}\``, 'InvalidArg');
  }
}

export class SimulatedSteamworksModule {
  /** Whether the Steam client runs on this user's machine; when false, `init()` fails as steamworks.js does. */
  steamRunning = true;
  readonly process: SimSteamworksProcess;
  /** Lobby ids the overlay's invite dialog was opened for (steamworks.js's only way to invite: matchmaking.rs:38-42). */
  readonly inviteDialogs: bigint[] = [];
  private readonly namespaces: SteamworksClient;
  private current: SimulatedSteamworksClient | undefined;

  constructor(
    readonly core: SimCore,
    readonly user: SimUser,
    readonly binding: SteamworksBindingName,
  ) {
    this.process = new SimSteamworksProcess(
      core,
      user,
      (deferred, ids) => {
        this.rememberListed(ids);
        deferred.resolve(ids);
      },
      (deferred, id) => deferred.resolve(this.lobbyHandle(id)),
    );
    this.namespaces = this.makeNamespaces();
  }

  /**
   * steamworks.js index.js:28-37 and lib.rs:13-31: drops the client there is, then starts one; without Steam it
   * throws napi's GenericFailure with Steam's text (observed: the real 0.4.0 on a machine without Steam) and leaves
   * no client, so a later synchronous call aborts. Calling it again later is how a game retries.
   */
  init(_appId?: number): SimulatedSteamworksClient {
    if (!this.steamRunning) {
      if (this.process.live) this.process.restart(false);
      this.current = undefined;
      throw napiError("Failed to load module '/root/.steam/sdk64/steamclient.so'");
    }
    this.process.restart(true);
    this.current = { ...this.namespaces };
    return this.current;
  }

  /** The client the last successful `init()` returned, if it is still the live one. */
  get client(): SimulatedSteamworksClient | undefined {
    return this.process.live ? this.current : undefined;
  }

  /** The game quit: nothing is delivered any more and pending calls never settle. */
  exit(): void {
    this.process.exit();
    this.current = undefined;
  }

  lobbyHandle(id: bigint): SteamworksLobby {
    return new SimLobbyHandle(this, id);
  }

  /** What the list showed of lobbies the user is not in stays as it was then: only RequestLobbyData refreshes it (sdk isteammatchmaking.h:208-216). */
  private rememberListed(ids: readonly bigint[]): void {
    for (const id of ids) {
      const lobby = this.core.directory.get(id);
      if (lobby === undefined || lobby.members.includes(this.user.id)) continue;
      this.process.listed.set(id, { memberCount: lobby.members.length, memberLimit: lobby.memberLimit, data: new Map(lobby.lobbyData) });
    }
  }

  private makeNamespaces(): SteamworksClient {
    const { core, user, process } = this;
    const live = (call: string): void => process.requireLive(call);
    const networking: SteamworksNetworking = {
      sendP2PPacket: (steamId64, sendType, data) => this.send('sendP2PPacket', steamId64, sendType, data, 0),
      // 0 both when empty and for a 0-byte packet (steamworks.js networking.rs:59-66; steamworks-rs networking.rs:75-84).
      isP2PPacketAvailable: () => (live('isP2PPacketAvailable'), user.inbox.peekSize(0)),
      readP2PPacket: (size) => this.read('readP2PPacket', size, 0),
      // steamworks.js networking.rs:89-95.
      acceptP2PSession: (steamId64) => {
        requireBigInt(steamId64);
        live('acceptP2PSession');
        core.p2p.sessions.accept(user, steamId64);
      },
    };
    const namespaces: SteamworksClient = {
      localplayer: {
        // steamworks.js localplayer.rs:27-38.
        getSteamId: () => (live('getSteamId'), playerSteamId(user.id)),
        getName: () => (live('getName'), user.options.name),
      },
      matchmaking: {
        createLobby: (lobbyType, maxMembers) => this.createLobby(lobbyType, maxMembers),
        joinLobby: (lobbyId) => this.joinLobby(lobbyId),
        getLobbies: () => this.getLobbies(),
      },
      networking,
      callback: {
        // The simulator's handlers take the payloads as they arrive (payloads.ts), whatever the declared types say.
        register: (steamCallback, handler) => this.register(steamCallback, handler as (value: unknown) => void),
      },
      overlay: {
        activateInviteDialog: (lobbyId) => {
          requireBigInt(lobbyId);
          live('activateInviteDialog');
          this.inviteDialogs.push(lobbyId);
        },
      },
    };
    if (this.binding === 'steamworks.js') return namespaces;
    // The fork's channels: the same calls with Steam's channel argument (its networking.rs:39-108).
    const forked: SteamworksNetworking = {
      ...networking,
      sendP2PPacketOnChannel: (steamId64, sendType, data, channel) => this.send('sendP2PPacketOnChannel', steamId64, sendType, data, channel),
      isP2PPacketAvailableOnChannel: (channel) => (live('isP2PPacketAvailableOnChannel'), user.inbox.peekSize(channel)),
      readP2PPacketFromChannel: (size, channel) => this.read('readP2PPacketFromChannel', size, channel),
    };
    return {
      ...namespaces,
      networking: forked,
      friends: {
        // GetFriendPersonaName (the fork's friends.rs:8-15): "[unknown]" until Steam has the name (sdk isteamfriends.h:236-240).
        getFriendName: (steamId64) => {
          requireBigInt(steamId64);
          live('getFriendName');
          return user.known.has(steamId64) ? (core.users.get(steamId64)?.options.name ?? UNKNOWN_PERSONA_NAME) : UNKNOWN_PERSONA_NAME;
        },
      },
    };
  }

  private register(steamCallback: number, handler: (value: unknown) => void): SteamworksCallbackHandle {
    requireVariant(steamCallback, this.binding === 'steamworks.js' ? 10 : 11, 'SteamCallback');
    this.process.requireLive('callback.register');
    return this.process.register(steamCallback, handler);
  }

  /**
   * steamworks.js matchmaking.rs:134-160. The whole body runs as an async task, so steamworks-rs's assert above 250
   * members (matchmaking.rs:90) is a panic napi turns into a rejection with the panic's text (napi 2.16.8
   * tokio_runtime.rs:178-192); a bad lobby type is refused while converting arguments, synchronously.
   */
  private createLobby(lobbyType: number, maxMembers: number): Promise<SteamworksLobby> {
    requireVariant(lobbyType, 4, 'LobbyType');
    this.process.requireLive('createLobby');
    if (maxMembers > MAX_LOBBY_MEMBERS) return Promise.reject(napiError(`assertion failed: max_members <= ${MAX_LOBBY_MEMBERS}`));
    return new Promise((resolve, reject) => {
      this.process.creates.push(this.process.deferred(resolve, reject));
      this.core.directory.create(this.user, lobbyType as 0 | 1 | 2 | 3, maxMembers);
    });
  }

  /** steamworks.js matchmaking.rs:162-182. */
  private joinLobby(lobbyId: bigint): Promise<SteamworksLobby> {
    requireBigInt(lobbyId);
    this.process.requireLive('joinLobby');
    return new Promise((resolve, reject) => {
      const waiting = this.process.joins.get(lobbyId) ?? [];
      waiting.push(this.process.deferred(resolve, reject));
      this.process.joins.set(lobbyId, waiting);
      this.core.directory.join(this.user, lobbyId);
    });
  }

  /**
   * No filters can be passed (steamworks.js matchmaking.rs:184-206), so Steam's defaults apply: at most 50 lobbies
   * (the directory's cap) near the user.
   */
  private getLobbies(): Promise<SteamworksLobby[]> {
    this.process.requireLive('getLobbies');
    return new Promise<readonly bigint[]>((resolve, reject) => {
      this.process.lists.push(this.process.deferred(resolve, reject));
      this.core.directory.list(this.user, undefined);
    }).then((ids) => ids.map((id) => this.lobbyHandle(id)));
  }

  /** steamworks.js networking.rs:39-57 on channel 0; the fork's networking.rs:48-68 on any. */
  private send(call: string, steamId64: bigint, sendType: number, data: Buffer, channel: number): boolean {
    requireBigInt(steamId64);
    requireVariant(sendType, 4, 'SendType');
    this.process.requireLive(call);
    if (!isSendType(sendType) || sendSizeProblem(data.length, sendType) !== undefined) return false;
    const remote = this.core.users.get(steamId64);
    if (remote === undefined || remote === this.user) return false;
    this.core.p2p.send(this.user, remote, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), sendType, channel);
    return true;
  }

  /**
   * steamworks.js networking.rs:68-87: a buffer of `size` bytes (zero-padded past the packet: `vec![0; size]`),
   * `size` the bytes read (truncated to the buffer: sdk isteamnetworking.h:162-166), "No packet available" when
   * empty. A negative size overflows `vec!`'s capacity: a native panic.
   */
  private read(call: string, size: number, channel: number): SteamworksP2PPacket {
    this.process.requireLive(call);
    if (!(size >= 0)) throw new SimulatedNativeAbort(`${call}(${size}): capacity overflow in native code`);
    const packet = this.core.p2p.readPacket(this.user, channel);
    if (packet === undefined) throw napiError('No packet available');
    const data = Buffer.alloc(size);
    const read = Math.min(size, packet.bytes.length);
    data.set(packet.bytes.subarray(0, read));
    return { data, size: read, steamId: playerSteamId(packet.from) };
  }
}
