/**
 * `createSimulatedSteam({ seed, clock })`: a whole Steam in one process — users, lobbies, P2P — on a virtual clock
 * with a seeded random source, so the same seed replays the same run. Each user gets a `Backend` (lobbykit's port)
 * or a steamworks.js-shaped client (for the steamworks.js adapter and for games written against steamworks.js).
 */
import type { LobbyClock } from '../clock.js';
import { isSteamId, type Backend, type LobbyType } from '../backend.js';
import { SimCore, type NetworkStats, type SimulatedSteamOptions, type SimulatedUserOptions } from './core.js';
import type { LinkFaults } from './faults.js';
import { SimulatedBackend } from './backend.js';
import { SimulatedSteamworksClient } from './steamworks-client.js';

export type { SimulatedSteamOptions, SimulatedUserOptions, NetworkStats } from './core.js';
export type { LinkFaults } from './faults.js';

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

/** Everything that can go wrong, on purpose. All of it seeded and on the virtual clock. */
export interface SimulatedFaults {
  /** Faults on the path from `a` to `b` (and back, unless `bothWays` is false). Replaces earlier faults on it. */
  setLink(a: bigint, b: bigint, faults: LinkFaults | undefined, options?: { readonly bothWays?: boolean }): void;
  /** Faults on everything `user` sends and receives. */
  setUser(user: bigint, faults: LinkFaults | undefined): void;
  /** Cuts P2P between `users` and everyone else. Reliable data waits; a cut longer than the session timeout fails it (error 4). */
  partition(users: readonly bigint[]): void;
  /** Ends every partition and delivers what waited, in order. */
  heal(): void;
  /** The user's game and connection vanish; Steam drops them from lobbies (state 0x4) after `disconnectDetectMs`. */
  vanish(user: bigint): void;
  /** The next `times` P2P sessions `from` opens to `to` fail with `error` (0, 2, 4 or 5). */
  failSessions(from: bigint, to: bigint, error: number, times?: number): void;
  /** The next join by `user` answers `response`, whatever the lobby (for codes no rule produces, e.g. 5, 12–15). */
  forceEnterResponse(user: bigint, response: number, times?: number): void;
  /**
   * Steam's lobby servers drop `user` from every lobby they are in (others see state 0x4, the user LobbyKicked
   * due to disconnect) while P2P keeps working: what a flapping Steam connection does. Pair it with
   * `disconnectServers` for a user whose whole Steam connection went.
   */
  dropFromLobbies(user: bigint): void;
  /** Steam's servers drop `user`: a serversDisconnected event; lobby operations fail until reconnected. */
  disconnectServers(user: bigint, reason?: number): void;
  reconnectServers(user: bigint): void;
}

export interface SimulatedUser {
  readonly id: bigint;
  readonly name: string;
}

export interface SimulatedSteam {
  readonly clock: LobbyClock;
  readonly faults: SimulatedFaults;
  readonly stats: Readonly<NetworkStats>;
  addUser(options: SimulatedUserOptions): SimulatedUser;
  /** The user's Backend (one per user; the same object on every call). */
  backend(user: bigint): Backend;
  /** A steamworks.js-shaped client for the user (one per user). */
  steamworksClient(user: bigint): SimulatedSteamworksClient;
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
}

/** What Steam passes to a game it launches from an invite. */
export function connectLobbyArgs(lobbyId: bigint): readonly string[] {
  return ['+connect_lobby', lobbyId.toString()];
}

/** SteamID64 of an individual account in the public universe. */
export function steamIdOfAccount(accountId: number): bigint {
  return 76561197960265728n + BigInt(accountId);
}

export function createSimulatedSteam(options: SimulatedSteamOptions): SimulatedSteam {
  const core = new SimCore(options);
  const backends = new Map<bigint, SimulatedBackend>();
  const clients = new Map<bigint, SimulatedSteamworksClient>();

  const userOf = (id: bigint) => {
    const user = core.user(id);
    if (user === undefined) throw new Error(`simulated Steam: no user ${String(id)}; add it with addUser first`);
    return user;
  };

  const snapshot = (id: bigint): LobbySnapshot | undefined => {
    const lobby = core.lobbies.get(id);
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

  const faults: SimulatedFaults = {
    setLink(a, b, linkFaults, linkOptions) {
      const ua = userOf(a);
      const ub = userOf(b);
      core.linkFor(ua, ub).faults = linkFaults;
      if (linkOptions?.bothWays !== false) core.linkFor(ub, ua).faults = linkFaults;
      core.setFaultsVersionChanged();
    },
    setUser(user, userFaults) {
      userOf(user).faults = userFaults;
      core.setFaultsVersionChanged();
    },
    partition: (users) => core.partition(users),
    heal: () => core.heal(),
    vanish: (user) => core.vanish(userOf(user).id),
    failSessions(from, to, error, times = 1) {
      const link = core.linkFor(userOf(from), userOf(to));
      const forced = (link.forcedFailures ??= []);
      for (let i = 0; i < times; i++) forced.push(error);
    },
    forceEnterResponse(user, response, times = 1) {
      const u = userOf(user);
      for (let i = 0; i < times; i++) u.forcedEnter.push(response);
    },
    dropFromLobbies: (user) => core.dropFromLobbies(userOf(user).id),
    disconnectServers: (user, reason = 3) => core.disconnectServers(userOf(user).id, reason),
    reconnectServers: (user) => core.reconnectServers(userOf(user).id),
  };

  return {
    clock: options.clock,
    faults,
    stats: core.stats,
    addUser(userOptions) {
      if (!isSteamId(userOptions.id)) throw new Error(`simulated Steam: user ids are positive 64-bit bigints, got ${String(userOptions.id)}`);
      const user = core.addUser(userOptions);
      return { id: user.id, name: user.options.name };
    },
    backend(id) {
      let backend = backends.get(id);
      if (backend === undefined) {
        backend = new SimulatedBackend(core, userOf(id));
        backends.set(id, backend);
      }
      return backend;
    },
    steamworksClient(id) {
      let client = clients.get(id);
      if (client === undefined) {
        client = new SimulatedSteamworksClient(core, userOf(id));
        clients.set(id, client);
      }
      return client;
    },
    befriend(a, b) {
      const ua = userOf(a);
      const ub = userOf(b);
      ua.friends.add(b);
      ub.friends.add(a);
      ua.known.add(b);
      ub.known.add(a);
    },
    block(user, other) {
      userOf(user).blocked.add(other);
    },
    requestJoin(user, lobbyId, friendId) {
      core.joinRequested(userOf(user), lobbyId, friendId);
    },
    lobby: snapshot,
    lobbies: () => [...core.lobbies.keys()].map((id) => snapshot(id)!),
    get inFlight() {
      return core.scheduler.size;
    },
  };
}
