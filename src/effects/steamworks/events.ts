/**
 * steamworks.js's callback payloads as they arrive (see client-types.ts: names where numbers are declared, null
 * for SteamServersConnected, small ids as numbers) turned into the Backend's typed events. Nothing here trusts a
 * payload's shape: a field that is missing or of another type becomes a neutral value, never a throw or a NaN.
 */
import { ChatMemberStateChange, STEAM_RESULT_FAIL, steamErrorByName, type BackendEvent } from '../backend.js';
import { SteamCallbackId } from './client-types.js';

function field(payload: unknown, name: string): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;
}

/** An id as napi hands it over: a BigInt, or a number at most 2^32 - 1 (the nil id is 0). Anything else is 0n. */
export function payloadId(value: unknown): bigint {
  if (typeof value === 'bigint') return value >= 0n ? value : 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return 0n;
}

/** The member-state bits: steamworks.js delivers the state's name ("Entered") although its types say number. */
export function chatStateBits(state: unknown): number {
  switch (state) {
    case 'Entered':
      return ChatMemberStateChange.entered;
    case 'Left':
      return ChatMemberStateChange.left;
    case 'Disconnected':
      return ChatMemberStateChange.disconnected;
    case 'Kicked':
      return ChatMemberStateChange.kicked;
    case 'Banned':
      return ChatMemberStateChange.banned;
  }
  // A number may be Steam's bit or the declared enum's index (0 Entered … 4 Banned); bits win where they overlap.
  if (typeof state === 'number' && Number.isInteger(state)) return state === 0 ? ChatMemberStateChange.entered : state === 3 ? ChatMemberStateChange.kicked : state;
  return 0;
}

/** Steam's EResult for a SteamError's name ("NoConnection" → 3); a number passes; anything else is 2 (fail). */
export function resultOfReason(reason: unknown): number {
  if (typeof reason === 'number' && Number.isInteger(reason) && reason > 0) return reason;
  return steamErrorByName(reason)?.result ?? STEAM_RESULT_FAIL;
}

/** The Backend event for a callback steamworks.js delivered, or undefined for an id lobbykit does not map. */
export function eventOfCallback(id: number, payload: unknown): BackendEvent | undefined {
  const id64 = (name: string): bigint => payloadId(field(payload, name));
  switch (id) {
    case SteamCallbackId.PersonaStateChange: {
      const bits = field(field(payload, 'flags'), 'bits');
      return { type: 'personaChange', userId: id64('steam_id'), flags: typeof bits === 'number' ? bits : 0 };
    }
    case SteamCallbackId.SteamServersConnected:
      return { type: 'serversConnected' };
    case SteamCallbackId.SteamServersDisconnected:
      return { type: 'serversDisconnected', reason: resultOfReason(field(payload, 'reason')) };
    case SteamCallbackId.LobbyDataUpdate:
      return { type: 'lobbyDataUpdate', lobbyId: id64('lobby'), memberId: id64('member'), success: field(payload, 'success') === true };
    case SteamCallbackId.LobbyChatUpdate: {
      // making_change always equals user_changed in steamworks-rs (matchmaking.rs:927-928): the best there is.
      const changed = id64('user_changed');
      return { type: 'lobbyChatUpdate', lobbyId: id64('lobby'), changed, changedBy: changed, state: chatStateBits(field(payload, 'member_state_change')) };
    }
    case SteamCallbackId.P2PSessionRequest:
      return { type: 'p2pSessionRequest', remote: id64('remote') };
    case SteamCallbackId.P2PSessionConnectFail: {
      const error = field(payload, 'error');
      return { type: 'p2pConnectFail', remote: id64('remote'), error: typeof error === 'number' ? error : 0 };
    }
    case SteamCallbackId.GameLobbyJoinRequested:
      return { type: 'joinRequested', lobbyId: id64('lobby_steam_id'), friendId: id64('friend_steam_id') };
    default:
      return undefined;
  }
}

/** The callbacks the adapter listens to. */
export const ADAPTER_CALLBACKS: readonly number[] = [
  SteamCallbackId.PersonaStateChange,
  SteamCallbackId.SteamServersConnected,
  SteamCallbackId.SteamServersDisconnected,
  SteamCallbackId.LobbyDataUpdate,
  SteamCallbackId.LobbyChatUpdate,
  SteamCallbackId.P2PSessionRequest,
  SteamCallbackId.P2PSessionConnectFail,
  SteamCallbackId.GameLobbyJoinRequested,
];
