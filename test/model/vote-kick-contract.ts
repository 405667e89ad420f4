/**
 * The vote-kick machine's contract, from docs/capabilities.md ("Kicks, bans and vote-kicks without Steam's kick":
 * anyone may start a vote against another member who is not the owner, one vote at a time, starting is a yes; the
 * electorate is the members present when the vote opened, not counting the target, who cannot vote; a member who
 * leaves drops out with their ballot; more than half of the electorate passes it, it is rejected as soon as that
 * cannot happen, and it expires after `voteTimeoutMs`; the owner carries a passed vote out as a kick under the
 * owner epoch it knows, a new owner does it under the new epoch, no kick within `executeTimeoutMs` is
 * `not-executed`, a target made owner ends it) and the machine's documented behaviour (its header: our commands
 * only send frames; a vote opens and a ballot counts when its frame comes back; a ballot that overtook its start
 * opens the vote; the last vote that ended is remembered so its late start opens nothing). Nothing here reads the
 * machine. Extending it: see lobby-contract.ts (same shape: an alphabet and a table of rows).
 *
 * The lobby is us (S), A, B and T; X is nobody in it. The root sends the lobby's members with every command and
 * frame; here they stay the same, so what a vote does is the vote's business alone.
 */
import { expect } from 'vitest';
import type { AnyActorRef, EventObject } from 'xstate';
import { toStableJson } from '../../src/machines/serialize.js';
import type { VoteKickContext, VoteKickEvent } from '../../src/machines/vote-kick.machine.js';
import type { Contract, Effect, ModelEvent, Outcome, Subject } from './contract.js';
import { statusAndValue } from './contract.js';

export const VOTE_IDS = {
  S: 76561198000000001n,
  A: 76561198000000002n,
  B: 76561198000000003n,
  T: 76561198000000004n,
  X: 76561198000000009n,
} as const;

type Who = keyof typeof VOTE_IDS;
type Member = Exclude<Who, 'X'>;

const MEMBERS: readonly Member[] = ['S', 'A', 'B', 'T'];
const ids = (whos: readonly Who[]) => whos.map((w) => VOTE_IDS[w]);
const WHO_OF = new Map<bigint, Who>(Object.entries(VOTE_IDS).map(([w, id]) => [id, w as Who]));

/** Distinct delays: how long a vote stays open, and how long a passed one waits for the owner's kick. */
export const VOTE_TIMING = { voteTimeoutMs: 500, executeTimeoutMs: 200 } as const;

/** The vote id A's votes carry (their own counter, not ours). */
const A_VOTE = 7;

export type VoteState = 'idle' | 'open' | 'passed';

interface Vote {
  readonly starter: Who;
  readonly voteId: number;
  readonly target: Who;
  readonly electorate: readonly Who[];
  readonly yes: readonly Who[];
  readonly no: readonly Who[];
}

export interface VoteModel {
  readonly state: VoteState;
  /** The lobby's owner and owner epoch as the root last told. */
  readonly owner?: Who;
  readonly epoch: number;
  readonly vote?: Vote;
  /** The last vote that ended. */
  readonly last?: { readonly starter: Who; readonly voteId: number };
  /** The id our next start frame carries, and the start we sent last (its echo opens our vote). */
  readonly nextVoteId: number;
  readonly sent?: { readonly voteId: number; readonly target: Who };
}

export type VoteKind = 'start' | 'cast' | 'startFrame' | 'ballotFrame' | 'memberChanged' | 'owner' | 'reset' | 'timeout';

export interface VoteModelEvent extends ModelEvent {
  readonly kind: VoteKind;
  readonly event?: VoteKickEvent;
}

// ── the alphabet ────────────────────────────────────────────────────────────────────────────────────────────

