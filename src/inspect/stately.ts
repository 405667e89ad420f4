/**
 * Wiring for Stately's inspector: the sanitizers that make lobbykit's snapshots and events (bigint Steam ids) JSON
 * it can show.
 */
import { fullJson } from '../machines/serialize.js';

/**
 * A JSON-safe copy: bigint Steam ids become text (`"7656…n"`), every counter kept (a context's own `toJSON` leaves
 * them out for graph keys); `undefined` (an actor with no context) stays as is.
 */
function jsonSafe<T>(value: T): T {
  return fullJson(value) as T;
}

/**
 * Options for `@statelyai/inspect`'s inspectors (`createBrowserInspector`, `createWebSocketInspector`, …): its
 * serializer cannot carry the bigint Steam ids in lobbykit's events and context, so they are made JSON-safe first.
 */
export const statelySanitizers = {
  sanitizeEvent: jsonSafe,
  sanitizeContext: jsonSafe,
} as const;
