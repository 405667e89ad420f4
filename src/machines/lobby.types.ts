/**
 * The lobby machine's vocabulary: its input, context, the events the runtime sends it (the game's commands, then
 * Steam's results), what it emits, and the typed failures and reasons those carry.
 */
import type { EnterFailure, LobbyType, MemberChange } from '../steam/index.js';
import type { LobbyEffects } from './effects.js';

export interface LobbyTiming {
  /** How long a create or join waits for Steam's result before giving up (a late result is then left at once). */
  readonly requestTimeoutMs: number;
  /** How long leaving waits for the runtime's `lobby.left` before settling anyway. */
  readonly leaveTimeoutMs: number;
  /** How long a lobby list request waits for its result. */
  readonly listTimeoutMs: number;
  /**
   * Seat reservation: how long a seat is held when Steam drops a member (ourselves included) while P2P may still
   * work. We rejoin within it and report one `lifecycle.reconnected`; others see one `member.reconnected`. 0: off.
   */
  readonly seatReservationMs: number;
  /** While reconnecting: the pause between two rejoin attempts that failed. */
  readonly rejoinIntervalMs: number;
}

export const DEFAULT_LOBBY_TIMING: LobbyTiming = {
  requestTimeoutMs: 20_000,
  leaveTimeoutMs: 2_000,
  listTimeoutMs: 10_000,
  seatReservationMs: 20_000,
  rejoinIntervalMs: 2_000,
};

/** Pending invites kept at most (the oldest goes first): a friend spamming invites cannot grow the context. */
export const MAX_PENDING_INVITES = 16;

/** A friend's invite (Steam's LobbyInvite, the tutorial's `lobby_invite`): who sent it, to which lobby. */
export interface LobbyInvite {
  readonly lobbyId: bigint;
  readonly from: bigint;
}

export interface LobbyInput {
  /** Our own Steam ID. */
  readonly selfId: bigint;
  readonly timing?: Partial<LobbyTiming>;
  /** Join an invite's lobby as soon as it arrives, when in no lobby and nothing is in flight (default false). */
  readonly autoAcceptInvites?: boolean;
  readonly effects: LobbyEffects;
}

export interface CreateLobbyRequest {
  readonly lobbyType: LobbyType;
  readonly maxMembers: number;
  /** Lobby data set once the lobby exists (the seed sets "name" and "mode"). */
  readonly data?: Readonly<Record<string, string>>;
}

/** Where a join came from; invites and join requests are Steam's, `launch` is `+connect_lobby <id>`. */
export type JoinSource = 'user' | 'invite' | 'join-requested' | 'launch';

export type LeaveReason =
  | { readonly code: 'user'; readonly reason: string }
  | { readonly code: 'switching'; readonly reason: string; readonly nextLobbyId: bigint }
  | { readonly code: 'kicked'; readonly reason: string; readonly by: bigint | undefined }
  | { readonly code: 'banned'; readonly reason: string; readonly by: bigint | undefined }
  | { readonly code: 'disconnected'; readonly reason: string }
  | { readonly code: 'lobby-gone'; readonly reason: string }
  | { readonly code: 'servers-lost'; readonly reason: string }
  /** The seat reservation window ran out before we got back into the lobby. */
  | { readonly code: 'reconnect-failed'; readonly reason: string };

/** Why we are reconnecting: Steam's servers went away, or Steam dropped us from the lobby (servers still there). */
export type AwayCause = 'servers-lost' | 'disconnected';

export type CreateFailure =
  | { readonly code: 'create-failed'; readonly result: number; readonly reason: string }
  | { readonly code: 'timeout'; readonly reason: string }
  | { readonly code: 'servers-lost'; readonly reason: string }
  /** The backend refused the request before asking Steam (its reason says why). */
  | { readonly code: 'backend-refused'; readonly reason: string };

