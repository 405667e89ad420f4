/**
 * JSON for machine contexts, states and events that hold Steam IDs. JSON.stringify throws on bigint, and
 * xstate/graph keys every snapshot with JSON.stringify({ value, context }) by default; each machine's context
 * carries a `toJSON` (`jsonSafeContext`), so that default works with no help from the caller and the graph it
 * walks is finite. Events a caller builds with bigint ids still need `serializeEvent: toStableJson`.
 */

/** JSON text in which every bigint is written as `"<digits>n"` (JSON.stringify itself throws on them). */
export function toStableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/**
 * A context as JSON.stringify writes it: bigints as `"<digits>n"`, functions (the effect ports) left out, and the
 * counters that only ever grow (epochs, attempt numbers, jitter states) left out too, so that two snapshots that
 * behave alike write alike and a state graph keyed by this JSON is finite. Read those counters from
 * `snapshot.context` itself; the inspector's sanitizers (inspect/stately.ts) keep them.
 */
export interface JsonSafeContext {
  readonly toJSON: () => unknown;
}

/**
 * The `toJSON` a machine's contexts carry: one function per machine, made once at module load (no closure or set per
 * actor, since a lobby holds one peer-session context per member), leaving out `counters`. It is an own enumerable
 * property of each context, so XState's `assign` (which copies the context) carries it to every later one.
 */
export function contextToJson(counters: readonly string[] = []): (this: object) => unknown {
  const left = new Set<string>(['toJSON', ...counters]);
  return function toJSON(this: object): unknown {
    const plain: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) if (!left.has(key) && typeof value !== 'function') plain[key] = value;
    return JSON.parse(toStableJson(plain)) as unknown;
  };
}

const PLAIN_JSON = contextToJson();

/** `value` (a context, an event) with `toJSON` (default: nothing left out but functions). */
export function jsonSafeContext<T extends object>(value: T, toJSON: (this: object) => unknown = PLAIN_JSON): T & JsonSafeContext {
  return { ...value, toJSON };
}

/** JSON-safe copy of a whole context, counters included (its own `toJSON` bypassed): for inspectors and logs. */
export function fullJson(value: unknown): unknown {
  const plain = typeof value === 'object' && value !== null && 'toJSON' in value ? { ...value, toJSON: undefined } : value;
  return plain === undefined ? undefined : (JSON.parse(toStableJson(plain)) as unknown);
}
