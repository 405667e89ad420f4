/**
 * Model-based tests of the vote-kick machine: xstate/graph walks the machine over an alphabet of frames, member
 * changes, owner changes, commands and timeouts, keyed by its default snapshot serializer (no help for the bigints),
 * and every generated path is replayed on a real actor and judged step by step against RULES — a table written
 * from the vote-kick rules of issue 24, not read from the machine. Every transition of the machine must be taken
 * by some replay.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type AnyEventObject, type InspectionEvent } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../src/effects/clock.js';
import type { VoteFrame } from '../src/machines/effects.js';
import { toStableJson } from '../src/machines/serialize.js';
import { voteKickMachine, type VoteKickEmitted, type VoteKickEvent } from '../src/machines/vote-kick.machine.js';

const S = 1n; // ourselves
const A = 2n; // starts votes
const B = 3n;
const C = 4n;
const T = 5n; // the usual target
const MEMBERS = [S, A, B, C, T];
const TIMING = { voteTimeoutMs: 1_000, executeTimeoutMs: 500 };

type Step = VoteKickEvent | { readonly type: 'wait'; readonly timer: 'vote' | 'execute' };

const ballot = (voter: bigint, approve: boolean, voteId = 1): Step => ({ type: 'vote.ballotReceived', voter, starter: A, voteId, target: T, approve, members: MEMBERS });

/** The alphabet: everything that can happen to a vote, valid or not. */
const ALPHABET: readonly Step[] = [
  { type: 'vote.startReceived', starter: A, voteId: 1, target: T, members: MEMBERS },
  { type: 'vote.startReceived', starter: A, voteId: 2, target: B, members: MEMBERS },
  { type: 'vote.startReceived', starter: A, voteId: 3, target: A, members: MEMBERS },
  ballot(B, true),
  ballot(B, false),
  ballot(C, true),
  ballot(C, false),
  ballot(S, true),
  ballot(T, true),
  ballot(C, true, 9),
  { type: 'member.changed', memberId: C, change: 'left' },
  { type: 'member.changed', memberId: T, change: 'left' },
  { type: 'member.changed', memberId: T, change: 'kicked' },
  { type: 'vote.owner', ownerId: S, epoch: 1 },
  { type: 'vote.owner', ownerId: B, epoch: 2 },
  { type: 'vote.owner', ownerId: T, epoch: 3 },
  { type: 'vote.cast', approve: false, members: MEMBERS },
  { type: 'vote.start', target: T, members: MEMBERS },
  { type: 'vote.start', target: S, members: MEMBERS },
  { type: 'vote.reset' },
  { type: 'wait', timer: 'vote' },
  { type: 'wait', timer: 'execute' },
];

// ── the rules, as a table ───────────────────────────────────────────────────────────────────────────────────

interface Model {
  phase: 'none' | 'open' | 'passed';
  owner: bigint | undefined;
  epoch: number;
  /** The vote that ended last: its late frames open nothing. */
  last?: { starter: bigint; voteId: number };
  vote?: { starter: bigint; voteId: number; target: bigint; electorate: bigint[]; yes: bigint[]; no: bigint[] };
}

interface Expected {
  readonly reports: VoteKickEmitted[];
  readonly frames: VoteFrame[];
  readonly kicks: { memberId: bigint; epoch: number }[];
}

const needed = (n: number) => Math.floor(n / 2) + 1;
const ended = (m: Model, reason: Extract<VoteKickEmitted, { type: 'vote.ended' }>['reason'], out: Expected) => {
  out.reports.push({ type: 'vote.ended', target: m.vote!.target, reason });
  m.last = { starter: m.vote!.starter, voteId: m.vote!.voteId };
  m.phase = 'none';
  m.vote = undefined;
};
const rejected = (command: 'vote.start' | 'vote.cast', code: string, out: Expected) =>
  out.reports.push({ type: 'vote.rejected', command, code, reason: expect.any(String) } as VoteKickEmitted);
const tally = (m: Model, out: Expected) => {
  const v = m.vote!;
  out.reports.push({ type: 'vote.tally', target: v.target, yes: v.yes.length, no: v.no.length, needed: needed(v.electorate.length), electorate: [...v.electorate] });
};
/** A majority passes the vote (the owner kicks); a majority out of reach rejects it. */
const decide = (m: Model, out: Expected) => {
  const v = m.vote!;
  if (v.yes.length >= needed(v.electorate.length)) {
    m.phase = 'passed';
    out.reports.push({ type: 'vote.passed', target: v.target, yes: v.yes.length, electorate: v.electorate.length });
    if (m.owner === S) out.kicks.push({ memberId: v.target, epoch: m.epoch });
  } else if (v.electorate.length - v.no.length < needed(v.electorate.length)) {
    ended(m, 'rejected', out);
  }
};

