/**
 * The root machine's vocabulary: its input and context, the events the runtime sends it (and the two timers it
 * raises for itself), and what it reports besides the peers' own events.
 */
import type { MemberChange } from '../steam/index.js';
import type { ReconnectPolicy } from './backoff.js';
import type { MachineEffects } from './effects.js';
import type { LobbyListEvent } from './lobby-list.machine.js';
import type { LobbyEvent, LobbyTiming } from './lobby.types.js';
import type { MemberTable } from './member-table.js';
import type { PeerOptions } from './peer-pool.js';
import type { PeerSessionEmitted, PeerSessionEvent } from './peer-session.machine.js';
import type { VoteKickEvent, VoteKickTiming } from './vote-kick.types.js';

export type PeerStatus = 'connecting' | 'connected' | 'closed';

export interface SessionInput {
  readonly selfId: bigint;
  readonly lobby?: { readonly timing?: Partial<LobbyTiming>; readonly autoAcceptInvites?: boolean };
  readonly peer?: PeerOptions;
  readonly reconnect?: Partial<ReconnectPolicy>;
  readonly vote?: { readonly timing?: Partial<VoteKickTiming> };
  readonly effects: MachineEffects;
}

/** Where a member whose session closed for good stands in the reconnect policy. */
export interface ReconnectRound {
  /** Rounds tried since their session last connected. */
  readonly round: number;
  /** The timer that starts the next round; a timer whose token is not this one is stale. */
  readonly token: number;
}

export interface SessionContext {
  readonly selfId: bigint;
  readonly effects: MachineEffects;
  readonly peer: PeerOptions;
  readonly lobbyInput: SessionInput['lobby'];
  readonly voteTiming: Partial<VoteKickTiming> | undefined;
  readonly reconnect: ReconnectPolicy;
  /** Remote members of the current lobby (ourselves excluded) and how their session stands. */
  readonly members: MemberTable<PeerStatus>;
  /** How many entries of `members` are 'connected' (kept so "all connected" is O(1)). */
  readonly connectedCount: number;
  /** Members Steam dropped whose seat we hold, each with the token of its expiry timer. */
  readonly away: MemberTable<number>;
  /** Members whose session closed for good, waiting for their next reconnect round. */
  readonly reconnects: MemberTable<ReconnectRound>;
  /** The last timer token handed out (tokens never repeat, so a stale timer is recognised). */
  readonly tokens: number;
  readonly heartbeatIntervalMs: number;
  readonly livenessTimeoutMs: number;
  readonly seatReservationMs: number;
  /** The lobby's owner and owner epoch as last told to the vote-kick actor. */
  readonly lobbyOwner: bigint | undefined;
  readonly lobbyEpoch: number;
}

/** A P2P session request (Steam's P2PSessionRequest). */
export interface SessionRequestEvent {
  readonly type: 'session.request';
  readonly remoteId: bigint;
}

/** The root's own timers (raised by the root with a delay; nothing else sends them). */
export type SessionTimerEvent =
  | { readonly type: 'session.heartbeatDue' }
  | { readonly type: 'session.reconnectDue'; readonly remoteId: bigint; readonly token: number }
  | { readonly type: 'session.seatExpired'; readonly memberId: bigint; readonly token: number };

/** The game asks to reconnect one member whose session closed. */
export interface PeerReconnectEvent {
  readonly type: 'peer.reconnect';
  readonly remoteId: bigint;
}

type WithoutMembers<E> = E extends unknown ? Omit<E, 'members'> : never;

/** Vote commands and arrived vote frames, as the runtime sends them: the root adds the lobby's members. */
export type VoteInputEvent = WithoutMembers<Extract<VoteKickEvent, { readonly members: readonly bigint[] }>>;

/** Everything the runtime sends the root: lobby and list events, member changes, session requests, peer events. */
export type SessionEvent =
  | LobbyEvent
  | LobbyListEvent
  | SessionRequestEvent
  | PeerSessionEvent
  | PeerSessionEmitted
  | PeerReconnectEvent
  | VoteInputEvent
  | SessionTimerEvent;

export type IgnoredCode = 'not-a-member' | 'not-in-lobby' | 'session-closed';

/** What the root reports (XState `emit`), besides the peers' own events, which it passes on unchanged. */
export type SessionEmitted =
  | PeerSessionEmitted
  | { readonly type: 'session.accepted'; readonly remoteId: bigint }
  | { readonly type: 'session.refused'; readonly remoteId: bigint; readonly code: IgnoredCode; readonly reason: string }
  /** A peer event (handshake, silence, session failure) about someone with no live session here: dropped. */
  | {
      readonly type: 'peer.ignored';
      readonly remoteId: bigint;
      readonly event: PeerSessionEvent['type'];
      readonly code: IgnoredCode;
    }
  /** A session that closed for good gets another round of attempts in `inMs` (the member is still here). */
  | { readonly type: 'peer.reconnectScheduled'; readonly remoteId: bigint; readonly round: number; readonly inMs: number }
  /** `peer.reconnect` could not be done. */
  | {
      readonly type: 'peer.reconnectRefused';
      readonly remoteId: bigint;
      readonly code: Exclude<IgnoredCode, 'session-closed'>;
      readonly reason: string;
    }
  | { readonly type: 'member.admitted'; readonly memberId: bigint }
  /** Steam dropped the member; their seat is held for the seat reservation window. */
  | { readonly type: 'member.away'; readonly memberId: bigint }
  /** A member whose seat was held came back: one event instead of a leave and a join. */
  | { readonly type: 'member.reconnected'; readonly memberId: bigint }
  /** The member is gone; `by` is who kicked or banned them (undefined for leaving and disconnecting). */
  | { readonly type: 'member.dismissed'; readonly memberId: bigint; readonly change: MemberChange; readonly by: bigint | undefined };