export function voteAlphabet(m: VoteModel): VoteModelEvent[] {
  const out: VoteModelEvent[] = [];
  const add = (type: string, kind: VoteKind, event: VoteKickEvent) => out.push({ type, kind, event, stimulus: { send: [event as EventObject] } });
  const members = ids(MEMBERS);
  for (const target of ['T', 'A', 'S', 'X'] as const) add(`start(${target})`, 'start', { type: 'vote.start', target: VOTE_IDS[target], members });
  add('cast:yes', 'cast', { type: 'vote.cast', approve: true, members });
  add('cast:no', 'cast', { type: 'vote.cast', approve: false, members });
  const startFrame = (label: string, starter: Who, voteId: number, target: Who) =>
    add(`start frame(${label})`, 'startFrame', { type: 'vote.startReceived', starter: VOTE_IDS[starter], voteId, target: VOTE_IDS[target], members });
  // A's vote against T (again, after it ended: its late start); against us; from nobody in the lobby; against the starter.
  startFrame(`A#${A_VOTE}→T`, 'A', A_VOTE, 'T');
  startFrame(`B#1→S`, 'B', 1, 'S');
  startFrame(`X#1→T`, 'X', 1, 'T');
  startFrame(`A#${A_VOTE + 1}→A`, 'A', A_VOTE + 1, 'A');
  // Our own start, back from Steam.
  if (m.sent !== undefined) startFrame('ours', 'S', m.sent.voteId, m.sent.target);
  // Ballots on the open vote (or, with none open, on A's vote against T: a ballot that overtook its start).
  const on = m.vote ?? { starter: 'A' as Who, voteId: A_VOTE, target: 'T' as Who };
  const ballot = (label: string, voter: Who, approve: boolean, voteId = on.voteId) =>
    add(`ballot(${label})`, 'ballotFrame', {
      type: 'vote.ballotReceived',
      voter: VOTE_IDS[voter],
      starter: VOTE_IDS[on.starter],
      voteId,
      target: VOTE_IDS[on.target],
      approve,
      members,
    });
  for (const voter of ['S', 'A', 'B', 'T', 'X'] as const) ballot(`${voter} yes`, voter, true);
  ballot('S no', 'S', false);
  ballot('B no', 'B', false);
  ballot('B yes, another vote', 'B', true, on.voteId + 100);
  for (const change of ['left', 'disconnected', 'kicked', 'banned'] as const) {
    add(`${change}(T)`, 'memberChanged', { type: 'member.changed', memberId: VOTE_IDS.T, change, changedBy: VOTE_IDS.A });
  }
  add('left(A)', 'memberChanged', { type: 'member.changed', memberId: VOTE_IDS.A, change: 'left' });
  add('left(B)', 'memberChanged', { type: 'member.changed', memberId: VOTE_IDS.B, change: 'left' });
  add('left(X)', 'memberChanged', { type: 'member.changed', memberId: VOTE_IDS.X, change: 'left' });
  add('entered(X)', 'memberChanged', { type: 'member.changed', memberId: VOTE_IDS.X, change: 'entered' });
  for (const owner of ['S', 'A', 'T'] as const) {
    if (owner !== m.owner) add(`owner:${owner}`, 'owner', { type: 'vote.owner', ownerId: VOTE_IDS[owner], epoch: m.epoch + 1 });
  }
  // The same owner under a new epoch (ours moved on: a drop and a return).
  if (m.owner !== undefined) add('owner:again', 'owner', { type: 'vote.owner', ownerId: VOTE_IDS[m.owner], epoch: m.epoch + 1 });
  add('reset', 'reset', { type: 'vote.reset' });
  if (m.state === 'open') out.push({ type: `timeout (${VOTE_TIMING.voteTimeoutMs} ms)`, kind: 'timeout', stimulus: { wait: VOTE_TIMING.voteTimeoutMs } });
  if (m.state === 'passed') out.push({ type: `timeout (${VOTE_TIMING.executeTimeoutMs} ms)`, kind: 'timeout', stimulus: { wait: VOTE_TIMING.executeTimeoutMs } });
  return out;
}

// ── rows ────────────────────────────────────────────────────────────────────────────────────────────────────

type Row = (m: VoteModel, e: VoteModelEvent) => Outcome<VoteModel>;

const anyText = expect.stringMatching(/\S/) as unknown as string;
const who = (id: bigint): Who => WHO_OF.get(id) ?? 'X';
const isMember = (w: Who) => (MEMBERS as readonly Who[]).includes(w);

