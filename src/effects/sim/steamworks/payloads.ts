/**
 * The simulator's events as steamworks.js hands them to a callback handler: steamworks-rs's callback structs
 * through serde_json and napi's conversion to JavaScript, which is not what steamworks.js's callbacks.d.ts declares
 * (a state or a reason arrives as a name, SteamServersConnected as null, an id below 2^32 as a number).
 */
import { steamErrorByResult, type BackendEvent } from '../../backend.js';
import { CHAT_STATE_NAMES, SteamCallbackId, type SteamworksPayloadId } from '../../steamworks/client-types.js';
import { SimulatedNativeAbort } from './native-errors.js';

/** serde_json's u64 to JavaScript: a BigInt above u32::MAX, else a number (napi 2.16.8 js_values/serde.rs:130-141). */
export function payloadId(id: bigint): SteamworksPayloadId {
  return id > 0xffff_ffffn ? id : Number(id);
}

/** A SteamError's variant name, as serde writes an enum without data (steamworks-rs error.rs:14-16). */
function steamErrorName(result: number): string {
  const info = steamErrorByResult(result);
  // An EResult steamworks-rs does not map is `unreachable!()` inside runCallbacks (error.rs:522): a native panic.
  if (info === undefined) throw new SimulatedNativeAbort(`EResult ${result} has no SteamError: steamworks-rs panics in runCallbacks`);
  return info.name;
}

/** The callback id and payload steamworks.js would deliver for `event`, or undefined when it has no callback for it. */
export function callbackOf(event: BackendEvent): { readonly id: number; payload(): unknown } | undefined {
  switch (event.type) {
    case 'lobbyDataUpdate':
      // steamworks-rs matchmaking.rs:953-974.
      return {
        id: SteamCallbackId.LobbyDataUpdate,
        payload: () => ({ lobby: payloadId(event.lobbyId), member: payloadId(event.memberId), success: event.success }),
      };
    case 'lobbyChatUpdate':
      // making_change is user_changed (steamworks-rs matchmaking.rs:927-928); the state is serde's variant name
      // (matchmaking.rs:832-850, 929-947), a string although steamworks.js callbacks.d.ts:34-39 says a number.
      return {
        id: SteamCallbackId.LobbyChatUpdate,
        payload: () => ({
          lobby: payloadId(event.lobbyId),
          user_changed: payloadId(event.changed),
          making_change: payloadId(event.changed),
          member_state_change: CHAT_STATE_NAMES.get(event.state) ?? String(event.state),
        }),
      };
    case 'personaChange':
      // PersonaChange bitflags through serde as { bits } (steamworks-rs friends.rs:28-31, 263-277).
      return { id: SteamCallbackId.PersonaStateChange, payload: () => ({ steam_id: payloadId(event.userId), flags: { bits: event.flags } }) };
    case 'p2pSessionRequest':
      // steamworks-rs networking.rs:112-130.
      return { id: SteamCallbackId.P2PSessionRequest, payload: () => ({ remote: payloadId(event.remote) }) };
    case 'p2pConnectFail':
      // steamworks-rs networking.rs:132-150.
      return { id: SteamCallbackId.P2PSessionConnectFail, payload: () => ({ remote: payloadId(event.remote), error: event.error }) };
    case 'joinRequested':
      // steamworks-rs friends.rs:301-315.
      return {
        id: SteamCallbackId.GameLobbyJoinRequested,
        payload: () => ({ lobby_steam_id: payloadId(event.lobbyId), friend_steam_id: payloadId(event.friendId) }),
      };
    case 'serversDisconnected':
      // `reason` is a SteamError (steamworks-rs user.rs:397-411), so serde writes its name: "NoConnection" for 3.
      return { id: SteamCallbackId.SteamServersDisconnected, payload: () => ({ reason: steamErrorName(event.reason) }) };
    case 'serversConnected':
      // A unit struct (steamworks-rs user.rs:383-392): serde writes null.
      return { id: SteamCallbackId.SteamServersConnected, payload: () => null };
    case 'lobbyCreated':
    case 'lobbyEntered':
    case 'lobbyList':
      // Call results: they settle the promise of the call that asked (process.ts).
      return undefined;
    case 'lobbyChatMessage':
    case 'lobbyInvite':
    case 'lobbyKicked':
      // steamworks.js 0.4 registers no callback for these (callback.rs:25-37).
      return undefined;
  }
}
