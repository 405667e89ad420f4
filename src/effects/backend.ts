/**
 * The Backend port: one Steam-shaped interface every transport implements (the simulated Steam, the steamworks.js
 * adapter). Commands are synchronous and answer only what is known locally; everything asynchronous arrives later
 * as a typed `BackendEvent`, queued by the backend and handed out in order by `drainEvents` at tick time, so a
 * frame sees one consistent world.
 */

import { isValidChannel } from '../codec/frame.js';
import { MAX_RELIABLE_BYTES, MAX_UNRELIABLE_BYTES } from '../codec/packet-codec.js';
import { enterFailure, ENTER_RESPONSE_SUCCESS } from '../machines/enter-response.js';
import {
  isSteamId,
  LobbyType,
  MAX_LOBBY_DATA_KEY_LENGTH,
  MAX_LOBBY_MEMBERS,
  type LobbyListFilters,
} from '../machines/lobby-request.js';
import { sessionErrorInfo } from '../machines/session-error.js';

// Steam's vocabulary (lobby types, limits, filters, reason texts) is defined once, beside the machines that reason
// about it; the port re-exports it so backend code and users find everything in one place. steamworks.js aborts
// the process above MAX_LOBBY_MEMBERS, so every backend refuses first.
export { isSteamId, LobbyType, MAX_LOBBY_DATA_KEY_LENGTH, MAX_LOBBY_MEMBERS };
export type { LobbyListFilters, NumericComparison } from '../machines/lobby-request.js';
/** Lobby chat messages: 4 KB, text or binary. */
export const MAX_LOBBY_CHAT_BYTES = 4096;
/** Lobby data values: k_cubChatMetadataMax bytes of UTF-8 (Steamworks SDK isteamfriends.h). */
export const MAX_LOBBY_DATA_VALUE_BYTES = 8192;
// Steam's send limits (unreliable types 0/1: 1200 B; reliable types 2/3: 1 MiB) are the codec's, which refuses
// oversize frames before they reach a backend.
export { MAX_RELIABLE_BYTES, MAX_UNRELIABLE_BYTES };
/** The seed's PACKET_READ_LIMIT. */
export const DEFAULT_PACKET_READ_LIMIT = 32;

/** EChatRoomEnterResponse. */
export const EnterResponse = {
  success: 1,
  doesntExist: 2,
  notAllowed: 3,
  full: 4,
  error: 5,
  banned: 6,
  limited: 7,
  clanDisabled: 8,
  communityBan: 9,
  memberBlockedYou: 10,
  youBlockedMember: 11,
  noRankingDataLobby: 12,
  noRankingDataUser: 13,
  rankOutOfRange: 14,
  rateLimitExceeded: 15,
} as const;
export type EnterResponse = (typeof EnterResponse)[keyof typeof EnterResponse];

/** The seed's text for an enter response; unknown codes stay readable. */
export function enterResponseReason(code: number): string {
  return code === ENTER_RESPONSE_SUCCESS ? 'Success.' : enterFailure(code).reason;
}

/** Bits of LobbyChatUpdate's member state change. */
export const ChatMemberStateChange = {
  entered: 0x1,
  left: 0x2,
  disconnected: 0x4,
  kicked: 0x8,
  banned: 0x10,
} as const;
export type ChatMemberStateChange = (typeof ChatMemberStateChange)[keyof typeof ChatMemberStateChange];

/** ISteamNetworking send types. */
export const P2PSendType = { unreliable: 0, unreliableNoDelay: 1, reliable: 2, reliableWithBuffering: 3 } as const;
export type P2PSendType = (typeof P2PSendType)[keyof typeof P2PSendType];

/** EP2PSessionError values Steam still sends. */
export const P2PSessionError = { none: 0, noRightsToApp: 2, timeout: 4, max: 5 } as const;
export type P2PSessionError = (typeof P2PSessionError)[keyof typeof P2PSessionError];

/** The seed's text for a P2P session error. */
export function sessionErrorReason(code: number): string {
  return sessionErrorInfo(code).reason;
}

/** EResult values a lobby creation reports. */
export const CreateLobbyResult = { ok: 1, fail: 2, noConnection: 3, timeout: 16, limitExceeded: 25 } as const;