/** Yes votes that pass a vote: more than half of the electorate. */
const needed = (vote: Vote) => Math.floor(vote.electorate.length / 2) + 1;
const hasVoted = (vote: Vote, w: Who) => vote.yes.includes(w) || vote.no.includes(w);

function then(first: Outcome<VoteModel>, second: (m: VoteModel) => Outcome<VoteModel>): Outcome<VoteModel> {
  const rest = second(first.next);
  return { next: rest.next, effects: [...(first.effects ?? []), ...(rest.effects ?? [])], emits: [...(first.emits ?? []), ...(rest.emits ?? [])] };
}

const rejected = (command: 'vote.start' | 'vote.cast', code: string) => ({ type: 'vote.rejected', command, code, reason: anyText });

/** The vote is over, for `reason`: said so, and remembered so its late frames open nothing. */
function ended(m: VoteModel, reason: string): Outcome<VoteModel> {
  const vote = m.vote!;
  const { vote: _vote, ...rest } = m;
  return {
    next: { ...rest, state: 'idle', last: { starter: vote.starter, voteId: vote.voteId } },
    emits: [{ type: 'vote.ended', target: VOTE_IDS[vote.target], reason }],
  };
}

/** The owner carries a passed vote out: a kick of the target under the owner epoch it knows. */
const kickIfOwner = (m: VoteModel): Effect[] =>
  m.owner === 'S' ? [['kickByVote', { memberId: VOTE_IDS[m.vote!.target], epoch: m.epoch }]] : [];

/** After a vote changed: a majority passes it; a no majority can no longer be reached rejects it. */
function settle(m: VoteModel): Outcome<VoteModel> {
  const vote = m.vote!;
  if (vote.yes.length >= needed(vote)) {
    const next: VoteModel = { ...m, state: 'passed' };
    return {
      next,
      effects: kickIfOwner(next),
      emits: [{ type: 'vote.passed', target: VOTE_IDS[vote.target], yes: vote.yes.length, electorate: vote.electorate.length }],
    };
  }
  if (vote.electorate.length - vote.no.length < needed(vote)) return ended(m, 'rejected');
  return { next: m };
}

function tally(vote: Vote) {
  return {
    type: 'vote.tally',
    target: VOTE_IDS[vote.target],
    yes: vote.yes.length,
    no: vote.no.length,
    needed: needed(vote),
    electorate: ids(vote.electorate),
  };
}

type Frame = Extract<VoteKickEvent, { type: 'vote.startReceived' | 'vote.ballotReceived' }>;

/** A frame that opens a vote: both ends members, not the same one, the target not the owner, not the last vote. */
function opens(m: VoteModel, frame: Frame): boolean {
  const [starter, target] = [who(frame.starter), who(frame.target)];
  if (m.last !== undefined && m.last.starter === starter && m.last.voteId === frame.voteId) return false;
  if (frame.type === 'vote.ballotReceived' && (who(frame.voter) === target || !isMember(who(frame.voter)))) return false;
  return starter !== target && isMember(starter) && isMember(target) && target !== m.owner;
}

/** The vote opens: its electorate is the members now, but the target; the starter's start is a yes. */
function open(m: VoteModel, frame: Frame): Outcome<VoteModel> {
  const [starter, target] = [who(frame.starter), who(frame.target)];
  const vote: Vote = { starter, voteId: frame.voteId, target, electorate: MEMBERS.filter((w) => w !== target), yes: [starter], no: [] };
  const started = { type: 'vote.started', starter: VOTE_IDS[starter], target: VOTE_IDS[target], electorate: ids(vote.electorate), needed: needed(vote) };
  return then({ next: { ...m, state: 'open', vote }, emits: [started] }, settle);
}

/** A ballot for the open vote, from someone in its electorate who has not voted: counted, and the tally shown. */
function count(m: VoteModel, frame: Extract<Frame, { type: 'vote.ballotReceived' }>): Outcome<VoteModel> {
  const vote = m.vote!;
  const voter = who(frame.voter);
  const ours = who(frame.starter) === vote.starter && frame.voteId === vote.voteId;
  if (!ours || !vote.electorate.includes(voter) || hasVoted(vote, voter)) return { next: m };
  const counted: Vote = frame.approve ? { ...vote, yes: [...vote.yes, voter] } : { ...vote, no: [...vote.no, voter] };
  return then({ next: { ...m, vote: counted }, emits: [tally(counted)] }, settle);
}

