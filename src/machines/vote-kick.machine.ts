/**
 * Vote-kick (the tutorial declares LOBBY_VOTE_KICK and never builds it), one vote at a time per lobby:
 *
 *   idle ──start frame from a member, against another member who is not the owner──► open
 *   open ──a majority of the electorate says yes──► passed ──the target is gone──► idle (kicked)
 *        ──so many say no that no majority can come──► idle (rejected)
 *        ──voteTimeout──► idle (expired)        passed ──executeTimeout──► idle (not executed)
 *   open / passed ──the target leaves, or Steam makes them owner, or we leave──► idle
 *
 * The electorate is the lobby's members when the vote opened, not counting the target; the starter's start is
 * their yes. A member who leaves drops out of the electorate with their ballot, so the majority moves with them;
 * members who join later do not vote. The target cannot vote. "Majority" is more than half of the electorate.
 *
 * Members reach each other with frames the runtime carries in lobby chat (the one channel every backend has, and
 * the one Steam stamps with the sender): `start` and `ballot`. Every member's machine counts the same frames, but
 * only the owner acts: when a vote passes, the owner's machine asks (through its `kickByVote` port) the lobby
 * machine for `lobby.kick` under the owner epoch it knows; a kick aimed at an owner who has changed since is refused there as stale, and whoever
 * owns the lobby under the new epoch kicks instead (the root tells this machine of every owner change).
 * Our own commands (`vote.start`, `vote.cast`) only send frames: a vote opens, and a ballot counts, when its frame
 * comes back from Steam. A ballot names its whole vote, so one that overtook the start (chat emulated over P2P keeps
 * each sender's order only) opens the vote itself; the last vote that ended is remembered, so its late start does not.
 */
import { and, assertEvent, assign, emit, enqueueActions, not, raise, setup } from 'xstate';
import { isDeparture } from '../steam/index.js';
import { contextToJson, jsonSafeContext } from './serialize.js';
import {
  DEFAULT_VOTE_KICK_TIMING,
  type OpenVote,
  type VoteEndReason,
  type VoteKickContext,
  type VoteKickEmitted,
  type VoteKickEvent,
  type VoteKickInput,
  type VoteRejectionCode,
} from './vote-kick.types.js';

export * from './vote-kick.types.js';

// ── pure helpers ────────────────────────────────────────────────────────────────────────────────────────────

const REJECTION_TEXT: Readonly<Record<VoteRejectionCode, string>> = {
  'vote-in-progress': 'A vote is already under way; wait for it to end.',
  'no-vote': 'No vote is open.',
  'not-a-member': 'That player is not a member of this lobby.',
  'target-is-owner': 'The lobby owner cannot be voted out.',
  'cannot-target-self': 'You cannot start a vote against yourself.',
  'target-cannot-vote': 'The player a vote is about cannot vote on it.',
  'not-eligible': 'Only members present when the vote opened may vote.',
  'already-voted': 'You have already voted.',
};

/** Yes votes that make a majority: more than half of the electorate. */
export function votesNeeded(electorate: number): number {
  return Math.floor(electorate / 2) + 1;
}

function openVote(context: VoteKickContext): OpenVote {
  if (context.vote === undefined) throw new Error('vote-kick machine: this state always has a vote');
  return context.vote;
}

function hasVoted(vote: OpenVote, member: bigint): boolean {
  return vote.yes.includes(member) || vote.no.includes(member);
}

/**
 * A frame worth opening a vote for: both ends are members, not the same one, the target is not the owner, and it is
 * not the vote that just ended. A ballot opens its vote too when it overtook the start (lobby chat emulated over P2P
 * keeps each sender's order, not the order between senders), if its voter could vote in it.
 */
function opensVote(context: VoteKickContext, event: VoteKickEvent): boolean {
  if (event.type !== 'vote.startReceived' && event.type !== 'vote.ballotReceived') return false;
  const { starter, target, members, voteId } = event;
  const last = context.lastVote;
  if (last !== undefined && last.starter === starter && last.voteId === voteId) return false;
  if (event.type === 'vote.ballotReceived' && (event.voter === target || !members.includes(event.voter))) return false;
  return starter !== target && members.includes(starter) && members.includes(target) && target !== context.ownerId;
}

/** A ballot for this vote, from someone in its electorate who has not voted yet. */
function countsAsBallot(context: VoteKickContext, event: VoteKickEvent): boolean {
  const vote = context.vote;
  if (event.type !== 'vote.ballotReceived' || vote === undefined) return false;
  if (event.starter !== vote.starter || event.voteId !== vote.voteId) return false;
  return vote.electorate.includes(event.voter) && !hasVoted(vote, event.voter);
}

/** Why we cannot start a vote against `target` now, or undefined. */
function startProblem(context: VoteKickContext, event: VoteKickEvent): VoteRejectionCode | undefined {
  assertEvent(event, 'vote.start');
  if (event.target === context.selfId) return 'cannot-target-self';
  if (!event.members.includes(event.target) || !event.members.includes(context.selfId)) return 'not-a-member';
  return event.target === context.ownerId ? 'target-is-owner' : undefined;
}

