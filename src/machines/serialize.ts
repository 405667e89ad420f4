/**
 * JSON for machine states and events that hold Steam IDs: JSON.stringify throws on bigint, and xstate/graph
 * serializes events with it by default. Pass this as `serializeEvent` / inside `serializeState`.
 */
export function toStableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