const start: Row = (m, e) => {
  const target = who((e.event as Extract<VoteKickEvent, { type: 'vote.start' }>).target);
  if (m.state !== 'idle') return { next: m, emits: [rejected('vote.start', 'vote-in-progress')] };
  const problem = target === 'S' ? 'cannot-target-self' : !isMember(target) ? 'not-a-member' : target === m.owner ? 'target-is-owner' : undefined;
  if (problem !== undefined) return { next: m, emits: [rejected('vote.start', problem)] };
  // Only a frame: the vote opens when it comes back.
  return {
    next: { ...m, nextVoteId: m.nextVoteId + 1, sent: { voteId: m.nextVoteId, target } },
    effects: [['sendVoteFrame', { kind: 'start', voteId: m.nextVoteId, target: VOTE_IDS[target] }]],
  };
};

const cast: Row = (m, e) => {
  if (m.state !== 'open') return { next: m, emits: [rejected('vote.cast', 'no-vote')] };
  const vote = m.vote!;
  const problem = vote.target === 'S' ? 'target-cannot-vote' : !vote.electorate.includes('S') ? 'not-eligible' : hasVoted(vote, 'S') ? 'already-voted' : undefined;
  if (problem !== undefined) return { next: m, emits: [rejected('vote.cast', problem)] };
  const { approve } = e.event as Extract<VoteKickEvent, { type: 'vote.cast' }>;
  // Only a frame: our ballot counts when it comes back.
  return {
    next: m,
    effects: [['sendVoteFrame', { kind: 'ballot', starter: VOTE_IDS[vote.starter], voteId: vote.voteId, target: VOTE_IDS[vote.target], approve }]],
  };
};

/** The target left (or was removed): the vote is over, as a kick when they were kicked or banned. */
function targetGone(m: VoteModel, e: VoteModelEvent): Outcome<VoteModel> | undefined {
  const { memberId, change } = e.event as Extract<VoteKickEvent, { type: 'member.changed' }>;
  if (change === 'entered' || who(memberId) !== m.vote!.target) return undefined;
  return ended(m, change === 'kicked' || change === 'banned' ? 'kicked' : 'target-left');
}

/** A new owner (or epoch): recorded; a target made owner ends the vote. */
function newOwner(m: VoteModel, e: VoteModelEvent): { recorded: VoteModel; targetIsOwner: boolean } {
  const { ownerId, epoch } = e.event as Extract<VoteKickEvent, { type: 'vote.owner' }>;
  const recorded = { ...m, owner: ownerId === undefined ? undefined : who(ownerId), epoch };
  return { recorded, targetIsOwner: m.vote !== undefined && recorded.owner === m.vote.target };
}

