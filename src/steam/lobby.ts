/**
 * Steam's lobby vocabulary: lobby types, the limits ISteamMatchmaking enforces (isteammatchmaking.h), the
 * EResult values a creation reports, lobby list filters, and the seed tutorial's defaults. The validators here
 * are the one place each rule is written; every backend and the runtime call them before anything native runs.
 */

/** ELobbyType: 0 private (invite only), 1 friends only, 2 public, 3 invisible. */
export const LobbyType = { private: 0, friendsOnly: 1, public: 2, invisible: 3 } as const;
export type LobbyType = (typeof LobbyType)[keyof typeof LobbyType];

/** Steam's hard ceiling on lobby members (steamworks-rs asserts it, so steamworks.js would reject above it). */
export const MAX_LOBBY_MEMBERS = 250;
/** k_nMaxLobbyKeyLength. */
export const MAX_LOBBY_DATA_KEY_LENGTH = 255;
/** k_cubChatMetadataMax: a lobby data value, in UTF-8 bytes. */
export const MAX_LOBBY_DATA_VALUE_BYTES = 8192;
/** Lobby chat messages: 4 KB, text or binary (SendLobbyChatMsg). */
export const MAX_LOBBY_CHAT_BYTES = 4096;

/** The seed's createLobby(LOBBY_TYPE_PUBLIC, 10): the defaults of `createLobby()` without options. */
export const DEFAULT_LOBBY_TYPE: LobbyType = LobbyType.public;
export const DEFAULT_MAX_MEMBERS = 10;

/** EResult values a lobby creation reports (LobbyCreated_t::m_eResult). */
export const CreateLobbyResult = { ok: 1, fail: 2, noConnection: 3, timeout: 16, limitExceeded: 25 } as const;
export type CreateLobbyResult = (typeof CreateLobbyResult)[keyof typeof CreateLobbyResult];

export type NumericComparison = '<=' | '<' | '==' | '>' | '>=' | '!=';

/** ELobbyDistanceFilter: 0 close, 1 default, 2 far, 3 worldwide. */
export type LobbyDistance = 0 | 1 | 2 | 3;

/** Lobby list filters, as Steam offers them; Steam clears them after every request, so each list carries its own. */
export interface LobbyListFilters {
  readonly strings?: readonly { readonly key: string; readonly value: string }[];
  readonly numbers?: readonly {
    readonly key: string;
    readonly value: number;
    readonly comparison: NumericComparison;
  }[];
  readonly near?: readonly { readonly key: string; readonly value: number }[];
  readonly slotsAvailable?: number;
  readonly resultCount?: number;
  readonly distance?: LobbyDistance;
}

const textEncoder = new TextEncoder();

/**
 * Why a lobby creation request is malformed, or undefined when Steam would accept it; `data`, when given, is the
 * lobby data to set once the lobby exists, held to Steam's lobby data rules.
 */
export function createLobbyProblem(lobbyType: unknown, maxMembers: unknown, data?: unknown): string | undefined {
  if (lobbyType !== 0 && lobbyType !== 1 && lobbyType !== 2 && lobbyType !== 3) {
    return `lobby type must be 0..3, got ${String(lobbyType)}`;
  }
  if (typeof maxMembers !== 'number' || !Number.isInteger(maxMembers) || maxMembers < 1 || maxMembers > MAX_LOBBY_MEMBERS) {
    return `max members must be an integer in 1..${MAX_LOBBY_MEMBERS}, got ${String(maxMembers)}`;
  }
  if (data === undefined) return undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'lobby data must be an object of strings';
  for (const [key, value] of Object.entries(data)) {
    const problem = lobbyDataProblem(key, value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Why `key` cannot be a lobby data key, or undefined. A NUL would abort steamworks.js's native code. */
export function lobbyDataKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_LOBBY_DATA_KEY_LENGTH) {
    return `lobby data keys must be strings of 1..${MAX_LOBBY_DATA_KEY_LENGTH} characters`;
  }
  if (key.includes('\0')) return 'lobby data keys cannot contain a NUL character';
  return undefined;
}

/** Why `value` cannot be a lobby data value (`too-large`: over Steam's byte limit; else malformed), or undefined. */
export function lobbyDataValueRefusal(value: unknown): { readonly code: 'too-large' | 'invalid-argument'; readonly detail: string } | undefined {
  if (typeof value !== 'string') return { code: 'invalid-argument', detail: 'lobby data values are strings' };
  if (value.includes('\0')) return { code: 'invalid-argument', detail: 'lobby data values cannot contain a NUL character' };
  // Most values are short: only count bytes when the characters alone could exceed the limit.
  if (value.length * 3 > MAX_LOBBY_DATA_VALUE_BYTES) {
    const bytes = textEncoder.encode(value).length;
    if (bytes > MAX_LOBBY_DATA_VALUE_BYTES) {
      return { code: 'too-large', detail: `lobby data values are limited to ${MAX_LOBBY_DATA_VALUE_BYTES} bytes of UTF-8, got ${bytes}` };
    }
  }
  return undefined;
}

/** Why `value` cannot be a lobby data value, or undefined. */
export function lobbyDataValueProblem(value: unknown): string | undefined {
  return lobbyDataValueRefusal(value)?.detail;
}

/** Why a key/value pair breaks Steam's lobby data rules, or undefined. */
export function lobbyDataProblem(key: unknown, value: unknown): string | undefined {
  return lobbyDataKeyProblem(key) ?? lobbyDataValueProblem(value);
}