/** EPersonaChange flag for a name change. */
export const PERSONA_CHANGE_NAME = 0x1;

/** Steam's answer for a persona it has not sent us yet. */
export const UNKNOWN_PERSONA_NAME = '[unknown]';

/** Every asynchronous result, one discriminated union, delivered in order. Names follow Steam's callbacks. */
export type BackendEvent =
  | { readonly type: 'lobbyCreated'; readonly result: number; readonly lobbyId: bigint }
  | {
      readonly type: 'lobbyEntered';
      readonly lobbyId: bigint;
      readonly response: number;
      readonly locked: boolean;
      /** Set when the backend could not learn Steam's real code (steamworks.js) and reports 5 'error'. */
      readonly note?: string;
    }
  | { readonly type: 'lobbyList'; readonly lobbyIds: readonly bigint[] }
  /** `memberId === lobbyId` for lobby data (and owner changes); a member's id for member data. */
  | { readonly type: 'lobbyDataUpdate'; readonly lobbyId: bigint; readonly memberId: bigint; readonly success: boolean }
  | {
      readonly type: 'lobbyChatUpdate';
      readonly lobbyId: bigint;
      readonly changed: bigint;
      readonly changedBy: bigint;
      /** ChatMemberStateChange bits. */
      readonly state: number;
    }
  | { readonly type: 'lobbyChatMessage'; readonly lobbyId: bigint; readonly from: bigint; readonly bytes: Uint8Array }
  | { readonly type: 'lobbyKicked'; readonly lobbyId: bigint; readonly by: bigint; readonly dueToDisconnect: boolean }
  | { readonly type: 'lobbyInvite'; readonly lobbyId: bigint; readonly from: bigint }
  | { readonly type: 'joinRequested'; readonly lobbyId: bigint; readonly friendId: bigint }
  | { readonly type: 'personaChange'; readonly userId: bigint; readonly flags: number }
  | { readonly type: 'p2pSessionRequest'; readonly remote: bigint }
  | { readonly type: 'p2pConnectFail'; readonly remote: bigint; readonly error: number }
  | { readonly type: 'serversDisconnected'; readonly reason: number }
  | { readonly type: 'serversConnected' };

export type BackendEventType = BackendEvent['type'];

/** How a backend provides a feature. */
export type Support = 'native' | 'emulated' | 'absent';

export interface BackendCapabilities {
  /** create / join / leave / list / members / owner. */
  readonly lobbies: Support;
  /** string, numerical, near, slots, result-count filters. */
  readonly lobbyListFilters: Support;
  readonly lobbyListDistance: Support;
  readonly lobbyData: Support;
  readonly memberData: Support;
  /** Every EChatRoomEnterResponse code, rather than a generic 5 'error'. */
  readonly enterResponseCodes: Support;
  readonly kickAndBan: Support;
  /** Sending invites and receiving the lobbyInvite event. */
  readonly invites: Support;
  readonly joinRequested: Support;
  readonly lobbyChat: Support;
  /** Persona names of other users (and their late arrival). */
  readonly personaNames: Support;
  readonly p2p: Support;
  readonly p2pChannels: Support;
  readonly closeSession: Support;
  readonly relayControl: Support;
  readonly serverStatus: Support;
  readonly launchArgs: Support;
}

export type CapabilityName = keyof BackendCapabilities;

/** Why a command returned false. */
export type RefusalCode =
  | 'invalid-argument'
  | 'too-large'
  | 'not-a-member'
  | 'not-owner'
  | 'unknown-lobby'
  | 'channel-mismatch'
  | 'unsupported'
  | 'no-connection'
  | 'native-error';

export interface Refusal {
  readonly code: RefusalCode;
  /** A sentence a developer can act on. */
  readonly detail: string;
}

/**
 * A packet as read, the reader's to keep. Its bytes are read-only: the simulator gives the recipients of one send
 * (and a duplicated datagram's twins) the same bytes.
 */
export interface P2PPacket {
  readonly from: bigint;
  readonly bytes: Uint8Array;
  /** Optional, from transports that queue per sender: see SenderMemo. */
  readonly sender?: SenderMemo;
}

