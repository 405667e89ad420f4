/**
 * Lobby lists through steamworks.js, told honestly. `getLobbies()` takes no filters (steamworks.js
 * matchmaking.rs:184-206): Steam answers with at most 50 of the app's lobbies near the user, in its own order, and
 * lobbykit applies the game's filters to those. So a result is `complete: false` whenever Steam's cap was reached (a
 * matching lobby may be the 51st, which on a shared app id such as 480 is the rule), a distance or a result count
 * the binding cannot honour is refused, and a failed request says why. What the list shows of each lobby (data,
 * member count, limit) is Steam's snapshot at list time; it is kept only to explain a refused join.
 */
import { DEFAULT_LOBBY_LIST_COUNT, applyLobbyListFilters, parseLobbyListFilters, type LobbySummary } from '../list-filters.js';
import type { BackendEvent, LobbyListFilters } from '../backend.js';
import type { SteamworksClient, SteamworksLobby } from './client-types.js';
import { messageOf, type NativeCalls } from './native.js';

/** What Steam returns without a result-count filter, and all steamworks.js can ask for. */
export const STEAMWORKS_LIST_CAP = DEFAULT_LOBBY_LIST_COUNT;

interface Seen {
  readonly memberCount: number;
  readonly memberLimit: number;
}

export class LobbyListRequests {
  /** The last list's snapshot of each lobby it showed (at most STEAMWORKS_LIST_CAP entries). */
  private seen = new Map<bigint, Seen>();

  constructor(
    private readonly client: SteamworksClient,
    private readonly calls: NativeCalls,
    private readonly emit: (event: BackendEvent) => void,
    private readonly remember: (lobby: SteamworksLobby) => void,
  ) {}

  request(filters: LobbyListFilters | undefined): boolean {
    const calls = this.calls;
    const parsed = parseLobbyListFilters(filters);
    if (!parsed.ok) return calls.refuse('invalid-argument', parsed.detail);
    const { distance, resultCount } = parsed.value;
    if (distance !== undefined && distance !== 1) {
      return calls.refuse(
        'unsupported',
        `steamworks.js cannot pass a distance filter (asked for ${distance}): getLobbies always uses Steam's default, nearby regions only`,
      );
    }
    if (resultCount !== undefined && resultCount > STEAMWORKS_LIST_CAP) {
      return calls.refuse('unsupported', `steamworks.js lists at most ${STEAMWORKS_LIST_CAP} lobbies; a result count of ${resultCount} cannot be honoured`);
    }
    const started = calls.call('getLobbies', () => this.client.matchmaking.getLobbies(), undefined);
    if (started === undefined) return false;
    started.then(
      (lobbies) => this.answer(lobbies, parsed.value),
      (error: unknown) => this.emit({ type: 'lobbyList', lobbyIds: [], complete: false, failure: `steamworks.js getLobbies failed: ${messageOf(error)}` }),
    );
    return true;
  }

  private answer(lobbies: readonly SteamworksLobby[], filters: LobbyListFilters): void {
    const calls = this.calls;
    const seen = new Map<bigint, Seen>();
    const summaries: LobbySummary[] = [];
    for (const lobby of lobbies.slice(0, STEAMWORKS_LIST_CAP)) {
      this.remember(lobby);
      const memberCount = Number(calls.quiet(() => lobby.getMemberCount(), 0n));
      const memberLimit = Number(calls.quiet(() => lobby.getMemberLimit(), null) ?? 0n);
      // getFullData reads lossily: a stranger's bytes that are not UTF-8 cannot abort the process as getData would.
      const data = calls.quiet(() => lobby.getFullData(), {});
      seen.set(lobby.id, { memberCount, memberLimit });
      summaries.push({ id: lobby.id, memberCount, memberLimit, data: (key) => (Object.hasOwn(data, key) ? (data[key] ?? '') : '') });
    }
    this.seen = seen;
    const lobbyIds = applyLobbyListFilters(summaries, filters).map((s) => s.id);
    this.emit({ type: 'lobbyList', lobbyIds, complete: lobbies.length < STEAMWORKS_LIST_CAP });
  }

  /** Whether the last list showed `lobbyId` full: the best guess at why Steam refused a join, which it does not say. */
  wasFull(lobbyId: bigint): boolean {
    const seen = this.seen.get(lobbyId);
    return seen !== undefined && seen.memberLimit > 0 && seen.memberCount >= seen.memberLimit;
  }
}
