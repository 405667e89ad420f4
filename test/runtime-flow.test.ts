import { afterEach, describe, expect, it } from 'vitest';
import type { BackendFlavour } from './helpers/sim-world.js';
import { createRuntimeWorld, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

const FLAVOURS: readonly BackendFlavour[] = ['simulated', 'steamworks-adapter'];

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

async function lobbyOf(size: number, flavour: BackendFlavour) {
  const w = createRuntimeWorld(flavour);
  world = w;
  const players: Player[] = [];
  for (let i = 0; i < size; i++) players.push(w.player(i));
  const host = players[0]!;
  const created = host.runtime.createLobby({ lobbyType: 2, maxMembers: Math.max(size, 2), data: { name: 'ice map', mode: 'ctf' } });
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  return { w, players, host, lobbyId: result.lobbyId };
}

describe.each(FLAVOURS)('the seed flow end to end (%s)', (flavour) => {
  it('creates a public lobby with data, lists it with filters, joins, handshakes, chats, messages and leaves', async () => {
    const { w, players, host, lobbyId } = await lobbyOf(2, flavour);
    const guest = players[1]!;
    expect(host.runtime.lobbyState()).toMatchObject({ status: 'joined', lobbyId, isOwner: true });
    expect(host.runtime.lobbyData()).toMatchObject({ name: 'ice map', mode: 'ctf' });

    const listing = guest.runtime.findLobbies({ strings: [{ key: 'mode', value: 'ctf' }] });
    const none = guest.runtime.findLobbies({ strings: [{ key: 'mode', value: 'race' }] });
    await w.run(500);
    const found = await listing;
    expect(found.ok && found.lobbies.map((l) => l.lobbyId)).toEqual([lobbyId]);
    expect(found.ok && found.lobbies[0]!.data).toMatchObject({ name: 'ice map' });
    // A second list while one is in flight is refused, not doubled.
    expect(await none).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'list-in-flight' } });

    const joined = guest.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && guest.runtime.allConnected(), 10_000)).toBe(true);
    expect(await joined).toEqual({ ok: true, lobbyId });
    expect(guest.runtime.lobbyState()).toMatchObject({ status: 'joined', isOwner: false, ownerId: host.id });
    expect(guest.runtime.members().map((m) => [m.id, m.session]).sort()).toEqual(
      [[host.id, 'connected'], [guest.id, 'self']].sort(),
    );
    expect(host.sessionsOf('peer.connected').map((e) => e.remoteId)).toEqual([guest.id]);

    expect(guest.runtime.sendChat('gg! rematch on the ice map?')).toEqual({ ok: true });
    const hostReliable = host.listen(1);
    const hostUnreliable = host.listen(2);
    expect(guest.runtime.send(host.id, { tick: 1, hp: 90 }, { channel: 1 })).toEqual({ ok: true, recipients: 1 });
    expect(guest.runtime.send('all', { x: 2.5, y: -1 }, { channel: 2, reliable: false })).toEqual({ ok: true, recipients: 1 });
    await w.run(500);
    expect(host.chat.map((c) => [c.from, c.text])).toEqual([[guest.id, 'gg! rematch on the ice map?']]);
    expect(hostReliable).toEqual([{ from: guest.id, channel: 1, value: { tick: 1, hp: 90 } }]);
    expect(hostUnreliable).toEqual([{ from: guest.id, channel: 2, value: { x: 2.5, y: -1 } }]);

    expect(guest.runtime.leaveLobby()).toEqual({ ok: true });
    await w.run(1_000);
    expect(guest.runtime.lobbyState().status).toBe('idle');
    expect(guest.runtime.members()).toEqual([]);
    expect(guest.sessionsOf('peer.closed').map((e) => e.remoteId)).toEqual([host.id]);
    expect(host.sessionsOf('peer.closed')).toMatchObject([{ remoteId: guest.id, reason: { cause: 'member-left' } }]);
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.id]);
    expect(host.errors.concat(guest.errors).filter((e) => e.kind !== 'wrong-state')).toEqual([]);
  });
});