/** Why our ballot cannot count on the open vote, or undefined. */
function castProblem(context: VoteKickContext): VoteRejectionCode | undefined {
  const vote = openVote(context);
  if (vote.target === context.selfId) return 'target-cannot-vote';
  if (!vote.electorate.includes(context.selfId)) return 'not-eligible';
  return hasVoted(vote, context.selfId) ? 'already-voted' : undefined;
}

function departed(event: VoteKickEvent): bigint | undefined {
  return event.type === 'member.changed' && isDeparture(event.change) ? event.memberId : undefined;
}

function tally(vote: OpenVote): Extract<VoteKickEmitted, { type: 'vote.tally' }> {
  const needed = votesNeeded(vote.electorate.length);
  return { type: 'vote.tally', target: vote.target, yes: vote.yes.length, no: vote.no.length, needed, electorate: vote.electorate };
}

const reject = (command: 'vote.start' | 'vote.cast', code: VoteRejectionCode) => ({ type: 'reject', params: { command, code } }) as const;
const end = (reason: VoteEndReason) => ({ type: 'endVote', params: { reason } }) as const;

/** JSON for graph keys and inspectors: the counters that only grow left out. */
const CONTEXT_JSON = contextToJson(['epoch', 'nextVoteId']);

// ── machine ─────────────────────────────────────────────────────────────────────────────────────────────────

