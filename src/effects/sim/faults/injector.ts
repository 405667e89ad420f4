/**
 * Everything that can go wrong on the simulated Steam, on purpose: faults on links and users, partitions and
 * their healing, users who vanish, failed P2P sessions, forced join answers, and Steam's servers dropping a user.
 * All of it seeded and on the virtual clock; `steam.faults` is this object.
 */
import { ChatMemberStateChange } from '../../backend.js';
import type { SimCore } from '../core.js';
import type { LinkFaults } from './link-faults.js';

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

export class FaultInjector implements SimulatedFaults {
  private nextIsland = 1;

  constructor(private readonly core: SimCore) {}

  setLink(a: bigint, b: bigint, faults: LinkFaults | undefined, options?: { readonly bothWays?: boolean }): void {
    const p2p = this.core.p2p;
    const ua = this.core.users.require(a);
    const ub = this.core.users.require(b);
    p2p.linkFor(ua, ub).faults = faults;
    if (options?.bothWays !== false) p2p.linkFor(ub, ua).faults = faults;
    p2p.faultsChanged();
  }

  setUser(user: bigint, faults: LinkFaults | undefined): void {
    this.core.users.require(user).faults = faults;
    this.core.p2p.faultsChanged();
  }

  /** A network cut (modelling): users on different islands cannot reach each other; unknown ids are ignored. */
  partition(ids: readonly bigint[]): void {
    const island = this.nextIsland++;
    for (const id of ids) {
      const user = this.core.users.get(id);
      if (user !== undefined) user.island = island;
    }
  }

  heal(): void {
    for (const user of this.core.users.values()) user.island = 0;
    this.core.p2p.reliable.releaseHeld();
  }

  /**
   * The user's process and connection disappear without a word. Steam notices later and drops them from their
   * lobbies with the "disconnected" bit (sdk isteammatchmaking.h:545); games observe that about 30 s later
   * (`disconnectDetectMs`).
   */
  vanish(id: bigint): void {
    const core = this.core;
    const user = core.users.require(id);
    if (user.vanished) return;
    user.vanished = true;
    core.scheduler.at(core.now() + core.disconnectDetectMs, () => {
      for (const lobbyId of [...user.lobbies]) {
        const lobby = core.directory.get(lobbyId);
        if (lobby !== undefined) core.directory.removeMember(lobby, id, ChatMemberStateChange.disconnected, id);
      }
    });
  }

  /**
   * Steam's lobby servers lose the user: every lobby they are in drops them with the disconnected bit, and the
   * user gets LobbyKicked with m_bKickedDueToDisconnect (sdk isteammatchmaking.h LobbyKicked_t). Their P2P paths
   * are untouched: peers may still be reachable.
   */
  dropFromLobbies(id: bigint): void {
    const core = this.core;
    const user = core.users.require(id);
    for (const lobbyId of [...user.lobbies]) {
      const lobby = core.directory.get(lobbyId);
      if (lobby === undefined) continue;
      core.directory.removeMember(lobby, id, ChatMemberStateChange.disconnected, id);
      core.emitLater(user, { type: 'lobbyKicked', lobbyId, by: 0n, dueToDisconnect: true });
    }
  }

  /** Session errors as Steam reports them: 0, 2, 4 or 5 (sdk isteamnetworking.h:17-31). */
  failSessions(from: bigint, to: bigint, error: number, times = 1): void {
    const link = this.core.p2p.linkFor(this.core.users.require(from), this.core.users.require(to));
    const forced = (link.forcedFailures ??= []);
    for (let i = 0; i < times; i++) forced.push(error);
  }

  forceEnterResponse(user: bigint, response: number, times = 1): void {
    const u = this.core.users.require(user);
    for (let i = 0; i < times; i++) u.forcedEnter.push(response);
  }

  /**
   * SteamServersDisconnected_t with an EResult, k_EResultNoConnection (3) unless told otherwise (sdk
   * isteamuser.h:263-271, steamclientpublic.h:19); real-time services stop until reconnected.
   */
  disconnectServers(id: bigint, reason = 3): void {
    const user = this.core.users.require(id);
    if (!user.serversConnected) return;
    user.serversConnected = false;
    this.core.emit(user, { type: 'serversDisconnected', reason });
  }

  /** SteamServersConnected_t once the connection is back (sdk isteamuser.h:238-248). */
  reconnectServers(id: bigint): void {
    const user = this.core.users.require(id);
    if (user.serversConnected) return;
    user.serversConnected = true;
    this.core.emitLater(user, { type: 'serversConnected' });
  }
}
