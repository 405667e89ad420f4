/**
 * Plain-data shapes of the lobby requests the lobby machine passes to its injected effects, and their validation.
 * They mirror Steam's arguments; the runtime maps them onto its backend.
 */

/** Steam lobby types: 0 private (invite only), 1 friends only, 2 public, 3 invisible. */
export const LobbyType = { private: 0, friendsOnly: 1, public: 2, invisible: 3 } as const;
export type LobbyType = (typeof LobbyType)[keyof typeof LobbyType];

/** Steam's hard ceiling on lobby members. */
export const MAX_LOBBY_MEMBERS = 250;

/** Steam's ceiling on lobby data keys. */
export const MAX_LOBBY_DATA_KEY_LENGTH = 255;

export interface CreateLobbyRequest {
  readonly lobbyType: LobbyType;
  readonly maxMembers: number;
  /** Lobby data set once the lobby exists (the seed sets "name" and "mode"). */
  readonly data?: Readonly<Record<string, string>>;
}

export type NumericComparison = '<=' | '<' | '==' | '>' | '>=' | '!=';

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
  /** 0 close, 1 default, 2 far, 3 worldwide. */
  readonly distance?: 0 | 1 | 2 | 3;
}

/** Why a create request is malformed, or undefined when Steam would accept it. */
export function createRequestProblem(request: CreateLobbyRequest): string | undefined {
  if (![0, 1, 2, 3].includes(request.lobbyType)) return `lobby type must be 0..3, got ${String(request.lobbyType)}`;
  if (!Number.isInteger(request.maxMembers) || request.maxMembers < 1 || request.maxMembers > MAX_LOBBY_MEMBERS) {
    return `max members must be an integer in 1..${MAX_LOBBY_MEMBERS}, got ${String(request.maxMembers)}`;
  }
  for (const key of Object.keys(request.data ?? {})) {
    if (key.length === 0 || key.length > MAX_LOBBY_DATA_KEY_LENGTH) {
      return `lobby data keys must be 1..${MAX_LOBBY_DATA_KEY_LENGTH} characters, got ${key.length}`;
    }
  }
  return undefined;
}

/** Hoisted: `1n << 64n` in the check itself would make a BigInt on every call, and sends call it per packet. */
const STEAM_ID_LIMIT = 1n << 64n;

/** A Steam ID the backend can be asked about: a positive 64-bit integer. */
export function isSteamId(id: unknown): id is bigint {
  return typeof id === 'bigint' && id > 0n && id < STEAM_ID_LIMIT;
}