export const voteKickMachine = setup({
  types: {
    context: {} as VoteKickContext,
    events: {} as VoteKickEvent,
    input: {} as VoteKickInput,
    emitted: {} as VoteKickEmitted,
  },
  actions: {
    /** Effect: send our start frame to every member (the vote opens when it comes back). */
    sendStart: ({ context, event }) => {
      assertEvent(event, 'vote.start');
      context.effects.sendVoteFrame({ kind: 'start', voteId: context.nextVoteId, target: event.target });
    },
    /** Effect: send our ballot on the open vote to every member (it counts when it comes back). */
    sendBallot: ({ context, event }) => {
      assertEvent(event, 'vote.cast');
      const vote = openVote(context);
      context.effects.sendVoteFrame({ kind: 'ballot', starter: vote.starter, voteId: vote.voteId, target: vote.target, approve: event.approve });
    },
    /** The owner carries a passed vote out: a kick under the owner epoch this machine knows (checked by the lobby). */
    kickIfOwner: ({ context }) => {
      if (context.ownerId !== context.selfId || context.vote === undefined) return;
      context.effects.kickByVote({ memberId: context.vote.target, epoch: context.epoch });
    },
    countAgain: raise(({ event }) => event),
    countNextVoteId: assign({ nextVoteId: ({ context }) => (context.nextVoteId + 1) >>> 0 }),
    recordOwner: assign(({ event }) => {
      assertEvent(event, 'vote.owner');
      return { ownerId: event.ownerId, epoch: event.epoch };
    }),
    openVote: assign({
      vote: ({ event }) => {
        assertEvent(event, ['vote.startReceived', 'vote.ballotReceived']);
        const electorate = event.members.filter((id) => id !== event.target);
        return { starter: event.starter, voteId: event.voteId, target: event.target, electorate, yes: [event.starter], no: [] };
      },
    }),
    recordBallot: assign({
      vote: ({ context, event }) => {
        assertEvent(event, 'vote.ballotReceived');
        const vote = openVote(context);
        return event.approve ? { ...vote, yes: [...vote.yes, event.voter] } : { ...vote, no: [...vote.no, event.voter] };
      },
    }),
    dropVoter: assign({
      vote: ({ context, event }) => {
        const vote = openVote(context);
        const gone = departed(event);
        const keep = (id: bigint) => id !== gone;
        return { ...vote, electorate: vote.electorate.filter(keep), yes: vote.yes.filter(keep), no: vote.no.filter(keep) };
      },
    }),

    reject: emit((_, params: { command: 'vote.start' | 'vote.cast'; code: VoteRejectionCode }) => ({
      type: 'vote.rejected' as const,
      command: params.command,
      code: params.code,
      reason: REJECTION_TEXT[params.code],
    })),
    rejectStart: emit(({ context, event }) => {
      const code = startProblem(context, event) ?? 'not-a-member';
      return { type: 'vote.rejected' as const, command: 'vote.start' as const, code, reason: REJECTION_TEXT[code] };
    }),
    rejectCast: emit(({ context }) => {
      const code = castProblem(context) ?? 'already-voted';
      return { type: 'vote.rejected' as const, command: 'vote.cast' as const, code, reason: REJECTION_TEXT[code] };
    }),
    reportStarted: emit(({ context }) => {
      const vote = openVote(context);
      return { type: 'vote.started' as const, starter: vote.starter, target: vote.target, electorate: vote.electorate, needed: votesNeeded(vote.electorate.length) };
    }),
    reportTally: emit(({ context }) => tally(openVote(context))),
    reportPassed: emit(({ context }) => {
      const vote = openVote(context);
      return { type: 'vote.passed' as const, target: vote.target, yes: vote.yes.length, electorate: vote.electorate.length };
    }),
    /** The vote is over, for `reason`: reported, and forgotten. */
    endVote: enqueueActions(({ context, enqueue }, params: { reason: VoteEndReason }) => {
      const vote = openVote(context);
      enqueue.emit({ type: 'vote.ended', target: vote.target, reason: params.reason });
      enqueue.assign({ vote: undefined, lastVote: { starter: vote.starter, voteId: vote.voteId } });
    }),
  },
  guards: {
    canStart: ({ context, event }) => startProblem(context, event) === undefined,
    opensVote: ({ context, event }) => opensVote(context, event),
    canCast: ({ context }) => castProblem(context) === undefined,
    countsAsBallot: ({ context, event }) => countsAsBallot(context, event),
    hasMajority: ({ context }) => openVote(context).yes.length >= votesNeeded(openVote(context).electorate.length),
    /** Even if every member yet to vote said yes, no majority would come. */
    cannotPass: ({ context }) => {
      const vote = openVote(context);
      return vote.electorate.length - vote.no.length < votesNeeded(vote.electorate.length);
    },
    targetDeparted: ({ context, event }) => departed(event) === openVote(context).target,
    targetWasExpelled: ({ event }) => event.type === 'member.changed' && (event.change === 'kicked' || event.change === 'banned'),
    voterDeparted: ({ context, event }) => {
      const gone = departed(event);
      return gone !== undefined && openVote(context).electorate.includes(gone);
    },
    targetBecameOwner: ({ context, event }) => event.type === 'vote.owner' && event.ownerId === openVote(context).target,
  },
  delays: {
    voteTimeout: ({ context }) => context.timing.voteTimeoutMs,
    executeTimeout: ({ context }) => context.timing.executeTimeoutMs,
  },
}).createMachine({
  id: 'voteKick',
  context: ({ input }) =>
    jsonSafeContext<VoteKickContext>(
      {
        selfId: input.selfId,
        timing: { ...DEFAULT_VOTE_KICK_TIMING, ...input.timing },
        effects: input.effects,
        ownerId: undefined,
        epoch: 0,
        vote: undefined,
        lastVote: undefined,
        nextVoteId: 1,
      },
      CONTEXT_JSON,
    ),
  initial: 'idle',
  on: {
    'vote.owner': { actions: 'recordOwner' },
  },
  states: {
    idle: {
      on: {
        'vote.start': [{ guard: 'canStart', actions: ['sendStart', 'countNextVoteId'] }, { actions: 'rejectStart' }],
        'vote.cast': { actions: reject('vote.cast', 'no-vote') },
        'vote.startReceived': { guard: 'opensVote', target: 'open', actions: 'openVote' },
        // The ballot overtook its start: it opens the vote, then counts in it.
        'vote.ballotReceived': { guard: 'opensVote', target: 'open', actions: ['openVote', 'countAgain'] },
      },
    },
    open: {
      entry: 'reportStarted',
      always: [
        { guard: 'hasMajority', target: 'passed' },
        { guard: 'cannotPass', target: 'idle', actions: end('rejected') },
      ],
      after: {
        voteTimeout: { target: 'idle', actions: end('expired') },
      },
      on: {
        'vote.start': { actions: reject('vote.start', 'vote-in-progress') },
        'vote.cast': [{ guard: 'canCast', actions: 'sendBallot' }, { actions: 'rejectCast' }],
        'vote.ballotReceived': { guard: 'countsAsBallot', actions: ['recordBallot', 'reportTally'] },
        'member.changed': [
          { guard: and(['targetDeparted', 'targetWasExpelled']), target: 'idle', actions: end('kicked') },
          { guard: 'targetDeparted', target: 'idle', actions: end('target-left') },
          { guard: 'voterDeparted', actions: ['dropVoter', 'reportTally'] },
        ],
        'vote.owner': [
          { guard: 'targetBecameOwner', target: 'idle', actions: ['recordOwner', end('target-is-owner')] },
          { actions: 'recordOwner' },
        ],
        'vote.reset': { target: 'idle', actions: end('lobby-left') },
      },
    },
    passed: {
      entry: ['reportPassed', 'kickIfOwner'],
      after: {
        executeTimeout: { target: 'idle', actions: end('not-executed') },
      },
      on: {
        'vote.start': { actions: reject('vote.start', 'vote-in-progress') },
        'vote.cast': { actions: reject('vote.cast', 'no-vote') },
        'member.changed': [
          { guard: and(['targetDeparted', 'targetWasExpelled']), target: 'idle', actions: end('kicked') },
          { guard: 'targetDeparted', target: 'idle', actions: end('target-left') },
        ],
        // A new owner (or a new epoch of ours) carries the kick out under the epoch it holds now.
        'vote.owner': [
          { guard: 'targetBecameOwner', target: 'idle', actions: ['recordOwner', end('target-is-owner')] },
          { guard: not('targetBecameOwner'), actions: ['recordOwner', 'kickIfOwner'] },
        ],
        'vote.reset': { target: 'idle', actions: end('lobby-left') },
      },
    },
  },
});