export const VOTE_TABLE: Readonly<Record<VoteState, Partial<Record<VoteKind, Row>>>> = {
  idle: {
    start,
    cast,
    startFrame: (m, e) => (opens(m, e.event as Frame) ? open(m, e.event as Frame) : { next: m }),
    // A ballot that overtook its start opens the vote, then counts in it.
    ballotFrame: (m, e) => {
      const frame = e.event as Extract<Frame, { type: 'vote.ballotReceived' }>;
      if (!opens(m, frame)) return { next: m };
      const opened = open(m, frame);
      return opened.next.state === 'open' ? then(opened, (n) => count(n, frame)) : opened;
    },
    owner: (m, e) => ({ next: newOwner(m, e).recorded }),
  },
  open: {
    start,
    cast,
    ballotFrame: (m, e) => count(m, e.event as Extract<Frame, { type: 'vote.ballotReceived' }>),
    memberChanged: (m, e) => {
      const gone = targetGone(m, e);
      if (gone !== undefined) return gone;
      const { memberId, change } = e.event as Extract<VoteKickEvent, { type: 'member.changed' }>;
      const voter = who(memberId);
      const vote = m.vote!;
      if (change === 'entered' || !vote.electorate.includes(voter)) return { next: m };
      // A voter who leaves drops out with their ballot: the majority moves.
      const keep = (w: Who) => w !== voter;
      const dropped: Vote = { ...vote, electorate: vote.electorate.filter(keep), yes: vote.yes.filter(keep), no: vote.no.filter(keep) };
      return then({ next: { ...m, vote: dropped }, emits: [tally(dropped)] }, settle);
    },
    owner: (m, e) => {
      const { recorded, targetIsOwner } = newOwner(m, e);
      return targetIsOwner ? ended(recorded, 'target-is-owner') : { next: recorded };
    },
    reset: (m) => ended(m, 'lobby-left'),
    timeout: (m) => ended(m, 'expired'),
  },
  passed: {
    start,
    cast,
    memberChanged: (m, e) => targetGone(m, e) ?? { next: m },
    // A new owner (or a new epoch of ours) carries the kick out under the epoch it holds now.
    owner: (m, e) => {
      const { recorded, targetIsOwner } = newOwner(m, e);
      return targetIsOwner ? ended(recorded, 'target-is-owner') : { next: recorded, effects: kickIfOwner(recorded) };
    },
    reset: (m) => ended(m, 'lobby-left'),
    timeout: (m) => ended(m, 'not-executed'),
  },
};

const view = (m: VoteModel) => ({
  status: 'active',
  value: m.state,
  ownerId: m.owner === undefined ? undefined : VOTE_IDS[m.owner],
  epoch: m.epoch,
  vote:
    m.vote === undefined
      ? undefined
      : {
          starter: VOTE_IDS[m.vote.starter],
          voteId: m.vote.voteId,
          target: VOTE_IDS[m.vote.target],
          electorate: ids(m.vote.electorate),
          yes: ids(m.vote.yes),
          no: ids(m.vote.no),
        },
  lastVote: m.last === undefined ? undefined : { starter: VOTE_IDS[m.last.starter], voteId: m.last.voteId },
  nextVoteId: m.nextVoteId,
});

/**
 * What decides a state's future: the vote itself, the owner (while a vote runs, only whether it is us: a target
 * made owner ends the vote), the start we sent and the last vote that ended (only whether a frame offered here is
 * one of them). Our vote ids and the owner epoch only count up: the view checks them on every path.
 */
function voteKey(m: VoteModel): string {
  const ours = (voteId: number | undefined) => (voteId !== undefined && voteId === m.sent?.voteId ? 'sent' : voteId);
  const running = m.vote !== undefined;
  return toStableJson({
    state: m.state,
    owner: running ? m.owner === 'S' : m.owner,
    sent: m.sent?.target,
    vote: m.vote === undefined ? undefined : { ...m.vote, voteId: ours(m.vote.voteId) },
    // The last vote matters only when no vote runs: a late start of it opens nothing.
    last: running || m.last === undefined ? undefined : { ...m.last, voteId: m.last.starter === 'S' ? ours(m.last.voteId) : m.last.voteId },
  });
}

export const voteKickContract: Contract<VoteModel, VoteModelEvent> = {
  name: 'voteKick',
  initial: { state: 'idle', epoch: 0, nextVoteId: 1 },
  alphabet: voteAlphabet,
  step: (m, e) => VOTE_TABLE[m.state][e.kind]?.(m, e) ?? { next: m },
  key: voteKey,
  view,
};

export function voteKickSubject(machine: Subject['machine']): Subject {
  return {
    machine,
    input: (effects) => ({ selfId: VOTE_IDS.S, timing: VOTE_TIMING, effects }),
    effects: ['sendVoteFrame', 'kickByVote'],
    observe: (actor: AnyActorRef) => {
      const context = (actor.getSnapshot() as { context: VoteKickContext }).context;
      return {
        ...statusAndValue(actor),
        ownerId: context.ownerId,
        epoch: context.epoch,
        vote: context.vote,
        lastVote: context.lastVote,
        nextVoteId: context.nextVoteId,
      };
    },
  };
}
