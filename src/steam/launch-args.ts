/**
 * Steam's `+connect_lobby <id>` launch argument, found wherever a launcher put it.
 */
import { isSteamId } from './ids.js';

/**
 * Steam launches a game with `+connect_lobby <lobby id>` when a friend's invite is accepted while it is not
 * running. The seed only looked at argv[0]; launchers put other flags first, so this scans the whole list.
 */
export type LaunchLobby =
  | { readonly kind: 'none' }
  | { readonly kind: 'lobby'; readonly lobbyId: bigint }
  | { readonly kind: 'invalid'; readonly text: string };

export const CONNECT_LOBBY_FLAG = '+connect_lobby';

/** Parses a Steam ID written in decimal; undefined unless it is a positive 64-bit integer. */
export function parseSteamId(text: string): bigint | undefined {
  if (!/^[0-9]{1,20}$/.test(text)) return undefined;
  const id = BigInt(text);
  return isSteamId(id) ? id : undefined;
}

export function lobbyFromLaunchArgs(argv: readonly string[]): LaunchLobby {
  const at = argv.indexOf(CONNECT_LOBBY_FLAG);
  if (at < 0) return { kind: 'none' };
  const text = argv[at + 1] ?? '';
  const lobbyId = parseSteamId(text);
  return lobbyId === undefined ? { kind: 'invalid', text } : { kind: 'lobby', lobbyId };
}
