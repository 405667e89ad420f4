/**
 * `createSimulatedSteam({ seed, clock })`: a whole Steam in one process — users, lobbies, P2P — on a virtual clock
 * with a seeded random source, so the same seed replays the same run. Each user gets a `Backend` (backend.ts) or a
 * steamworks.js-shaped client (steamworks/). The rooms: core.ts (the world: options, scheduler.ts, random.ts,
 * events); users/ (accounts, friends, persona names); lobbies/ (the directory and Steam's lobby rules); p2p/ (the
 * transport: links, datagrams and their pool, sessions, reliable delivery); faults/ (what goes wrong on purpose).
 * Each behaviour cites its source in a comment: `sdk <header>:<line>` is Valve's Steamworks SDK header
 * (public/steam/, as vendored by Noxime/steamworks-rs at fbb7963, the revision steamworks.js 0.4.0 pins);
 * `steamworks.js <file>:<line>` is ceifa/steamworks.js at its 0.4.0 commit fa6c6af; `steamworks-rs <file>:<line>`
 * is Noxime/steamworks-rs at fbb7963; "modelling" marks a choice of the simulator where Steam gives no rule.
 */
import type { LobbyClock } from '../clock.js';
import { isSteamId, type Backend, type LobbyType } from '../backend.js';
import { SimCore, type SimulatedSteamOptions } from './core.js';
import type { SimulatedFaults } from './faults/injector.js';
import type { NetworkStats } from './p2p/transport.js';
import type { SimulatedSteamError } from './scheduler.js';
import type { SimulatedUserOptions } from './users/user.js';
import { SimulatedBackend } from './backend.js';
import { SimulatedSteamworksModule, type SimulatedSteamworksClient, type SteamworksBindingName } from './steamworks/client.js';

export type { SimulatedSteamOptions } from './core.js';
export type { SimulatedUserOptions } from './users/user.js';
export type { NetworkStats } from './p2p/transport.js';
export type { SimulatedFaults } from './faults/injector.js';
export type { LinkFaults } from './faults/link-faults.js';
export type { SimulatedSteamError } from './scheduler.js';

/** A read-only look at a simulated lobby, for tests and tools. */
export interface LobbySnapshot {
  readonly id: bigint;
  readonly type: LobbyType;
  readonly owner: bigint;
  readonly members: readonly bigint[];
  readonly memberLimit: number;
  readonly joinable: boolean;
  readonly data: Readonly<Record<string, string>>;
}

export interface SimulatedUser {
  readonly id: bigint;
  readonly name: string;
}

export interface SimulatedSteam {
  readonly clock: LobbyClock;
  /** Everything that can go wrong, on purpose. All of it seeded and on the virtual clock. */
  readonly faults: SimulatedFaults;
  readonly stats: Readonly<NetworkStats>;
  addUser(options: SimulatedUserOptions): SimulatedUser;
  /** The user's Backend (one per user; the same object on every call). */
  backend(user: bigint): Backend;
  /**
   * The steamworks.js module as the user's game process loads it (one per user): `init()` starts a client, a second
   * `init()` drops the first, as the real package does. `binding` (the first call's counts) picks the package:
   * steamworks.js 0.4 or the @pipelab/steamworks.js fork with its P2P channels and friend names.
   */
  steamworks(user: bigint, binding?: SteamworksBindingName): SimulatedSteamworksModule;
  /** The user's live steamworks.js-shaped client: `steamworks(user).client`, started by `init()` if need be. */
  steamworksClient(user: bigint, binding?: SteamworksBindingName): SimulatedSteamworksClient;
  /** Makes `a` and `b` friends (friendship is mutual). */
  befriend(a: bigint, b: bigint): void;
  /** `user` blocks `other`. */
  block(user: bigint, other: bigint): void;
  /** `user`, whose game is running, accepts a friend's invite or picks "Join game" in the overlay: a joinRequested event. */
  requestJoin(user: bigint, lobbyId: bigint, friendId: bigint): void;
  lobby(id: bigint): LobbySnapshot | undefined;
  lobbies(): readonly LobbySnapshot[];
  /** Datagrams and events waiting on the virtual clock. */
  readonly inFlight: number;
  /**
   * What went wrong inside the simulator itself: a scheduled happening that threw is reported here once (the
   * first 100 are kept) and never run again, instead of throwing into `clock.advance()`.
   */
  readonly errors: readonly SimulatedSteamError[];
  /** How many happenings threw in all, including those past the kept 100. */
  readonly errorCount: number;
}

/** What Steam passes to a game it launches from an invite (sdk isteammatchmaking.h:155-156). */
export function connectLobbyArgs(lobbyId: bigint): readonly string[] {
  return ['+connect_lobby', lobbyId.toString()];
}

/** SteamID64 of an individual account: universe public, type individual, instance 1 (sdk steamuniverse.h:18, steamclientpublic.h:229, 295). */
export function steamIdOfAccount(accountId: number): bigint {
  return 76561197960265728n + BigInt(accountId);
}

export function createSimulatedSteam(options: SimulatedSteamOptions): SimulatedSteam {
  const core = new SimCore(options);
  const backends = new Map<bigint, SimulatedBackend>();
  const modules = new Map<bigint, SimulatedSteamworksModule>();
  const users = core.users;

  const steamworks = (id: bigint, binding: SteamworksBindingName = 'steamworks.js'): SimulatedSteamworksModule => {
    let module = modules.get(id);
    if (module === undefined) {
      module = new SimulatedSteamworksModule(core, users.require(id), binding);
      modules.set(id, module);
    }
    return module;
  };

  const snapshot = (id: bigint): LobbySnapshot | undefined => {
    const lobby = core.directory.get(id);
    if (lobby === undefined) return undefined;
    return {
      id: lobby.id,
      type: lobby.type,
      owner: lobby.owner,
      members: [...lobby.members],
      memberLimit: lobby.memberLimit,
      joinable: lobby.joinable,
      data: Object.fromEntries(lobby.lobbyData),
    };
  };

  return {
    clock: options.clock,
    faults: core.faults,
    stats: core.p2p.stats,
    addUser(userOptions) {
      if (!isSteamId(userOptions.id)) throw new Error(`simulated Steam: user ids are positive 64-bit bigints, got ${String(userOptions.id)}`);
      const user = users.add(userOptions);
      return { id: user.id, name: user.options.name };
    },
    backend(id) {
      let backend = backends.get(id);
      if (backend === undefined) {
        backend = new SimulatedBackend(core, users.require(id));
        backends.set(id, backend);
      }
      return backend;
    },
    steamworks,
    steamworksClient(id, binding) {
      const module = steamworks(id, binding);
      return module.client ?? module.init();
    },
    befriend(a, b) {
      users.befriend(users.require(a), users.require(b));
    },
    block(user, other) {
      users.block(users.require(user), other);
    },
    requestJoin(user, lobbyId, friendId) {
      // GameLobbyJoinRequested_t: the user picked "Join game" or accepted an invite while in-game (sdk isteamfriends.h:540-555).
      core.emitLater(users.require(user), { type: 'joinRequested', lobbyId, friendId });
    },
    lobby: snapshot,
    lobbies: () => [...core.directory.lobbies.keys()].map((id) => snapshot(id)!),
    get inFlight() {
      return core.scheduler.size;
    },
    get errors() {
      return core.scheduler.errors;
    },
    get errorCount() {
      return core.scheduler.errorCount;
    },
  };
}