/**
 * A transport's handle on one sender's queue, the same object on every packet `from` that sender on one channel
 * while the transport keeps the queue. A reader may keep on it what it looked up for that sender (`memo`, valid
 * while `memoKey` is the reader's current key), so the next packet skips the lookup. Only a cache: the sender is
 * still `from`, and a reader checks that what it kept is for `from`.
 */
export interface SenderMemo {
  memoKey: unknown;
  memo: unknown;
}

export interface Backend {
  readonly kind: 'simulated' | 'steamworks' | 'loopback';
  readonly capabilities: BackendCapabilities;

  /** The reason the most recent command that returned false (or was ignored) was refused. */
  lastRefusal(): Refusal | undefined;

  // Local user
  localUserId(): bigint;
  localUserName(): string;
  /** '[unknown]' until Steam has sent the persona (non-friends arrive late through a personaChange event). */
  personaName(userId: bigint): string;
  /** Launch arguments, e.g. ['+connect_lobby', '109775241021923328']. */
  launchArgs(): readonly string[];

  // Events
  /** Does the backend's I/O for this tick (steamworks.js: pulls native packets into the fair inbox). */
  poll(): void;
  /** Hands every event queued before the call to `sink`, in order; returns how many. Events queued meanwhile wait. */
  drainEvents(sink: (event: BackendEvent) => void): number;
  pendingEvents(): number;

  // Lobbies
  createLobby(lobbyType: LobbyType, maxMembers: number): boolean;
  joinLobby(lobbyId: bigint): boolean;
  leaveLobby(lobbyId: bigint): boolean;
  requestLobbyList(filters?: LobbyListFilters): boolean;
  getLobbyMembers(lobbyId: bigint): readonly bigint[];
  /** 0n when unknown. */
  getLobbyOwner(lobbyId: bigint): bigint;
  /** 0 when unknown. */
  getLobbyMemberLimit(lobbyId: bigint): number;
  /** '' when unset, as Steam. */
  getLobbyData(lobbyId: bigint, key: string): string;
  getAllLobbyData(lobbyId: bigint): Readonly<Record<string, string>>;
  setLobbyData(lobbyId: bigint, key: string, value: string): boolean;
  deleteLobbyData(lobbyId: bigint, key: string): boolean;
  getLobbyMemberData(lobbyId: bigint, memberId: bigint, key: string): string;
  setLobbyMemberData(lobbyId: bigint, key: string, value: string): boolean;
  setLobbyJoinable(lobbyId: bigint, joinable: boolean): boolean;
  kickLobbyMember(lobbyId: bigint, memberId: bigint): boolean;
  banLobbyMember(lobbyId: bigint, memberId: bigint): boolean;
  inviteUserToLobby(lobbyId: bigint, userId: bigint): boolean;
  sendLobbyChat(lobbyId: bigint, bytes: Uint8Array): boolean;

  // P2P
  sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean;
  /**
   * Optional: routes, for sending to a member again and again without naming them by id (see P2PRoutes). A runtime
   * uses them only when `p2pRoutes.backend` is the very object it was given.
   */
  readonly p2pRoutes?: P2PRoutes;
  /** Size of the next packet on `channel`, 0 when none. */
  availableP2P(channel: number): number;
  /** The next packet on `channel`, taking senders in turn so a flooding sender cannot starve others. */
  readP2P(channel: number): P2PPacket | undefined;
  /** Channels that have unread packets, in first-arrival order (a live view: do not keep it across calls). */
  channelsWithPackets(): readonly number[];
  /** Unread packets on all channels. */
  pendingPackets(): number;
  acceptSession(remote: bigint): boolean;
  closeSession(remote: bigint): boolean;
  allowRelay(allow: boolean): boolean;

  /** Stops listening (the game is quitting); the backend is unusable afterwards. */
  dispose(): void;
}