type Rule = readonly [phases: readonly Model['phase'][], type: Step['type'], when: (m: Model, e: any) => boolean, then: (m: Model, e: any, out: Expected) => void];

/** Anyone may start a vote against another member who is not the owner (not the vote that just ended, again). */
const startable = (m: Model, e: any) =>
  e.starter !== e.target && e.target !== m.owner && e.members.includes(e.starter) && e.members.includes(e.target) && !(m.last?.starter === e.starter && m.last?.voteId === e.voteId);
const open = (m: Model, e: any, out: Expected) => {
  const electorate = e.members.filter((id: bigint) => id !== e.target);
  m.phase = 'open';
  m.vote = { starter: e.starter, voteId: e.voteId, target: e.target, electorate, yes: [e.starter], no: [] };
  out.reports.push({ type: 'vote.started', starter: e.starter, target: e.target, electorate: [...electorate], needed: needed(electorate.length) });
  decide(m, out);
};
/** A ballot counts once, for this vote, from the electorate (the target is not in it). */
const counts = (m: Model, e: any) =>
  e.starter === m.vote!.starter && e.voteId === m.vote!.voteId && m.vote!.electorate.includes(e.voter) && !m.vote!.yes.includes(e.voter) && !m.vote!.no.includes(e.voter);
const count = (m: Model, e: any, out: Expected) => {
  (e.approve ? m.vote!.yes : m.vote!.no).push(e.voter);
  tally(m, out);
  decide(m, out);
};

/** First row that matches wins; no row: nothing happens. */
const RULES: readonly Rule[] = [
  // One vote at a time.
  [['none'], 'vote.startReceived', startable, open],
  // A ballot that overtook its start (chat between two senders can reorder) opens its vote, then counts in it.
  [['none'], 'vote.ballotReceived', (m, e) => startable(m, e) && e.voter !== e.target && e.members.includes(e.voter), (m, e, out) => {
    open(m, e, out);
    if (m.phase === 'open' && counts(m, e)) count(m, e, out);
  }],
  [['open'], 'vote.ballotReceived', counts, count],
  // The target gone ends the vote: kicked, or left.
  [['open', 'passed'], 'member.changed', (m, e) => e.memberId === m.vote!.target && (e.change === 'kicked' || e.change === 'banned'), (m, _e, out) => ended(m, 'kicked', out)],
  [['open', 'passed'], 'member.changed', (m, e) => e.memberId === m.vote!.target && e.change !== 'entered', (m, _e, out) => ended(m, 'target-left', out)],
  // A voter leaving takes their ballot with them and moves the majority.
  [['open'], 'member.changed', (m, e) => e.change !== 'entered' && m.vote!.electorate.includes(e.memberId), (m, e, out) => {
    const keep = (id: bigint) => id !== e.memberId;
    m.vote = { ...m.vote!, electorate: m.vote!.electorate.filter(keep), yes: m.vote!.yes.filter(keep), no: m.vote!.no.filter(keep) };
    tally(m, out);
    decide(m, out);
  }],
  // The owner cannot be voted out: a target made owner ends the vote.
  [['open', 'passed'], 'vote.owner', (m, e) => e.ownerId === m.vote!.target, (m, e, out) => {
    m.owner = e.ownerId;
    m.epoch = e.epoch;
    ended(m, 'target-is-owner', out);
  }],
  // A passed vote is carried out by whoever owns the lobby, under the epoch they own it in.
  [['passed'], 'vote.owner', () => true, (m, e, out) => {
    m.owner = e.ownerId;
    m.epoch = e.epoch;
    if (m.owner === S) out.kicks.push({ memberId: m.vote!.target, epoch: m.epoch });
  }],
  [['none', 'open'], 'vote.owner', () => true, (m, e) => {
    m.owner = e.ownerId;
    m.epoch = e.epoch;
  }],
  [['open', 'passed'], 'vote.reset', () => true, (m, _e, out) => ended(m, 'lobby-left', out)],
  [['open'], 'wait', (_m, e) => e.timer === 'vote', (m, _e, out) => ended(m, 'expired', out)],
  [['passed'], 'wait', (_m, e) => e.timer === 'execute', (m, _e, out) => ended(m, 'not-executed', out)],
  // Our commands: a start or a ballot is a frame to everyone; the rules refuse the rest.
  [['none'], 'vote.start', (_m, e) => e.target === S, (_m, _e, out) => rejected('vote.start', 'cannot-target-self', out)],
  [['none'], 'vote.start', (m, e) => e.target === m.owner, (_m, _e, out) => rejected('vote.start', 'target-is-owner', out)],
  [['none'], 'vote.start', () => true, (_m, e, out) => void out.frames.push({ kind: 'start', voteId: expect.any(Number), target: e.target } as VoteFrame)],
  [['open', 'passed'], 'vote.start', () => true, (_m, _e, out) => rejected('vote.start', 'vote-in-progress', out)],
  [['open'], 'vote.cast', (m) => m.vote!.yes.includes(S) || m.vote!.no.includes(S), (_m, _e, out) => rejected('vote.cast', 'already-voted', out)],
  [['open'], 'vote.cast', () => true, (m, e, out) => void out.frames.push({ kind: 'ballot', starter: m.vote!.starter, voteId: m.vote!.voteId, target: m.vote!.target, approve: e.approve })],
  [['none', 'passed'], 'vote.cast', () => true, (_m, _e, out) => rejected('vote.cast', 'no-vote', out)],
];

