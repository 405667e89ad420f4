import { afterEach, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType, type Backend } from '../src/effects/backend.js';
import { createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

// Intruders against a running lobby (simulated Steam, which has native kick and ban): a stranger, a member who
// writes someone else's id into a payload, and a kicked and a banned user who try to come back and keep sending.
// Nothing from them is delivered, no session of theirs is accepted, and every attempt is counted in stats().
//
// Kicked vs banned: Steam refuses a banned user's join itself (enter response 6). Steam has no kick that lasts, so
// a kicked user's join succeeds at Steam; lobbykit keeps them out for the rest of that lobby on every runtime that
// saw the kick: they are not admitted (stats.expelledRejoins), their sessions are refused, and the owner kicks them
// again at once. Their own runtime sees the join succeed, then a kick.

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

const codec = createPacketCodec();
function encoded(value: unknown, channel = 1): Uint8Array {
  const frame = codec.encode(value, { channel });
  if (!frame.ok) throw new Error(frame.detail);
  return frame.value;
}

async function lobbyOf(w: RuntimeWorld, size: number) {
  const players = Array.from({ length: size }, (_, i) => w.player(i));
  const host = players[0]!;
  const created = host.runtime.createLobby({ maxMembers: 16 });
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  for (const p of players.slice(1)) void p.runtime.joinLobby(result.lobbyId);
  const ok = await w.runUntil(() => players.every((p) => p.runtime.allConnected() && p.runtime.members().length === size), 15_000);
  if (!ok) throw new Error('lobby did not connect');
  return { players, host, lobbyId: result.lobbyId };
}

/** Sends `count` frames from `backend` to each of `targets`, a frame per target per 100 ms of virtual time. */
async function keepSending(w: RuntimeWorld, backend: Backend, targets: readonly bigint[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (const to of targets) backend.sendP2P(to, encoded({ intrusion: i }), P2PSendType.reliable, 1);
    await w.run(100);
  }
}

describe('intruders (simulated Steam)', () => {
  it('a stranger: every session request refused and counted, no packet read, even over many session timeouts', async () => {
    const w = createRuntimeWorld('simulated', 41);
    world = w;
    const { host, players } = await lobbyOf(w, 3);
    const inboxes = players.map((p) => p.listen(1));
    const stranger = w.sim.user({ id: userId(60), name: 'stranger' });
    // Three rounds, each outliving Steam's 10 s session timeout, so each opens a new session request.
    for (let round = 0; round < 3; round++) {
      await keepSending(w, stranger, players.map((p) => p.id), 5);
      await w.run(11_000);
    }
    for (const p of players) {
      const stats = p.runtime.stats();
      expect(stats.sessionRequestsRefused).toBe(3);
      expect(p.errorsOf('session-refused')).toEqual(
        Array.from({ length: 3 }, () => expect.objectContaining({ remoteId: stranger.localUserId(), code: 'not-a-member' })),
      );
      expect(p.runtime.members().map((m) => m.id)).not.toContain(stranger.localUserId());
    }
    expect(inboxes.every((inbox) => inbox.length === 0)).toBe(true);

    // A transport that let the stranger through anyway (say, a session accepted by other code): the data plane
    // still drops every packet before decoding, and counts each.
    host.backend.acceptSession(stranger.localUserId());
    const before = host.runtime.stats();
    await keepSending(w, stranger, [host.id], 25);
    await w.run(500);
    const after = host.runtime.stats();
    expect(after.droppedNonMember - before.droppedNonMember).toBe(25);
    expect(after.decodeErrors).toBe(before.decodeErrors);
    expect(after.messagesDelivered).toBe(before.messagesDelivered);
    expect(inboxes[0]).toEqual([]);
  });

  it('a member who names someone else in a payload is still only themselves', async () => {
    const w = createRuntimeWorld('simulated', 42);
    world = w;
    const { players } = await lobbyOf(w, 3);
    const [host, liar, victim] = players as [Player, Player, Player];
    const inbox = host.listen(1);
    expect(liar.runtime.send(host.id, { from: victim.id.toString(), steamId: victim.id, message: 'handshake' }, { channel: 1 })).toMatchObject({ ok: true });
    // The seed's own handshake shape, forged on the raw transport: a payload, not an identity.
    liar.backend.sendP2P(host.id, encoded({ message: 'handshake', from: victim.id }), P2PSendType.reliable, 1);
    await w.run(500);
    expect(inbox).toHaveLength(2);
    expect(inbox.every((m) => m.from === liar.id)).toBe(true);
    expect(host.runtime.members().find((m) => m.id === victim.id)?.session).toBe('connected');
    expect(host.errorsOf('session-refused')).toEqual([]);
  });

  it('a kicked and a banned user: rejoins refused, sessions refused, packets never delivered, each attempt counted', async () => {
    const w = createRuntimeWorld('simulated', 43);
    world = w;
    const { players, host, lobbyId } = await lobbyOf(w, 4);
    const [, guest, kicked, banned] = players as [Player, Player, Player, Player];
    const inboxes = [host.listen(1), guest.listen(1)];
    expect(host.runtime.kick(kicked.id)).toEqual({ ok: true });
    expect(host.runtime.ban(banned.id)).toEqual({ ok: true });
    await w.run(1_000);
    for (const p of [host, guest]) expect(p.runtime.members().map((m) => m.id).sort()).toEqual([host.id, guest.id].sort());

    // Both keep sending to the two who stayed, through their runtimes' transports (their runtimes have left).
    const stay = [host.id, guest.id];
    await keepSending(w, kicked.backend, stay, 20);
    await keepSending(w, banned.backend, stay, 20);
    await w.run(1_000);
    for (const p of [host, guest]) {
      // One session request from each (Steam asks once per session); their packets wait at Steam, never read.
      expect(p.errorsOf('session-refused').map((e) => [e.remoteId, e.code])).toEqual([
        [kicked.id, 'expelled'],
        [banned.id, 'expelled'],
      ]);
      expect(p.runtime.stats().sessionRequestsRefused).toBe(2);
    }

    // They try to come back, three times each.
    for (let attempt = 0; attempt < 3; attempt++) {
      const bannedJoin = banned.runtime.joinLobby(lobbyId);
      void kicked.runtime.joinLobby(lobbyId);
      await w.run(2_000);
      expect(await bannedJoin).toMatchObject({ ok: false, error: { kind: 'join-failed', response: 6 } });
    }
    // The kicked user got in at Steam each time and was kicked again by the owner at once.
    expect(kicked.lifecycleOf('lifecycle.entered')).toHaveLength(4);
    expect(kicked.lifecycleOf('lifecycle.left').map((e) => e.reason)).toEqual(
      Array.from({ length: 4 }, () => expect.objectContaining({ code: 'kicked', by: host.id })),
    );
    expect([...(w.sim.steam.lobby(lobbyId)?.members ?? [])].sort()).toEqual([host.id, guest.id].sort());
    for (const p of [host, guest]) {
      const stats = p.runtime.stats();
      expect(stats.expelledRejoins).toBe(3);
      expect(p.runtime.members().map((m) => m.id).sort()).toEqual([host.id, guest.id].sort());
      // Only the sessions of the first stay were ever accepted: none for either after the kick or ban.
      expect(p.sessionsOf('peer.connected').filter((e) => e.remoteId === kicked.id || e.remoteId === banned.id)).toHaveLength(2);
    }

    // Even with the transport open to them (the session accepted behind the runtime's back), every packet is
    // dropped before decoding and counted as from someone expelled. What they sent earlier Steam held for the
    // unanswered request; it is dropped at the request's 10 s timeout, which passes first.
    await w.run(10_000);
    host.backend.acceptSession(kicked.id);
    host.backend.acceptSession(banned.id);
    const before = host.runtime.stats();
    await keepSending(w, kicked.backend, [host.id], 15);
    await keepSending(w, banned.backend, [host.id], 15);
    await w.run(500);
    const after = host.runtime.stats();
    expect(after.droppedExpelled - before.droppedExpelled).toBe(2 * 15);
    expect(after.messagesDelivered).toBe(before.messagesDelivered);
    expect(after.decodeErrors).toBe(before.decodeErrors);
    expect(inboxes.every((inbox) => inbox.length === 0)).toBe(true);
    expect(host.errorsOf('internal')).toEqual([]);
  });
});
