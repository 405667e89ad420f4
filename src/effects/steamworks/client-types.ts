/**
 * The part of steamworks.js 0.4's client that lobbykit uses, as lobbykit's own structural types, so the published
 * declarations never import steamworks.js (a game that does not install it still type-checks) while the real
 * client (`require('steamworks.js').init()`) and the simulator's stand-in are held to the same shapes.
 * test/types/steamworks-client.check.ts asserts these against the package's own declarations, so they cannot
 * drift. To use more of steamworks.js, add the member to its namespace interface below; the check covers it.
 * Type-only apart from the callback ids and two helpers: importing this never loads native code.
 */

/** steamworks.js's `PlayerSteamId`. */
export interface SteamworksPlayerSteamId {
  readonly steamId64: bigint;
  readonly steamId32: string;
  readonly accountId: number;
}

/** steamworks.js's `matchmaking.Lobby` class: a handle on one lobby this client knows. */
export interface SteamworksLobby {
  readonly id: bigint;
  readonly join: () => Promise<SteamworksLobby>;
  readonly leave: () => void;
  readonly openInviteDialog: () => void;
  readonly getMemberCount: () => bigint;
  readonly getMemberLimit: () => bigint | null;
  readonly getMembers: () => SteamworksPlayerSteamId[];
  readonly getOwner: () => SteamworksPlayerSteamId;
  readonly setJoinable: (joinable: boolean) => boolean;
  readonly getData: (key: string) => string | null;
  readonly setData: (key: string, value: string) => boolean;
  readonly deleteData: (key: string) => boolean;
  readonly getFullData: () => Record<string, string>;
  readonly mergeFullData: (data: Record<string, string>) => boolean;
}

/** steamworks.js's `networking.P2PPacket`. */
export interface SteamworksP2PPacket {
  readonly data: Buffer;
  readonly size: number;
  readonly steamId: SteamworksPlayerSteamId;
}

/** What `callback.register` returns. */
export interface SteamworksCallbackHandle {
  readonly disconnect: () => void;
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
export type SteamworksCallbackId = (typeof SteamCallbackId)[keyof typeof SteamCallbackId];

/** What each callback hands its handler (steamworks.js's `CallbackReturns`, for the ids lobbykit registers). */
export interface SteamworksCallbackPayloads {
  0: { readonly steam_id: bigint; readonly flags: { readonly bits: number } };
  1: Record<string, never>;
  2: { readonly reason: number };
  3: { readonly reason: number; readonly still_retrying: boolean };
  4: { readonly lobby: bigint; readonly member: bigint; readonly success: boolean };
  /** `member_state_change` arrives as a name ("Entered"), although steamworks.js declares a number. */
  5: { readonly lobby: bigint; readonly user_changed: bigint; readonly making_change: bigint; readonly member_state_change: number | string };
  6: { readonly remote: bigint };
  7: { readonly remote: bigint; readonly error: number };
  8: { readonly lobby_steam_id: bigint; readonly friend_steam_id: bigint };
}

/** steamworks.js's `LobbyType` (0 private, 1 friends only, 2 public, 3 invisible). */
export type SteamworksLobbyType = 0 | 1 | 2 | 3;
/** steamworks.js's `SendType` (0 unreliable, 1 unreliable no delay, 2 reliable, 3 reliable with buffering). */
export type SteamworksSendType = 0 | 1 | 2 | 3;

export interface SteamworksLocalPlayer {
  readonly getSteamId: () => SteamworksPlayerSteamId;
  readonly getName: () => string;
}

export interface SteamworksMatchmaking {
  readonly createLobby: (lobbyType: SteamworksLobbyType, maxMembers: number) => Promise<SteamworksLobby>;
  readonly joinLobby: (lobbyId: bigint) => Promise<SteamworksLobby>;
  readonly getLobbies: () => Promise<SteamworksLobby[]>;
}

export interface SteamworksNetworking {
  readonly sendP2PPacket: (steamId64: bigint, sendType: SteamworksSendType, data: Buffer) => boolean;
  readonly isP2PPacketAvailable: () => number;
  readonly readP2PPacket: (size: number) => SteamworksP2PPacket;
  readonly acceptP2PSession: (steamId64: bigint) => void;
}

export interface SteamworksCallbacks {
  readonly register: <C extends SteamworksCallbackId>(steamCallback: C, handler: (value: SteamworksCallbackPayloads[C]) => void) => SteamworksCallbackHandle;
}

export interface SteamworksOverlay {
  readonly activateInviteDialog: (lobbyId: bigint) => void;
}

/** The client lobbykit drives: what `init()` returns, narrowed to the namespaces and members lobbykit calls. */
export interface SteamworksClient {
  readonly localplayer: SteamworksLocalPlayer;
  readonly matchmaking: SteamworksMatchmaking;
  readonly networking: SteamworksNetworking;
  readonly callback: SteamworksCallbacks;
  readonly overlay: SteamworksOverlay;
}

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
