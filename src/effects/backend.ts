/**
 * The Backend port: one Steam-shaped interface every transport implements (the simulated Steam, the steamworks.js
 * adapter). Commands are synchronous and answer only what is known locally; everything asynchronous arrives later
 * as a typed `BackendEvent`, queued by the backend and handed out in order by `drainEvents` at tick time, so a
 * frame sees one consistent world.
 */

import { isValidChannel } from '../codec/frame.js';
import type { SkipSender } from './inbox.js';
import { isSendType, isSteamId, sendSizeProblem, type LobbyListFilters, type LobbyType, type P2PSendType } from '../steam/index.js';

// Steam's vocabulary is defined once in src/steam; the port re-exports it so backend code finds it beside the port.
export * from '../steam/index.js';
export type { SkipSender } from './inbox.js';

/** Every asynchronous result, one discriminated union, delivered in order. Names follow Steam's callbacks. */
export type BackendEvent =
  /**
   * A success is followed by `lobbyEntered` for that lobby (isteammatchmaking.h, LobbyCreated_t: "a LobbyEnter_t
   * callback will also be received").
   */
  | {
      readonly type: 'lobbyCreated';
      readonly result: number;
      readonly lobbyId: bigint;
      /** Set when the backend had to infer `result` (steamworks.js rejects with a text): what it was told. */
      readonly note?: string;
    }
  | {
      readonly type: 'lobbyEntered';
      readonly lobbyId: bigint;
      readonly response: number;
      readonly locked: boolean;
      /** Set when the backend could not learn Steam's real code (steamworks.js) and reports 5 'error'. */
      readonly note?: string;
    }
  | {
      readonly type: 'lobbyList';
      readonly lobbyIds: readonly bigint[];
      /**
       * false when lobbies that match may be missing: steamworks.js lists at most 50 of the app's lobbies and the
       * filters are applied to those. Absent means complete.
       */
      readonly complete?: boolean;
      /** Set when the request failed (lobbyIds is then empty): what the backend was told. */
      readonly failure?: string;
    }
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
  | { readonly type: 'serversConnected' }
  /** The backend found something wrong with how it is wired into the game; `detail` says how to fix it. */
  | { readonly type: 'backendProblem'; readonly code: BackendProblemCode; readonly detail: string };

/**
 * `callbacks-unshared`: something replaced `client.callback.register` after lobbykit installed its shared one.
 * `callbacks-lost`: lobbykit's own LobbyChatUpdate handler was replaced (a member entered unannounced).
 */
export type BackendProblemCode = 'callbacks-unshared' | 'callbacks-lost';

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
  /**
   * Members in a lobby we are in, or in one a lobby list returned (Steam's GetNumLobbyMembers: a count taken at
   * list time for a lobby we have not joined, as the tutorial's "N Player(s)" shows); 0 when unknown.
   */
  getLobbyMemberCount(lobbyId: bigint): number;
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
  /**
   * The next packet on `channel`, taking senders in turn so a flooding sender cannot starve others. `skip` passes
   * over a sender for now, leaving its packets queued (a reader that spent that sender's share of its work).
   */
  readP2P(channel: number, skip?: SkipSender): P2PPacket | undefined;
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
