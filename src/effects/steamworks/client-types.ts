/**
 * The part of a steamworks.js client that lobbykit uses, as lobbykit's own structural types, so the published
 * declarations never import steamworks.js (a game that does not install it still type-checks) while the real
 * client (`require('steamworks.js').init()`), the @pipelab/steamworks.js fork's, and the simulator's stand-in are
 * held to the same shapes. test/types/steamworks-client.check.ts asserts these against both packages' own
 * declarations, so they cannot drift. Members only the fork has are optional: the adapter looks for them on the
 * client (binding.ts), never at a package name. Callback payloads are typed as they arrive, which is wider than
 * steamworks.js declares (a reason is a name, a connected payload is null, an id at most 2^32 - 1 is a number).
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

/**
 * An id inside a callback payload: serde_json's number, which napi makes a BigInt above 2^32 - 1 and a plain number
 * below (napi 2.16.8 bindgen_runtime/js_values/serde.rs:130-141), so the nil id arrives as 0.
 */
export type SteamworksPayloadId = bigint | number;

/**
 * What each callback hands its handler: steamworks.js's `CallbackReturns` for the ids lobbykit registers, widened
 * to what arrives (test/types/steamworks-client.check.ts checks every declared payload still fits).
 */
export interface SteamworksCallbackPayloads {
  0: { readonly steam_id: SteamworksPayloadId; readonly flags: { readonly bits: number } };
  /** null: steamworks-rs's unit struct SteamServersConnected (user.rs:383) through serde. */
  1: Record<string, never> | null;
  /** `reason` is a SteamError variant's name ("NoConnection": user.rs:397-400), though steamworks.js declares a number. */
  2: { readonly reason: string | number };
  3: { readonly reason: string | number; readonly still_retrying: boolean };
  4: { readonly lobby: SteamworksPayloadId; readonly member: SteamworksPayloadId; readonly success: boolean };
  /** `member_state_change` arrives as a name ("Entered"), although steamworks.js declares a number. */
  5: {
    readonly lobby: SteamworksPayloadId;
    readonly user_changed: SteamworksPayloadId;
    readonly making_change: SteamworksPayloadId;
    readonly member_state_change: number | string;
  };
  6: { readonly remote: SteamworksPayloadId };
  7: { readonly remote: SteamworksPayloadId; readonly error: number };
  8: { readonly lobby_steam_id: SteamworksPayloadId; readonly friend_steam_id: SteamworksPayloadId };
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
  /** @pipelab/steamworks.js: Steam's P2P channels (its networking.rs:48-108); absent from steamworks.js 0.4. */
  readonly sendP2PPacketOnChannel?: (steamId64: bigint, sendType: SteamworksSendType, data: Buffer, channel: number) => boolean;
  readonly isP2PPacketAvailableOnChannel?: (channel: number) => number;
  readonly readP2PPacketFromChannel?: (size: number, channel: number) => SteamworksP2PPacket;
}

/** @pipelab/steamworks.js: another user's persona name (its friends.rs:8-15); absent from steamworks.js 0.4. */
export interface SteamworksFriends {
  readonly getFriendName: (steamId64: bigint) => string;
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
  readonly friends?: SteamworksFriends;
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
