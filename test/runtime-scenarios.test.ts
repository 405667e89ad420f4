import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType } from '../src/effects/backend.js';
import { connectLobbyArgs } from '../src/effects/sim/network.js';
import { isChatFrame } from '../src/effects/steamworks/chat-frame.js';
import { hostileClasses } from './helpers/hostile-packets.js';
import type { BackendFlavour } from './helpers/sim-world.js';
import { createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

const FLAVOURS: readonly BackendFlavour[] = ['simulated', 'steamworks-adapter'];

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

function newWorld(flavour: BackendFlavour): RuntimeWorld {
  world = createRuntimeWorld(flavour);
  return world;
}

async function hostLobby(w: RuntimeWorld, host: Player, maxMembers = 16) {
  const created = host.runtime.createLobby({ lobbyType: 2, maxMembers, data: { mode: 'ctf' } });
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(`create failed: ${result.error.reason}`);
  return result.lobbyId;
}

async function connectedLobby(w: RuntimeWorld, size: number) {
  const players = Array.from({ length: size }, (_, i) => w.player(i));
  const host = players[0]!;
  const lobbyId = await hostLobby(w, host, Math.max(16, size));
  for (const p of players.slice(1)) void p.runtime.joinLobby(lobbyId);
  const ok = await w.runUntil(
    () => players.every((p) => p.runtime.allConnected() && p.runtime.members().length === size),
    15_000,
  );
  if (!ok) throw new Error('lobby did not connect');
  return { players, host, guests: players.slice(1), lobbyId };
}

describe.each(FLAVOURS)('runtime scenarios (%s)', (flavour) => {
  it('connects 8 members to each other and delivers a broadcast to all of them', async () => {
    const w = newWorld(flavour);
    const { players, guests } = await connectedLobby(w, 8);
    for (const p of players) {
      expect(p.runtime.members().filter((m) => !m.isSelf).every((m) => m.session === 'connected')).toBe(true);
    }
    const inboxes = guests.map((g) => g.listen(3));
    const sender = guests[2]!;
    expect(sender.runtime.send('all', { round: 2 }, { channel: 3 })).toEqual({ ok: true, recipients: 7 });
    await w.run(300);
    inboxes.forEach((inbox, i) => {
      expect(inbox).toEqual(guests[i] === sender ? [] : [{ from: sender.id, channel: 3, value: { round: 2 } }]);
    });
  });

  it('moves ownership when the owner leaves, and everyone else stays connected', async () => {
    const w = newWorld(flavour);
    const { host, guests } = await connectedLobby(w, 4);
    host.runtime.leaveLobby();
    expect(await w.runUntil(() => guests.every((g) => g.runtime.members().length === 3), 5_000)).toBe(true);
    await w.run(200);
    const owners = new Set(guests.map((g) => g.runtime.lobbyState().ownerId));
    expect(owners.size).toBe(1);
    const newOwner = [...owners][0]!;
    expect(guests.map((g) => g.id)).toContain(newOwner);
    for (const g of guests) {
      expect(g.lifecycleOf('lifecycle.ownerChanged')).toMatchObject([{ ownerId: newOwner, isSelf: g.id === newOwner }]);
      expect(g.runtime.allConnected()).toBe(true);
      expect(g.sessionsOf('peer.closed')).toMatchObject([{ remoteId: host.id, reason: { cause: 'member-left' } }]);
    }
    // Owner-only commands follow the new owner; an epoch from before the change is refused.
    const former = guests.find((g) => g.id !== newOwner)!;
    const owner = guests.find((g) => g.id === newOwner)!;
    expect(former.runtime.startGame()).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'not-owner' } });
    const staleEpoch = owner.runtime.lobbyState().epoch - 1;
    expect(owner.runtime.startGame({ epoch: staleEpoch })).toMatchObject({ ok: false, error: { code: 'stale-epoch' } });
    expect(owner.runtime.startGame()).toEqual({ ok: true });
    await w.run(300);
    expect(former.runtime.lobbyData()['lobbykit:started']).toBe('1');
  });

  it('survives the owner leaving mid-handshake', async () => {
    const w = newWorld(flavour);
    const host = w.player(0);
    const guest = w.player(1);
    const lobbyId = await hostLobby(w, host);
    const joined = guest.runtime.joinLobby(lobbyId);
    await w.runUntil(() => guest.runtime.lobbyState().status === 'joined', 5_000);
    // The guest is in and has just sent its handshake; the owner walks out before answering.
    expect(guest.sessionsOf('peer.connected')).toEqual([]);
    host.runtime.leaveLobby();
    await w.run(3_000);
    expect(await joined).toEqual({ ok: true, lobbyId });
    expect(guest.runtime.lobbyState()).toMatchObject({ status: 'joined', ownerId: guest.id, isOwner: true });
    expect(guest.runtime.members().map((m) => m.id)).toEqual([guest.id]);
    expect(guest.sessionsOf('peer.closed')).toMatchObject([{ remoteId: host.id, reason: { cause: 'member-left' } }]);
    expect(guest.runtime.allConnected()).toBe(true);
    expect(host.runtime.lobbyState().status).toBe('idle');
  });

  it('retries a peer that vanished behind a partition and reconnects when it comes back', async () => {
    const w = newWorld(flavour);
    const { host, guests } = await connectedLobby(w, 2);
    const guest = guests[0]!;
    w.sim.steam.faults.partition([guest.id]);
    expect(await w.runUntil(() => host.errorsOf('session-failed').length > 0, 10_000)).toBe(true);
    const failure = host.errorsOf('session-failed')[0]!;
    expect(failure).toMatchObject({ remoteId: guest.id, failure: { code: 'liveness-timeout' } });
    expect(failure.reason).toMatch(new RegExp(`^Session failure with ${guest.id} \\[nothing heard for \\d+ ms\\]\\.$`));
    expect(failure.retryInMs).toBeGreaterThan(0);
    expect(host.runtime.allConnected()).toBe(false);
    w.sim.steam.faults.heal();
    expect(await w.runUntil(() => host.runtime.allConnected() && guest.runtime.allConnected(), 20_000)).toBe(true);
    expect(host.sessionsOf('peer.connected').filter((e) => e.remoteId === guest.id).length).toBeGreaterThanOrEqual(2);
    const inbox = host.listen(1);
    guest.runtime.send(host.id, 'back', { channel: 1 });
    await w.run(200);
    expect(inbox.map((m) => m.value)).toEqual(['back']);
  });

  it('cancels a create cleanly when leaving during it: no stale lobby, and a new create works', async () => {
    const w = newWorld(flavour);
    const host = w.player(0);
    const first = host.runtime.createLobby();
    expect(host.runtime.leaveLobby()).toEqual({ ok: true });
    await w.run(1_000);
    expect(await first).toMatchObject({ ok: false, error: { kind: 'create-failed', code: 'cancelled' } });
    expect(host.runtime.lobbyState().status).toBe('idle');
    expect(w.sim.steam.lobbies().filter((l) => l.members.includes(host.id))).toEqual([]);
    const lobbyId = await hostLobby(w, host);
    expect(w.sim.steam.lobbies().filter((l) => l.members.includes(host.id)).map((l) => l.id)).toEqual([lobbyId]);
    expect(host.lifecycleOf('lifecycle.entered')).toHaveLength(1);
  });

  it('cancels a join cleanly when leaving during it: no double join, and joining again works', async () => {
    const w = newWorld(flavour);
    const host = w.player(0);
    const guest = w.player(1);
    const lobbyId = await hostLobby(w, host);
    const first = guest.runtime.joinLobby(lobbyId);
    const doubled = guest.runtime.joinLobby(lobbyId);
    expect(guest.runtime.leaveLobby()).toEqual({ ok: true });
    await w.run(1_000);
    expect(await doubled).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'busy' } });
    expect(await first).toMatchObject({ ok: false, error: { kind: 'join-failed', code: 'cancelled' } });
    expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([host.id]);
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.id]);
    const again = guest.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    expect(await again).toEqual({ ok: true, lobbyId });
    expect(guest.lifecycleOf('lifecycle.entered')).toHaveLength(1);
  });

  it('refuses session requests and packets from users who are not members, and counts them', async () => {
    const w = newWorld(flavour);
    const { host } = await connectedLobby(w, 2);
    const stranger = w.sim.user({ id: userId(50), name: 'stranger' });
    const codec = createPacketCodec();
    const frame = codec.encode({ cheat: true }, { channel: 1 });
    if (!frame.ok) throw new Error(frame.detail);
    const inbox = host.listen(1);
    stranger.sendP2P(host.id, frame.value, P2PSendType.reliable, 1);
    await w.run(500);
    expect(host.errorsOf('session-refused')).toMatchObject([{ remoteId: stranger.localUserId(), code: 'not-a-member' }]);
    expect(host.runtime.stats().sessionRequestsRefused).toBe(1);

    // Even if the transport lets a stranger's packets through, the data plane drops them before decoding.
    host.backend.acceptSession(stranger.localUserId());
    const before = host.runtime.stats();
    for (let i = 0; i < 5; i++) stranger.sendP2P(host.id, frame.value, P2PSendType.reliable, 1);
    await w.run(500);
    const after = host.runtime.stats();
    // The first packet, held by Steam while the session request waited, arrives with the other five.
    expect(after.droppedNonMember - before.droppedNonMember).toBe(6);
    expect(after.decodeErrors).toBe(before.decodeErrors);
    expect(inbox).toEqual([]);
  });

  it('turns hostile packets from a member into typed errors and keeps going', async () => {
    const w = newWorld(flavour);
    const { host, guests } = await connectedLobby(w, 2);
    const guest = guests[0]!;
    // Labelled by the generators that broke them (helpers/hostile-packets.ts); not bit flips, which may make a chat frame.
    const classes = hostileClasses(8, 4242);
    const hostile = (['randomBytes', 'truncated', 'wrongVersion', 'unknownKind', 'zipBomb', 'oversize', 'garbagePayload'] as const).flatMap((c) => classes[c]);
    // The steamworks.js adapter takes frames of kind 'chat' for its emulated lobby chat before they are packets.
    const reachesRuntime = (bytes: Uint8Array) => flavour === 'simulated' || !isChatFrame(bytes);
    const inbox = host.listen(1);
    // A hostile client sends on the channel its bytes claim (the adapter refuses a mismatch before the wire).
    const sent = hostile.filter((p) => guest.backend.sendP2P(host.id, p.bytes, P2PSendType.reliable, p.channel));
    expect(sent.length).toBeGreaterThan(hostile.length / 2);
    const labels = sent.filter((p) => reachesRuntime(p.bytes)).map((p) => p.expected);
    const expectedErrors = labels.length;
    await w.run(1_000);
    const decodeErrors = host.errorsOf('decode-failed');
    expect(decodeErrors).toHaveLength(expectedErrors);
    expect(decodeErrors.every((e) => e.from === guest.id && e.reason.includes(e.code))).toBe(true);
    // The failures, cause by cause, are the ones the generators labelled (reads interleave channels: compare sorted).
    expect(decodeErrors.map((e) => `error:${e.code}`).sort()).toEqual(labels.sort());
    expect(labels.filter((code) => code === 'error:oversize').length).toBeGreaterThanOrEqual(2);
    expect(host.runtime.stats().decodeErrors).toBe(expectedErrors);
    guest.runtime.send(host.id, { after: 'storm' }, { channel: 1 });
    await w.run(300);
    expect(inbox.at(-1)).toEqual({ from: guest.id, channel: 1, value: { after: 'storm' } });
    expect(host.runtime.allConnected()).toBe(true);
  });

  it('refuses oversize and malformed sends before anything goes on the wire', async () => {
    const w = newWorld(flavour);
    const { host, guests } = await connectedLobby(w, 2);
    const guest = guests[0]!;
    const inbox = host.listen(0);
    const sentBefore = w.sim.steam.stats.sent;
    // Seeded noise, so compression cannot shrink it under the limit.
    const noise = (n: number) => fc.sample(fc.uint8Array({ minLength: n, maxLength: n }), { seed: 99, numRuns: 1 })[0]!;
    const big = noise(2_000);
    expect(guest.runtime.send(host.id, big, { reliable: false })).toMatchObject({
      ok: false,
      error: { kind: 'send-refused', code: 'too-large', codecCode: 'too-large-to-send' },
    });
    const huge = noise(1_100_000);
    expect(guest.runtime.send('all', huge)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(guest.runtime.send(host.id, 1, { channel: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(guest.runtime.send(userId(99), 1)).toMatchObject({ ok: false, error: { code: 'not-a-member' } });
    expect(guest.runtime.sendChat('x'.repeat(5_000))).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(w.sim.steam.stats.sent).toBe(sentBefore);
    expect(guest.runtime.stats().sendsRefused).toBe(5);
    expect(guest.errorsOf('send-refused')).toHaveLength(5);
    // The same payload fits reliably.
    expect(guest.runtime.send(host.id, big)).toEqual({ ok: true, recipients: 1 });
    await w.run(300);
    expect(inbox).toHaveLength(1);
  });

  it('answers calls in the wrong state with typed errors, never a throw', async () => {
    const w = newWorld(flavour);
    const host = w.player(0);
    const guest = w.player(1);
    expect(guest.runtime.send('all', 1)).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'not-in-lobby' } });
    expect(guest.runtime.leaveLobby()).toMatchObject({ ok: false, error: { code: 'not-in-lobby' } });
    expect(guest.runtime.kick(host.id)).toMatchObject({ ok: false, error: { code: 'not-in-lobby' } });
    expect(guest.runtime.sendChat('hi')).toMatchObject({ ok: false, error: { code: 'not-in-lobby' } });
    expect(await guest.runtime.joinLobby(-1n)).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(await guest.runtime.createLobby({ maxMembers: 251 })).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    const lobbyId = await hostLobby(w, host);
    const again = await host.runtime.createLobby();
    expect(again).toMatchObject({ ok: false, error: { code: 'already-in-lobby' } });
    void guest.runtime.joinLobby(lobbyId);
    await w.runUntil(() => guest.runtime.allConnected() && guest.runtime.members().length === 2, 10_000);
    expect(guest.runtime.kick(host.id)).toMatchObject({ ok: false, error: { code: 'not-owner' } });
    expect(guest.runtime.setLobbyData('mode', 'race')).toMatchObject({ ok: false, error: { code: 'not-owner' } });
    host.runtime.dispose();
    expect(host.runtime.send('all', 1)).toMatchObject({ ok: false, error: { code: 'disposed' } });
    expect(await host.runtime.joinLobby(lobbyId)).toMatchObject({ ok: false, error: { code: 'disposed' } });
    expect(() => host.runtime.tick()).not.toThrow();
    await w.run(500);
    // Disposing left the lobby: the guest saw the owner go.
    expect(guest.runtime.members().map((m) => m.id)).toEqual([guest.id]);
  });

  it('joins from +connect_lobby at start-up, and from a join request while running', async () => {
    const w = newWorld(flavour);
    const host = w.player(0);
    const lobbyId = await hostLobby(w, host);
    const launched = w.player(1, { launchArgs: ['-windowed', ...connectLobbyArgs(lobbyId)] });
    expect(await w.runUntil(() => launched.runtime.allConnected() && launched.runtime.members().length === 2, 10_000)).toBe(true);
    expect(launched.lifecycleOf('lifecycle.entered')).toMatchObject([{ lobbyId, role: 'member' }]);

    const friend = w.player(2);
    w.sim.steam.befriend(host.id, friend.id);
    w.sim.steam.requestJoin(friend.id, lobbyId, host.id);
    expect(await w.runUntil(() => friend.runtime.allConnected() && friend.runtime.members().length === 3, 10_000)).toBe(true);
    expect(host.runtime.members().map((m) => m.id).sort()).toEqual([host.id, launched.id, friend.id].sort());
  });
});

