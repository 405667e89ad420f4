/**
 * The part of steamworks.js 0.4's client that lobbykit uses, typed against the package's own declarations, so
 * the real client (`require('steamworks.js').init()`) and the simulator's stand-in are checked against the same
 * shapes. Type-only: importing this never loads native code.
 */
import type { Client } from 'steamworks.js';

export type SteamworksLobby = InstanceType<Client['matchmaking']['Lobby']>;
export type SteamworksPlayerSteamId = ReturnType<Client['localplayer']['getSteamId']>;
export type SteamworksP2PPacket = ReturnType<Client['networking']['readP2PPacket']>;
export type SteamworksCallbackHandle = ReturnType<Client['callback']['register']>;

export interface SteamworksClient {
  readonly localplayer: Pick<Client['localplayer'], 'getSteamId' | 'getName'>;
  readonly matchmaking: Pick<Client['matchmaking'], 'createLobby' | 'joinLobby' | 'getLobbies'>;
  readonly networking: Pick<Client['networking'], 'sendP2PPacket' | 'isP2PPacketAvailable' | 'readP2PPacket' | 'acceptP2PSession'>;
  readonly callback: Pick<Client['callback'], 'register'>;
  readonly overlay: Pick<Client['overlay'], 'activateInviteDialog'>;
}

/**
 * steamworks.js's callback ids. The package declares them as a const enum, which `isolatedModules` cannot read,
 * so the numbers are restated here (they are part of its ABI).
 */
export const SteamCallbackId = {
  PersonaStateChange: 0,
  SteamServersConnected: 1,
  SteamServersDisconnected: 2,
  SteamServerConnectFailure: 3,
  LobbyDataUpdate: 4,
  LobbyChatUpdate: 5,
  P2PSessionRequest: 6,
  P2PSessionConnectFail: 7,
  GameLobbyJoinRequested: 8,
} as const;

/** What steamworks.js's LobbyChatUpdate really carries as member_state_change: a string, despite its types. */
export const CHAT_STATE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x1, 'Entered'],
  [0x2, 'Left'],
  [0x4, 'Disconnected'],
  [0x8, 'Kicked'],
  [0x10, 'Banned'],
]);

/** Steam's account id is the low 32 bits; steamId32 is the legacy "STEAM_0:Y:Z" text. */
export function playerSteamId(steamId64: bigint): SteamworksPlayerSteamId {
  const accountId = Number(steamId64 & 0xffff_ffffn);
  return { steamId64, steamId32: `STEAM_0:${accountId & 1}:${Math.floor(accountId / 2)}`, accountId };
}
