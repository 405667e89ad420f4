/**
 * Steam IDs: 64-bit integers, always `bigint` in lobbykit. Users, lobbies and the lobby's own "member id" for
 * lobby data updates all share the one check, so no 0 or negative id ever reaches a backend call.
 */

/** Hoisted: `1n << 64n` in the check itself would make a BigInt on every call, and sends call it per packet. */
const STEAM_ID_LIMIT = 1n << 64n;

/** A Steam ID the backend can be asked about: a positive 64-bit integer. */
export function isSteamId(id: unknown): id is bigint {
  return typeof id === 'bigint' && id > 0n && id < STEAM_ID_LIMIT;
}