describe('runtime scenarios that need native kick, ban and invites (simulated)', () => {
  it('shows an invite (who, which lobby) and follows it only when accepted', async () => {
    const w = newWorld('simulated');
    const host = w.player(0);
    const friend = w.player(1);
    // Steam invites come from friends, whose persona names a client already knows.
    w.sim.steam.befriend(host.id, friend.id);
    const lobbyId = await hostLobby(w, host);
    expect(host.runtime.invite(friend.id)).toEqual({ ok: true });
    expect(await w.runUntil(() => friend.lifecycleOf('lifecycle.inviteReceived').length > 0, 10_000)).toBe(true);
    const [invite] = friend.lifecycleOf('lifecycle.inviteReceived');
    expect(invite).toEqual({ type: 'lifecycle.inviteReceived', lobbyId, from: host.id, fromName: 'player0' });
    await w.run(2_000);
    expect(friend.runtime.lobbyState().status).toBe('idle');
    const accepted = friend.runtime.acceptInvite(invite!);
    expect(await w.runUntil(() => friend.runtime.allConnected() && friend.runtime.members().length === 2, 10_000)).toBe(true);
    expect(await accepted).toEqual({ ok: true, lobbyId });
  });

  it('kicks and bans members, closes their sessions, and keeps them out', async () => {
    const w = newWorld('simulated');
    const { host, guests, lobbyId } = await connectedLobby(w, 3);
    const [kicked, banned] = guests as [Player, Player];
    expect(host.runtime.kick(kicked.id)).toEqual({ ok: true });
    expect(host.runtime.ban(banned.id)).toEqual({ ok: true });
    await w.run(1_000);
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.id]);
    expect(host.sessionsOf('peer.closed').map((e) => [e.remoteId, e.reason])).toEqual([
      [kicked.id, { code: 'closed-by-runtime', cause: 'member-kicked' }],
      [banned.id, { code: 'closed-by-runtime', cause: 'member-banned' }],
    ]);
    expect(kicked.lifecycleOf('lifecycle.left')).toMatchObject([{ reason: { code: 'kicked', by: host.id } }]);
    // Steam's LobbyKicked has no ban flag; the owner's notice in lobby chat says which it was, and who did it.
    expect(banned.lifecycleOf('lifecycle.left')).toMatchObject([{ reason: { code: 'banned', by: host.id, reason: 'You were banned from the lobby.' } }]);
    expect(kicked.runtime.lobbyState().status).toBe('idle');

    // The banned member cannot come back (Steam's enter response 6); the kicked one is kicked again at once.
    expect(await (async () => {
      const again = banned.runtime.joinLobby(lobbyId);
      await w.run(1_000);
      return again;
    })()).toMatchObject({ ok: false, error: { kind: 'join-failed', response: 6, reason: 'You are banned from this lobby.' } });
    void kicked.runtime.joinLobby(lobbyId);
    await w.run(2_000);
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.id]);
    expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([host.id]);
    expect(host.sessionsOf('peer.connected').filter((e) => e.remoteId === kicked.id)).toHaveLength(1);
  });
});

