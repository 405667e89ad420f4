import { afterEach, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import type { BackendFlavour } from './helpers/sim-world.js';
import { createRuntimeWorld, userId, type RuntimeWorld } from './helpers/runtime-world.js';
import { ThinMember } from './helpers/thin-member.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

describe.each<BackendFlavour>(['simulated', 'steamworks-adapter'])('a full lobby of 250 members (%s)', (flavour) => {
  it('connects the owner and two guests to everyone, delivers both ways, and closes every session on leave', async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const host = w.player(0);
    const guests = [w.player(1), w.player(2)];
    const created = host.runtime.createLobby({ maxMembers: 250 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const result = await created;
    if (!result.ok) throw new Error(result.error.reason);

    const bots = Array.from({ length: 247 }, (_, i) => new ThinMember(w.sim.user({ id: userId(10 + i), name: `bot${i}` })));
    let frame = 0;
    w.everyFrame(() => {
      frame++;
      for (const bot of bots) bot.tick();
      if (frame % 60 === 0) for (const bot of bots) bot.heartbeat();
    });
    for (const bot of bots) bot.backend.joinLobby(result.lobbyId);
    for (const guest of guests) void guest.runtime.joinLobby(result.lobbyId);

    const everyone = [host, ...guests];
    expect(await w.runUntil(() => everyone.every((p) => p.runtime.allConnected() && p.runtime.members().length === 250), 20_000)).toBe(true);
    expect(w.sim.steam.lobby(result.lobbyId)?.members).toHaveLength(250);
    expect(host.runtime.members().filter((m) => m.session === 'connected')).toHaveLength(249);

    // Every bot talks to the owner; the owner answers everyone at once.
    const codec = createPacketCodec();
    const frameBytes = codec.encode({ hello: 'owner' }, { channel: 1 });
    if (!frameBytes.ok) throw new Error(frameBytes.detail);
    const inbox = host.listen(1);
    for (const bot of bots) bot.sendFrame(host.id, frameBytes.value, 1);
    expect(host.runtime.send('all', { welcome: true }, { channel: 4 })).toEqual({ ok: true, recipients: 249 });
    const guestInbox = guests[0]!.listen(4);
    await w.run(2_000);
    expect(new Set(inbox.map((m) => m.from))).toEqual(new Set(bots.map((b) => b.id)));
    expect(bots.every((b) => b.received.get(4) === 1)).toBe(true);
    expect(guestInbox).toEqual([{ from: host.id, channel: 4, value: { welcome: true } }]);
    // Liveness held through the whole run: no peer of the owner failed.
    expect(host.errorsOf('session-failed')).toEqual([]);
    const stats = host.runtime.stats();
    // Liveness held on the ledger alone, though hundreds of packets arrived (a frame and a handshake per bot).
    expect(stats.packetsRead).toBeGreaterThanOrEqual(2 * bots.length);

    host.runtime.leaveLobby();
    await w.run(500);
    expect(host.sessionsOf('peer.closed')).toHaveLength(249);
    expect(host.runtime.members()).toEqual([]);
    for (const guest of guests) {
      expect(guest.runtime.lobbyState().ownerId).not.toBe(host.id);
      expect(guest.sessionsOf('peer.closed').filter((e) => e.remoteId === host.id)).toHaveLength(1);
    }
  });
});