export type JoinFailure =
  | { readonly code: 'enter-response'; readonly lobbyId: bigint; readonly failure: EnterFailure; readonly reason: string }
  | { readonly code: 'timeout'; readonly lobbyId: bigint; readonly reason: string }
  | { readonly code: 'servers-lost'; readonly lobbyId: bigint; readonly reason: string }
  | { readonly code: 'backend-refused'; readonly lobbyId: bigint; readonly reason: string };

export type RejectionCode =
  /** A create, join or leave is still in flight. */
  | 'busy'
  | 'already-in-lobby'
  | 'not-in-lobby'
  | 'not-owner'
  /** The command names an owner epoch that is over: the owner changed (or the lobby did) since it was issued. */
  | 'stale-epoch'
  | 'invalid-lobby-id'
  | 'invalid-request'
  /** A lobby list request is already waiting for its result. */
  | 'list-in-flight'
  /** `acceptInvite` named an invite that never arrived (or was already used). */
  | 'no-such-invite'
  /** We are getting back into the lobby after Steam dropped us: owner commands wait until we are back. */
  | 'reconnecting';

/** Events the runtime sends: the game's commands first, then Steam's results. */
export type LobbyEvent =
  | ({ readonly type: 'lobby.create' } & CreateLobbyRequest)
  | { readonly type: 'lobby.join'; readonly lobbyId: bigint }
  | { readonly type: 'lobby.leave' }
  | { readonly type: 'lobby.kick'; readonly memberId: bigint; readonly epoch: number }
  | { readonly type: 'lobby.ban'; readonly memberId: bigint; readonly epoch: number }
  | { readonly type: 'lobby.start'; readonly epoch: number }
  /** Steam: a friend invited us (LobbyInvite). Recorded and reported; joined only when accepted. */
  | { readonly type: 'lobby.invited'; readonly lobbyId: bigint; readonly from: bigint }
  /** The player accepts an invite that arrived: a deliberate join, like `lobby.join`. */
  | { readonly type: 'lobby.acceptInvite'; readonly lobbyId: bigint; readonly from: bigint }
  /** Steam: the player chose "Join game" in Steam's UI while the game runs (GameLobbyJoinRequested). */
  | { readonly type: 'lobby.joinRequested'; readonly lobbyId: bigint; readonly friendId: bigint }
  /** The process's command line, once at start (may hold `+connect_lobby <id>`). */
  | { readonly type: 'lobby.launchArgs'; readonly argv: readonly string[] }
  /** Steam: LobbyCreated; `result` 1 is OK (EResult). */
  | { readonly type: 'lobby.created'; readonly result: number; readonly lobbyId: bigint }
  /** The backend refused to ask Steam for a lobby. */
  | { readonly type: 'lobby.createRefused'; readonly reason: string }
  /** Steam: LobbyEnter, with the owner and members the runtime read right after it (when it could). */
  | {
      readonly type: 'lobby.entered';
      readonly lobbyId: bigint;
      readonly response: number;
      readonly ownerId?: bigint;
      readonly members?: readonly bigint[];
    }
  /** The backend refused to ask Steam to join `lobbyId`. */
  | { readonly type: 'lobby.joinRefused'; readonly lobbyId: bigint; readonly reason: string }
  /** The runtime saw a new owner (Steam reports it through a lobby data update). */
  | { readonly type: 'lobby.ownerChanged'; readonly lobbyId: bigint; readonly ownerId: bigint }
  /** The lobby no longer exists (or we are no longer in it, as Steam reports). */
  | { readonly type: 'lobby.gone'; readonly lobbyId: bigint }
  /** The backend finished leaving (for Steam's synchronous leaveLobby: right after the call). */
  | { readonly type: 'lobby.left' }
  /** A lobby chat update (only the ones about us matter here; the root handles other members). */
  | {
      readonly type: 'member.changed';
      readonly memberId: bigint;
      readonly change: MemberChange;
      readonly changedBy?: bigint;
    }
  | { readonly type: 'steam.serversDisconnected' }
  /** Steam's servers are back (SteamServersConnected): a reconnecting lobby rejoins. */
  | { readonly type: 'steam.serversConnected' };

export type LobbyCommandType = LobbyEvent['type'];

