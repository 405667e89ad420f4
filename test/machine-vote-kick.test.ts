import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { voteKickMachine, type VoteKickEmitted } from '../src/machines/vote-kick.machine.js';
import { recordingEffects } from './helpers/recording-effects.js';

// Four members; OWNER owns the lobby and is never a target here (an owner cannot be voted out).
const SELF = 76561198000000001n;
const OWNER = 76561198000000002n;
const CAROL = 76561198000000003n;
const DAVE = 76561198000000004n;
const MEMBERS = [SELF, OWNER, CAROL, DAVE] as const;

function startVoteKick() {
  const clock = new VirtualClock();
  const recorder = recordingEffects();
  const emitted: VoteKickEmitted[] = [];
  const actor = createActor(voteKickMachine, { clock, input: { selfId: SELF, effects: recorder.effects } });
  actor.on('*', (event) => void emitted.push(event));
  actor.start();
  actor.send({ type: 'vote.owner', ownerId: OWNER, epoch: 1 });
  return { actor, emitted, named: recorder.named };
}

describe('vote-kick machine: ballots and who may cast them', () => {
  it("counts no ballot that names another starter's vote, even one with the same vote id", () => {
    const { actor, emitted } = startVoteKick();
    // OWNER's vote #1 against DAVE: electorate SELF, OWNER, CAROL (target left out), OWNER's start is a yes, 2 needed.
    actor.send({ type: 'vote.startReceived', starter: OWNER, voteId: 1, target: DAVE, members: MEMBERS });
    expect(actor.getSnapshot().value).toBe('open');
    // CAROL's yes on a vote #1 that SELF started: a different vote (a vote is its starter and its id), so it
    // does not count in OWNER's; counted, it would make the second yes of the majority.
    actor.send({ type: 'vote.ballotReceived', voter: CAROL, starter: SELF, voteId: 1, target: DAVE, approve: true, members: MEMBERS });
    expect(actor.getSnapshot().value).toBe('open');
    expect(emitted.map((e) => e.type)).toEqual(['vote.started']);
    // The same yes on OWNER's vote does count, and passes it.
    actor.send({ type: 'vote.ballotReceived', voter: CAROL, starter: OWNER, voteId: 1, target: DAVE, approve: true, members: MEMBERS });
    expect(emitted.map((e) => e.type)).toEqual(['vote.started', 'vote.tally', 'vote.passed']);
  });

  it('refuses our ballot as "not eligible" on a vote opened while we were not among the members, and sends no frame', () => {
    const { actor, emitted, named } = startVoteKick();
    // "Members who join later do not vote": opened with SELF not among its members, the electorate is OWNER and
    // CAROL, and CAROL's start is one of the two yes votes needed; our yes, counted, would pass it.
    actor.send({ type: 'vote.startReceived', starter: CAROL, voteId: 1, target: DAVE, members: [OWNER, CAROL, DAVE] });
    expect(actor.getSnapshot().value).toBe('open');
    actor.send({ type: 'vote.cast', approve: true, members: MEMBERS });
    expect(emitted.at(-1)).toMatchObject({ type: 'vote.rejected', command: 'vote.cast', code: 'not-eligible' });
    expect(actor.getSnapshot().value).toBe('open');
    expect(named('sendVoteFrame')).toEqual([]);
  });

  it('refuses our ballot on a vote against us as "the target cannot vote", and sends no frame', () => {
    const { actor, emitted, named } = startVoteKick();
    actor.send({ type: 'vote.startReceived', starter: CAROL, voteId: 1, target: SELF, members: MEMBERS });
    expect(actor.getSnapshot().value).toBe('open');
    actor.send({ type: 'vote.cast', approve: false, members: MEMBERS });
    expect(emitted.at(-1)).toMatchObject({ type: 'vote.rejected', command: 'vote.cast', code: 'target-cannot-vote' });
    expect(named('sendVoteFrame')).toEqual([]);
  });
});