export function isSendType(value: unknown): value is P2PSendType {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

/** Why a send of `length` bytes with `sendType` breaks Steam's size limits, or undefined. */
export function sendSizeProblem(length: number, sendType: P2PSendType): string | undefined {
  const reliable = sendType >= 2;
  const limit = reliable ? MAX_RELIABLE_BYTES : MAX_UNRELIABLE_BYTES;
  if (length <= limit) return undefined;
  return `${reliable ? 'reliable' : 'unreliable'} sends are limited to ${limit} bytes, got ${length}`;
}

/**
 * A backend's fast path for the sends a runtime makes to each member many times a second. `sendP2P` starts from the
 * remote id, a bigint the backend must check and look up; a route is a small number the backend handed out for
 * that user, so a send through it starts from the backend's own state. Sending through a route does exactly what
 * `sendP2P` to that user does, refusals included.
 *
 * `backend` is the object whose routes these are. A runtime uses them only when it holds that same object, so a
 * wrapper around a backend (a Proxy that counts `sendP2P`, say, as the demo's traffic counter is) is never
 * bypassed: its `p2pRoutes` still names the wrapped backend, and the runtime sends through `sendP2P` instead.
 */
export interface P2PRoutes {
  readonly backend: Backend;
  /** A route to `to`, or undefined until the backend has a path to them (the simulator makes one at the first send). */
  routeTo(to: bigint): number | undefined;
  /** Sends as `sendP2P(to, …)` would, to the user the route was made for; refuses a route this backend did not make. */
  send(route: number, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean;
}

/**
 * Why `sendP2P(to, bytes, sendType, channel)` must be refused before anything is sent, or undefined. Every
 * backend checks the same things first, because native code aborts on a bad id and Steam drops oversize packets.
 */
export function sendP2PProblem(to: unknown, bytes: unknown, sendType: unknown, channel: unknown): Refusal | undefined {
  if (!isSteamId(to)) return { code: 'invalid-argument', detail: `remote id must be a positive 64-bit bigint, got ${String(to)}` };
  return sendPayloadProblem(bytes, sendType, channel);
}

/** The checks of sendP2PProblem that do not concern the remote id (a route send has none to check). */
export function sendPayloadProblem(bytes: unknown, sendType: unknown, channel: unknown): Refusal | undefined {
  if (!isSendType(sendType)) return { code: 'invalid-argument', detail: `send type must be 0..3, got ${String(sendType)}` };
  if (!isValidChannel(channel)) {
    return { code: 'invalid-argument', detail: `channel must be an integer in 0..2^31-1, got ${String(channel)}` };
  }
  if (!(bytes instanceof Uint8Array)) return { code: 'invalid-argument', detail: 'packets are bytes (Uint8Array)' };
  const tooLarge = sendSizeProblem(bytes.length, sendType);
  return tooLarge === undefined ? undefined : { code: 'too-large', detail: tooLarge };
}

/** Why a lobby creation request is malformed, or undefined. */
export function createLobbyProblem(lobbyType: unknown, maxMembers: unknown): string | undefined {
  if (lobbyType !== 0 && lobbyType !== 1 && lobbyType !== 2 && lobbyType !== 3) {
    return `lobby type must be 0..3, got ${String(lobbyType)}`;
  }
  if (typeof maxMembers !== 'number' || !Number.isInteger(maxMembers) || maxMembers < 1 || maxMembers > MAX_LOBBY_MEMBERS) {
    return `max members must be an integer in 1..${MAX_LOBBY_MEMBERS}, got ${String(maxMembers)}`;
  }
  return undefined;
}

export function lobbyDataKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_LOBBY_DATA_KEY_LENGTH) {
    return `lobby data keys must be strings of 1..${MAX_LOBBY_DATA_KEY_LENGTH} characters`;
  }
  return undefined;
}

/** Why a lobby (or member) data value is refused, or undefined: strings of at most 8,192 bytes of UTF-8. */
export function lobbyDataValueProblem(value: unknown): Refusal | undefined {
  if (typeof value !== 'string') return { code: 'invalid-argument', detail: 'lobby data values are strings' };
  // A UTF-16 unit is one to three bytes of UTF-8 (a pair of them four): encode only when the length cannot tell.
  const max = MAX_LOBBY_DATA_VALUE_BYTES;
  if (value.length * 3 <= max) return undefined;
  const bytes = value.length > max ? value.length : new TextEncoder().encode(value).length;
  if (bytes <= max) return undefined;
  return { code: 'too-large', detail: `lobby data values are limited to ${max} bytes of UTF-8, got at least ${bytes}` };
}
