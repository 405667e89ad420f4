/**
 * Lobby list filters as they cross the wire: one validator the client runs before sending (so a bad filter is
 * refused at the call) and the service runs again on what arrives (so a hand-written client cannot slip one by).
 */
import type { LobbyListFilters, NumericComparison } from '../backend.js';
import { isRecord, type Parsed } from './protocol.js';

const COMPARISONS: ReadonlySet<string> = new Set<NumericComparison>(['<=', '<', '==', '>', '>=', '!=']);

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Validates list filters; never throws. */
export function parseFilters(value: unknown): Parsed<LobbyListFilters> {
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