/** What the machine reports (XState `emit`; listen with `actor.on(type, …)`). */
export type LobbyEmitted =
  | {
      readonly type: 'lifecycle.entered';
      readonly lobbyId: bigint;
      readonly role: 'owner' | 'member';
      readonly ownerId: bigint | undefined;
      readonly epoch: number;
      /**
       * The members Steam listed as we entered (ourselves included): the one read the peer sessions are opened
       * from, so the game is told the same list.
       */
      readonly members: readonly bigint[];
    }
  | { readonly type: 'lifecycle.createFailed'; readonly failure: CreateFailure }
  | { readonly type: 'lifecycle.joinFailed'; readonly failure: JoinFailure }
  | { readonly type: 'lifecycle.cancelled'; readonly what: 'create' }
  | { readonly type: 'lifecycle.cancelled'; readonly what: 'join'; readonly lobbyId: bigint }
  /** A lobby we no longer wanted (cancelled, timed out, or not the one we asked for) was entered and left at once. */
  | { readonly type: 'lifecycle.strayLeft'; readonly lobbyId: bigint }
  | { readonly type: 'lifecycle.left'; readonly lobbyId: bigint; readonly reason: LeaveReason }
  | {
      readonly type: 'lifecycle.ownerChanged';
      readonly lobbyId: bigint;
      readonly ownerId: bigint;
      readonly epoch: number;
      readonly isSelf: boolean;
    }
  /** An invite arrived: the game shows it and calls `acceptInvite` (or ignores it). */
  | { readonly type: 'lifecycle.inviteReceived'; readonly lobbyId: bigint; readonly from: bigint }
  /** Steam dropped us from the lobby; our seat is held while we rejoin (owner commands wait, `epoch` moved on). */
  | { readonly type: 'lifecycle.reconnecting'; readonly lobbyId: bigint; readonly cause: AwayCause; readonly epoch: number }
  /** Back in the lobby within the window: one event instead of a leave and a join. The owner is Steam's. */
  | {
      readonly type: 'lifecycle.reconnected';
      readonly lobbyId: bigint;
      readonly role: 'owner' | 'member';
      readonly ownerId: bigint | undefined;
      readonly epoch: number;
      /** The members Steam listed when we got back (ourselves included). */
      readonly members: readonly bigint[];
    }
  | {
      readonly type: 'lifecycle.rejected';
      readonly command: LobbyCommandType;
      readonly code: RejectionCode;
      readonly reason: string;
    };

export interface LobbyContext {
  readonly selfId: bigint;
  readonly timing: LobbyTiming;
  readonly effects: LobbyEffects;
  /** The lobby we are in (joined/leaving), or undefined. */
  readonly lobbyId: bigint | undefined;
  /** What creating is waiting for. */
  readonly createRequest: CreateLobbyRequest | undefined;
  /** The lobby joining (or abandoningJoin) is waiting for. */
  readonly targetLobbyId: bigint | undefined;
  readonly joinSource: JoinSource | undefined;
  /** A lobby to join once leaving completes (switching lobbies). */
  readonly nextJoin: { readonly lobbyId: bigint; readonly source: JoinSource } | undefined;
  readonly leaveReason: LeaveReason | undefined;
  readonly ownerId: bigint | undefined;
  /** Grows on every entry and owner change; owner-only commands must carry the current one. */
  readonly epoch: number;
  /** Members (ourselves included) when we entered; later changes are the root's business. */
  readonly roster: readonly bigint[];
  readonly autoAcceptInvites: boolean;
  /** Invites that arrived and were not accepted yet, oldest first, at most MAX_PENDING_INVITES. */
  readonly invites: readonly LobbyInvite[];
  /** Why we are reconnecting (set while in joined.reconnecting). */
  readonly awayCause: AwayCause | undefined;
  /**
   * The lobby a stray create made for us, already left and reported, until Steam's LobbyEnter for it (sent to
   * the creator after LobbyCreated) arrives: that one is no second stray. Kept whatever state we move through.
   */
  readonly strayLobbyId: bigint | undefined;
}
