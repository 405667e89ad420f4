// Issue 24 on the loopback backend (a real `lobbykit serve` on port 0, real sockets, runtimes on virtual time): the
// features it can show. Its service gives a new connection a new id and has no Steam servers to lose and regain,
// so a member who drops is held for the window and then let go, and our own dropped connection never comes back.
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyRuntimeOptions } from '../src/runtime.js';
import { startLoopbackRuntimes, type LoopbackPlayer, type LoopbackRuntimes } from './helpers/loopback-runtimes.js';

let world: LoopbackRuntimes | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const OPTIONS: Partial<LobbyRuntimeOptions> = {
  timing: { lobby: { seatReservationMs: 2_000, rejoinIntervalMs: 500 }, vote: { voteTimeoutMs: 3_000, executeTimeoutMs: 2_000 } },
};

async function lobbyOf(size: number, lobbyType: 0 | 2 = 2) {
  const w = (world = await startLoopbackRuntimes());
  const players: LoopbackPlayer[] = [];
  for (let i = 0; i < size; i++) players.push(await w.player(`P${i}`, OPTIONS));
  const host = players[0]!;
  const created = host.runtime.createLobby({ lobbyType, maxMembers: 8 });
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined');
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  for (const p of players.slice(1)) void p.runtime.joinLobby(result.lobbyId);
  const all = () => players.every((p) => p.runtime.allConnected() && p.runtime.members().length === size);
  if (!(await w.runUntil(all))) throw new Error('lobby did not connect');
  return { w, players, host, lobbyId: result.lobbyId };
}

describe('loopback: invites, listings, vote-kick, bans, held seats', () => {
  it('shows an invite with the sender\'s name and joins only on acceptInvite', async () => {
    const { w, host, lobbyId } = await lobbyOf(1, 0);
    const friend = await w.player('Friend', OPTIONS);
    expect(host.runtime.invite(friend.id)).toEqual({ ok: true });
    expect(await w.runUntil(() => friend.lifecycleOf('lifecycle.inviteReceived').length === 1)).toBe(true);
    expect(friend.lifecycleOf('lifecycle.inviteReceived')).toEqual([{ type: 'lifecycle.inviteReceived', lobbyId, from: host.id, fromName: 'P0' }]);
    await w.run(500);
    expect(friend.runtime.lobbyState().status).toBe('idle');
    const accepted = friend.runtime.acceptInvite(friend.lifecycleOf('lifecycle.inviteReceived')[0]!);
    expect(await w.runUntil(() => friend.runtime.allConnected() && friend.runtime.members().length === 2)).toBe(true);
    expect(await accepted).toEqual({ ok: true, lobbyId });
  });

  it('lists lobbies with their member count', async () => {
    const { w, lobbyId } = await lobbyOf(3);
    const browser = await w.player('Browser', OPTIONS);
    const listed = browser.runtime.findLobbies();
    await w.runUntil(() => false, 300);
    const result = await listed;
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.lobbies.find((l) => l.lobbyId === lobbyId)).toMatchObject({ memberCount: 3, memberLimit: 8 });
  });

  it('kicks by vote: the owner carries out a majority, the target is told who kicked them', async () => {
    const { w, players, host, lobbyId } = await lobbyOf(4);
    const [, starter, voter, target] = players as [LoopbackPlayer, LoopbackPlayer, LoopbackPlayer, LoopbackPlayer];
    expect(starter.runtime.startVoteKick(target.id)).toEqual({ ok: true });
    await w.runUntil(() => voter.votes.some((e) => e.type === 'vote.started'));
    expect(voter.runtime.voteKick(true)).toEqual({ ok: true });
    expect(await w.runUntil(() => target.runtime.lobbyState().status === 'idle')).toBe(true);
    expect(target.lifecycleOf('lifecycle.left')).toMatchObject([{ lobbyId, reason: { code: 'kicked', by: host.id } }]);
    await w.runUntil(() => host.runtime.members().length === 3);
    expect(host.votes.filter((e) => e.type === 'vote.ended')).toEqual([{ type: 'vote.ended', target: target.id, reason: 'kicked' }]);
  });

  it('tells a banned member "banned", by whom', async () => {
    const { w, players, host } = await lobbyOf(2);
    const banned = players[1]!;
    expect(host.runtime.ban(banned.id)).toEqual({ ok: true });
    expect(await w.runUntil(() => banned.runtime.lobbyState().status === 'idle')).toBe(true);
    expect(banned.lifecycleOf('lifecycle.left')).toMatchObject([{ reason: { code: 'banned', by: host.id, reason: 'You were banned from the lobby.' } }]);
  });

  it('holds the seat of a member whose connection drops, then lets it go; the dropped runtime gives up in time', async () => {
    const { w, players, host } = await lobbyOf(3);
    const [, dropped, other] = players as [LoopbackPlayer, LoopbackPlayer, LoopbackPlayer];
    await dropped.dropConnection();
    expect(await w.runUntil(() => host.sessionsOf('member.away').length === 1)).toBe(true);
    expect(host.runtime.members().find((m) => m.id === dropped.id)).toMatchObject({ away: true });
    expect(dropped.runtime.lobbyState().status).toBe('reconnecting');
    expect(await w.runUntil(() => host.sessionsOf('member.dismissed').length === 1, 5_000)).toBe(true);
    for (const p of [host, other]) expect(p.sessionsOf('member.dismissed')).toMatchObject([{ memberId: dropped.id, change: 'disconnected' }]);
    expect(await w.runUntil(() => dropped.lifecycleOf('lifecycle.left').length === 1, 5_000)).toBe(true);
    expect(dropped.lifecycleOf('lifecycle.left')).toMatchObject([{ reason: { code: 'reconnect-failed' } }]);
    expect(host.sessionsOf('member.reconnected')).toEqual([]);
  });
});