function judge(model: Model, step: Step): Expected {
  const out: Expected = { reports: [], frames: [], kicks: [] };
  const row = RULES.find(([phases, type, when]) => phases.includes(model.phase) && type === step.type && when(model, step));
  row?.[3](model, step, out);
  return out;
}

// ── the walk ────────────────────────────────────────────────────────────────────────────────────────────────

const AFTER = {
  vote: voteKickMachine.root.states.open!.after[0]!.eventType,
  execute: voteKickMachine.root.states.passed!.after[0]!.eventType,
};

function asEvent(step: Step): AnyEventObject {
  return step.type === 'wait' ? { type: AFTER[step.timer] } : step;
}

describe('vote-kick machine, every path judged by the rules', () => {
  // No serializeState: the context's own toJSON keeps JSON.stringify off its bigints and the graph finite.
  const paths = getShortestPaths(voteKickMachine, {
    input: { selfId: S, timing: TIMING, effects: { sendVoteFrame: () => {}, kickByVote: () => {} } },
    events: ALPHABET.map(asEvent) as VoteKickEvent[],
    serializeEvent: toStableJson,
  });

  it('walks a state space of some size, through every state', () => {
    expect(paths.length).toBeGreaterThan(50);
    const reached = new Set(paths.map((p) => p.state.value));
    expect([...reached].sort()).toEqual(['idle', 'open', 'passed']);
  });

  it('replays every edge (a path to each state, then each step of the alphabet) as the rules say, every transition taken', () => {
    const taken = new Set<unknown>();
    // Shortest paths reach each state once; their edges onward (including the ones that stay) are what is tested.
    const known = new Map(ALPHABET.map((step) => [toStableJson(asEvent(step)), step] as const));
    const walks = paths.flatMap((path) => {
      const prefix = path.steps.slice(1).map((s) => known.get(toStableJson(s.event))!);
      return ALPHABET.map((step) => [...prefix, step]);
    });
    for (const events of walks) {
      const clock = new VirtualClock();
      const frames: VoteFrame[] = [];
      const kicks: { memberId: bigint; epoch: number }[] = [];
      const actor = createActor(voteKickMachine, {
        clock,
        input: { selfId: S, timing: TIMING, effects: { sendVoteFrame: (f) => void frames.push(f), kickByVote: (k) => void kicks.push({ ...k }) } },
        inspect: (e: InspectionEvent) => {
          if (e.type === '@xstate.microstep') for (const t of e._transitions) taken.add(t);
        },
      });
      const reports: VoteKickEmitted[] = [];
      actor.on('*', (e) => void reports.push(e));
      actor.start();
      const model: Model = { phase: 'none', owner: undefined, epoch: 0 };
      const trail: string[] = [];
      for (const step of events) {
        trail.push(step.type);
        const [r, f, k] = [reports.length, frames.length, kicks.length];
        // A timer firing is its own event, as the graph sees it (the clock never moves, so no other timer fires).
        actor.send(asEvent(step) as VoteKickEvent);
        const expected = judge(model, step);

        const state = { none: 'idle', open: 'open', passed: 'passed' }[model.phase];
        const got = { reports: reports.slice(r), frames: frames.slice(f), kicks: kicks.slice(k), state: actor.getSnapshot().value };
        expect(got, trail.join(' → ')).toEqual({ ...expected, state });
      }
      actor.stop();
    }
    const all = [voteKickMachine.root, ...Object.values(voteKickMachine.root.states)].flatMap((node) => [
      ...[...node.transitions.values()].flat(),
      ...(node.always ?? []),
    ]);
    const missed = all.filter((t) => !taken.has(t)).map((t) => `${t.source.id} ${t.eventType}${t.guard === undefined ? '' : ' (guarded)'}`);
    expect(missed).toEqual([]);
  });
});
