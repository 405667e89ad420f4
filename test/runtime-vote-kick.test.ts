// Vote-kick between real runtimes over the simulated Steam, through lobbykit's backend (Steam-like kick) and the
// steamworks.js adapter (no kick: the owner's notice is the kick). Votes travel in lobby chat on both.
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyRuntimeOptions } from '../src/runtime.js';
import type { VoteKickEmitted } from '../src/machines/vote-kick.machine.js';
import type { BackendFlavour } from './helpers/sim-world.js';
import { connectAll, createRuntimeWorld, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

const FLAVOURS: readonly BackendFlavour[] = ['simulated', 'steamworks-adapter'];
const TIMING: Partial<LobbyRuntimeOptions> = { timing: { vote: { voteTimeoutMs: 3_000, executeTimeoutMs: 2_000 } } };

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

interface Voter extends Player {
  readonly votes: VoteKickEmitted[];
}

async function lobbyOf(flavour: BackendFlavour, size: number) {
  const w = (world = createRuntimeWorld(flavour));
  const players: Voter[] = Array.from({ length: size }, (_, i) => {
    const p = w.player(i, {}, TIMING);
    const votes: VoteKickEmitted[] = [];
    p.runtime.votes$.subscribe((e) => votes.push(e));
    return Object.assign(p, { votes });
  });
  const lobbyId = await connectAll(w, players);
  return { w, players, lobbyId };
}

const ended = (p: Voter) => p.votes.filter((e) => e.type === 'vote.ended');

describe.each(FLAVOURS)('vote-kick (%s)', (flavour) => {
  it('a majority of the members but the target kicks them: the owner carries it out, everyone sees it end', async () => {
    const { w, players, lobbyId } = await lobbyOf(flavour, 4);
    const [owner, starter, voter, target] = players as [Voter, Voter, Voter, Voter];
    expect(starter.runtime.startVoteKick(target.id)).toEqual({ ok: true });
    await w.run(300);
    for (const p of players) {
      expect(p.votes.filter((e) => e.type === 'vote.started')).toEqual([
        { type: 'vote.started', starter: starter.id, target: target.id, electorate: [owner.id, starter.id, voter.id].sort(), needed: 2 },
      ].map((e) => ({ ...e, electorate: expect.arrayContaining(e.electorate) })));
    }
    // A refused ballot and a refused second vote name the command the game called (errors.ts RuntimeCommand).
    expect(target.runtime.voteKick(true)).toMatchObject({ ok: false, error: { kind: 'wrong-state', command: 'voteKick', code: 'target-cannot-vote' } });
    expect(voter.runtime.startVoteKick(target.id)).toMatchObject({ ok: false, error: { kind: 'wrong-state', command: 'startVoteKick' } });
    expect(voter.runtime.voteKick(true)).toEqual({ ok: true });
    expect(await w.runUntil(() => target.runtime.lobbyState().status === 'idle', 5_000)).toBe(true);
    await w.run(500);
    expect(target.lifecycleOf('lifecycle.left')).toMatchObject([{ lobbyId, reason: { code: 'kicked', by: owner.id } }]);
    for (const p of [owner, starter, voter]) {
      expect(p.votes.filter((e) => e.type === 'vote.passed')).toEqual([{ type: 'vote.passed', target: target.id, yes: 2, electorate: 3 }]);
      expect(ended(p)).toEqual([{ type: 'vote.ended', target: target.id, reason: 'kicked' }]);
      expect(p.runtime.members().map((m) => m.id).sort()).toEqual([owner.id, starter.id, voter.id].sort());
    }
  });

  it('expires without a majority, and so many no votes end it early as rejected', async () => {
    const { w, players } = await lobbyOf(flavour, 4);
    const [owner, starter, voter, target] = players as [Voter, Voter, Voter, Voter];
    starter.runtime.startVoteKick(target.id);
    await w.run(3_500);
    expect(ended(owner)).toEqual([{ type: 'vote.ended', target: target.id, reason: 'expired' }]);
    starter.runtime.startVoteKick(target.id);
    await w.run(300);
    owner.runtime.voteKick(false);
    voter.runtime.voteKick(false);
    await w.run(300);
    expect(ended(starter).map((e) => e.type === 'vote.ended' && e.reason)).toEqual(['expired', 'rejected']);
    expect(target.runtime.lobbyState().status).toBe('joined');
  });

  it('a member who leaves mid-vote shrinks the electorate: what was short of a majority becomes one', async () => {
    const { w, players } = await lobbyOf(flavour, 5);
    const [owner, starter, voter, leaver, target] = players as [Voter, Voter, Voter, Voter, Voter];
    starter.runtime.startVoteKick(target.id);
    await w.run(300);
    voter.runtime.voteKick(true);
    await w.run(300);
    // 2 yes of 4 (owner, starter, voter, leaver): 3 needed.
    expect(owner.votes.filter((e) => e.type === 'vote.tally').at(-1)).toMatchObject({ yes: 2, no: 0, needed: 3 });
    leaver.runtime.leaveLobby();
    expect(await w.runUntil(() => target.runtime.lobbyState().status === 'idle', 5_000)).toBe(true);
    expect(owner.votes.filter((e) => e.type === 'vote.passed')).toEqual([{ type: 'vote.passed', target: target.id, yes: 2, electorate: 3 }]);
  });

  it('the owner leaving mid-vote hands the kick to the next owner, under its own epoch', async () => {
    const { w, players } = await lobbyOf(flavour, 4);
    const [owner, next, voter, target] = players as [Voter, Voter, Voter, Voter];
    voter.runtime.startVoteKick(target.id);
    await w.run(300);
    owner.runtime.leaveLobby();
    expect(await w.runUntil(() => next.runtime.lobbyState().isOwner, 5_000)).toBe(true);
    next.runtime.voteKick(true);
    expect(await w.runUntil(() => target.runtime.lobbyState().status === 'idle', 5_000)).toBe(true);
    expect(target.lifecycleOf('lifecycle.left')).toMatchObject([{ reason: { code: 'kicked', by: next.id } }]);
  });

  it('refuses what the rules forbid: a second vote, a vote against the owner or oneself, a second ballot', async () => {
    const { w, players } = await lobbyOf(flavour, 4);
    const [owner, starter, voter, target] = players as [Voter, Voter, Voter, Voter];
    expect(starter.runtime.startVoteKick(owner.id)).toMatchObject({ ok: false, error: { code: 'target-is-owner' } });
    expect(starter.runtime.startVoteKick(starter.id)).toMatchObject({ ok: false, error: { code: 'cannot-target-self' } });
    expect(starter.runtime.voteKick(true)).toMatchObject({ ok: false, error: { code: 'no-vote' } });
    starter.runtime.startVoteKick(target.id);
    await w.run(300);
    expect(voter.runtime.startVoteKick(target.id)).toMatchObject({ ok: false, error: { code: 'vote-in-progress' } });
    expect(starter.runtime.voteKick(false)).toMatchObject({ ok: false, error: { code: 'already-voted' } });
    expect(target.runtime.lobbyState().status).toBe('joined');
  });
});
