/**
 * Steam's lobby list filters in one place: checking filters a caller passed (every backend refuses malformed ones
 * with the same reasons before any work is queued) and applying them to candidate lobbies (the simulator, and the
 * steamworks.js adapter after `getLobbies`).
 */
import type { LobbyListFilters, NumericComparison } from './backend.js';

/**
 * Steam returns at most 50 lobbies unless a result-count filter says otherwise
 * (https://kb.heathen.group/toolkit-for-steamworks/unreal/blueprint-nodes/functions/add-request-lobby-list-filter).
 */
export const DEFAULT_LOBBY_LIST_COUNT = 50;

const COMPARISONS: ReadonlySet<string> = new Set<NumericComparison>(['<=', '<', '==', '>', '>=', '!=']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Filters checked and copied, or why they were refused. */
export type ParsedFilters = { readonly ok: true; readonly value: LobbyListFilters } | { readonly ok: false; readonly detail: string };

/**
 * Checks list filters as a JavaScript caller may pass them (anything at all) and copies the valid ones, so nothing
 * malformed reaches a lobby search later. The loopback service runs it too, on what arrives over the wire.
 */
export function parseLobbyListFilters(value: unknown): ParsedFilters {
  if (value === undefined) return { ok: true, value: {} };
  if (!isRecord(value)) return { ok: false, detail: 'filters must be an object' };
  const out: {
    strings?: { key: string; value: string }[];
    numbers?: { key: string; value: number; comparison: NumericComparison }[];
    near?: { key: string; value: number }[];
    slotsAvailable?: number;
    resultCount?: number;
    distance?: 0 | 1 | 2 | 3;
  } = {};
  const list = (name: string): unknown[] | undefined => {
    const v = value[name];
    return Array.isArray(v) ? v : undefined;
  };
  for (const name of ['strings', 'numbers', 'near'] as const) {
    if (value[name] !== undefined && list(name) === undefined) return { ok: false, detail: `filters.${name} must be an array` };
  }
  for (const f of list('strings') ?? []) {
    if (!isRecord(f) || typeof f.key !== 'string' || typeof f.value !== 'string') {
      return { ok: false, detail: 'a string filter needs a string key and a string value' };
    }
    (out.strings ??= []).push({ key: f.key, value: f.value });
  }
  for (const f of list('numbers') ?? []) {
    if (!isRecord(f) || typeof f.key !== 'string' || !finite(f.value) || typeof f.comparison !== 'string' || !COMPARISONS.has(f.comparison)) {
      return { ok: false, detail: 'a numerical filter needs a string key, a finite value and one of <= < == > >= !=' };
    }
    (out.numbers ??= []).push({ key: f.key, value: f.value, comparison: f.comparison as NumericComparison });
  }
  for (const f of list('near') ?? []) {
    if (!isRecord(f) || typeof f.key !== 'string' || !finite(f.value)) {
      return { ok: false, detail: 'a near filter needs a string key and a finite value' };
    }
    (out.near ??= []).push({ key: f.key, value: f.value });
  }
  for (const name of ['slotsAvailable', 'resultCount'] as const) {
    const v = value[name];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || (v as number) < 0) return { ok: false, detail: `filters.${name} must be a non-negative integer` };
    out[name] = v as number;
  }
  const distance = value.distance;
  if (distance !== undefined) {
    if (distance !== 0 && distance !== 1 && distance !== 2 && distance !== 3) return { ok: false, detail: 'filters.distance must be 0..3' };
    out.distance = distance;
  }
  return { ok: true, value: out };
}

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
