/**
 * The vote-kick machine's vocabulary: its input and timing, the frames members send each other (through lobby chat,
 * see vote-kick.machine.ts), the events the root sends it, and what it reports.
 */
import type { MemberChange } from '../steam/index.js';
import type { VoteKickEffects } from './effects.js';

export interface VoteKickTiming {
  /** How long a vote stays open for ballots. */
  readonly voteTimeoutMs: number;
  /** How long a passed vote waits for the owner's kick before it is given up as not executed. */
  readonly executeTimeoutMs: number;
}

export const DEFAULT_VOTE_KICK_TIMING: VoteKickTiming = {
  voteTimeoutMs: 30_000,
  executeTimeoutMs: 10_000,
};

export interface VoteKickInput {
  readonly selfId: bigint;
  readonly timing?: Partial<VoteKickTiming>;
  readonly effects: VoteKickEffects;
}

/** The vote under way: who started it (the starter's ballot is a yes), against whom, and who may vote. */
export interface OpenVote {
  readonly starter: bigint;
  readonly voteId: number;
  readonly target: bigint;
  /** The members when the vote opened, not counting the target; a member who leaves drops out with their ballot. */
  readonly electorate: readonly bigint[];
  readonly yes: readonly bigint[];
  readonly no: readonly bigint[];
}

export interface VoteKickContext {
  readonly selfId: bigint;
  readonly timing: VoteKickTiming;
  readonly effects: VoteKickEffects;
  /** The lobby's owner and owner epoch, as the lobby machine last had them (the root keeps them in step). */
  readonly ownerId: bigint | undefined;
  readonly epoch: number;
  readonly vote: OpenVote | undefined;
  /** The last vote that ended, so its late frames (a start overtaken by a ballot) open nothing. */
  readonly lastVote: { readonly starter: bigint; readonly voteId: number } | undefined;
  /** The id our next vote gets. */
  readonly nextVoteId: number;
}

/**
 * Events the root sends. Commands (`vote.start`, `vote.cast`) and arrived frames (`vote.startReceived`, `vote.ballotReceived`)
 * carry `members`, the lobby's present members as the root knows them (ourselves included).
 */
export type VoteKickEvent =
  /** The game asks to start a vote against `target`. */
  | { readonly type: 'vote.start'; readonly target: bigint; readonly members: readonly bigint[] }
  /** The game casts our ballot on the open vote. */
  | { readonly type: 'vote.cast'; readonly approve: boolean; readonly members: readonly bigint[] }
  /** A start frame arrived from `starter`. */
  | {
      readonly type: 'vote.startReceived';
      readonly starter: bigint;
      readonly voteId: number;
      readonly target: bigint;
      readonly members: readonly bigint[];
    }
  /** A ballot frame arrived from `voter`. */
  | {
      readonly type: 'vote.ballotReceived';
      readonly voter: bigint;
      readonly starter: bigint;
      readonly voteId: number;
      readonly target: bigint;
      readonly approve: boolean;
      readonly members: readonly bigint[];
    }
  /** The lobby's owner or owner epoch changed (the root sends it from the lobby machine's snapshots). */
  | { readonly type: 'vote.owner'; readonly ownerId: bigint | undefined; readonly epoch: number }
  /** Someone else's membership changed. */
  | { readonly type: 'member.changed'; readonly memberId: bigint; readonly change: MemberChange; readonly changedBy?: bigint }
  /** We left the lobby: any vote ends. */
  | { readonly type: 'vote.reset' };

export type VoteEndReason =
  /** The owner kicked the target. */
  | 'kicked'
  /** The vote ran out of time without a majority. */
  | 'expired'
  /** So many voted no that no majority can come. */
  | 'rejected'
  /** The target left (or was removed otherwise) before the kick. */
  | 'target-left'
  /** Steam made the target the owner: an owner cannot be kicked. */
  | 'target-is-owner'
  /** The vote passed but no kick came in time (the owner does not run lobbykit, or its kick was refused). */
  | 'not-executed'
  | 'lobby-left';

export type VoteRejectionCode =
  | 'vote-in-progress'
  | 'no-vote'
  | 'not-a-member'
  | 'target-is-owner'
  | 'cannot-target-self'
  | 'target-cannot-vote'
  | 'not-eligible'
  | 'already-voted';

/** What the machine reports (XState `emit`), as `votes$` publishes it. */
export type VoteKickEmitted =
  | {
      readonly type: 'vote.started';
      readonly starter: bigint;
      readonly target: bigint;
      readonly electorate: readonly bigint[];
      /** Yes votes that make a majority of the electorate. */
      readonly needed: number;
    }
  | {
      readonly type: 'vote.tally';
      readonly target: bigint;
      readonly yes: number;
      readonly no: number;
      readonly needed: number;
      readonly electorate: readonly bigint[];
    }
  | { readonly type: 'vote.passed'; readonly target: bigint; readonly yes: number; readonly electorate: number }
  | { readonly type: 'vote.ended'; readonly target: bigint; readonly reason: VoteEndReason }
  | {
      readonly type: 'vote.rejected';
      readonly command: 'vote.start' | 'vote.cast';
      readonly code: VoteRejectionCode;
      readonly reason: string;
    };