describe('runtime scenarios on the steamworks.js adapter (capabilities it lacks)', () => {
  it('refuses invite with the adapter\'s reason instead of pretending', async () => {
    const w = newWorld('steamworks-adapter');
    const { host } = await connectedLobby(w, 2);
    expect(host.runtime.invite(userId(9))).toMatchObject({ ok: false, error: { kind: 'backend-refused' } });
    await w.run(500);
    expect(host.runtime.members()).toHaveLength(2);
    expect(host.runtime.allConnected()).toBe(true);
  });

  it("kicks without Steam's kick: the owner's notice makes the target leave and every member drop them", async () => {
    const w = newWorld('steamworks-adapter');
    const { host, guests, lobbyId } = await connectedLobby(w, 3);
    const [target, other] = guests as [Player, Player];
    expect(host.runtime.kick(target.id)).toEqual({ ok: true });
    await w.run(1_000);
    expect(target.lifecycleOf('lifecycle.left')).toMatchObject([{ lobbyId, reason: { code: 'kicked', by: host.id } }]);
    expect(target.runtime.lobbyState().status).toBe('idle');
    for (const p of [host, other]) expect(p.runtime.members().map((m) => m.id).sort()).toEqual([host.id, other.id].sort());
    expect(other.sessionsOf('member.dismissed')).toMatchObject([{ memberId: target.id, change: 'kicked', by: host.id }]);
    // Steam itself never removed them: the target left by itself.
    expect([...(w.sim.steam.lobby(lobbyId)?.members ?? [])].sort()).toEqual([host.id, other.id].sort());
    // Back again: the owner's lobbykit notices and kicks them again the same way; nobody admits them meanwhile.
    void target.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => target.lifecycleOf('lifecycle.left').length === 2, 5_000)).toBe(true);
    expect(target.lifecycleOf('lifecycle.left')[1]).toMatchObject({ reason: { code: 'kicked', by: host.id } });
    expect(host.runtime.members().map((m) => m.id).sort()).toEqual([host.id, other.id].sort());
    expect(host.runtime.stats().expelledRejoins).toBe(1);
  });
});
