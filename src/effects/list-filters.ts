import type { LobbyListFilters, NumericComparison } from './backend.js';

/** Steam returns at most 50 lobbies unless a result-count filter says otherwise. */
export const DEFAULT_LOBBY_LIST_COUNT = 50;

/** What filtering needs to know about a lobby. */
export interface LobbySummary {
  readonly id: bigint;
  readonly memberCount: number;
  readonly memberLimit: number;
  data(key: string): string;
}

function compare(actual: number, comparison: NumericComparison, target: number): boolean {
  switch (comparison) {
    case '<=':
      return actual <= target;
    case '<':
      return actual < target;
    case '==':
      return actual === target;
    case '>':
      return actual > target;
    case '>=':
      return actual >= target;
    case '!=':
      return actual !== target;
  }
}

/** Lobby data is text; a value that is not a number never matches a numerical filter. */
function numeric(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Applies Steam's list filters (except distance, which needs the backend's geography) to candidate lobbies,
 * keeping their order except where near-value filters sort them. Shared by the simulator and the steamworks.js
 * adapter, which has no filters of its own and applies them to lobby data after `getLobbies`.
 */
export function applyLobbyListFilters<L extends LobbySummary>(lobbies: readonly L[], filters: LobbyListFilters | undefined): L[] {
  const strings = filters?.strings ?? [];
  const numbers = filters?.numbers ?? [];
  const slots = filters?.slotsAvailable;
  const kept = lobbies.filter((lobby) => {
    for (const f of strings) if (lobby.data(f.key) !== f.value) return false;
    for (const f of numbers) {
      const value = numeric(lobby.data(f.key));
      if (value === undefined || !compare(value, f.comparison, f.value)) return false;
    }
    if (slots !== undefined && lobby.memberLimit - lobby.memberCount < slots) return false;
    return true;
  });
  const near = filters?.near ?? [];
  if (near.length > 0) {
    // Earlier near filters weigh more, as in Steam: sort by the first, break ties with the next.
    const distances = new Map(kept.map((lobby) => [lobby, near.map((f) => Math.abs((numeric(lobby.data(f.key)) ?? Infinity) - f.value))]));
    kept.sort((a, b) => {
      const da = distances.get(a)!;
      const db = distances.get(b)!;
      for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) return da[i]! < db[i]! ? -1 : 1;
      return 0;
    });
  }
  const count = filters?.resultCount;
  const limit = count !== undefined && Number.isInteger(count) && count >= 0 ? count : DEFAULT_LOBBY_LIST_COUNT;
  return kept.slice(0, limit);
}
