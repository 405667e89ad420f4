import { afterEach, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType } from '../src/effects/backend.js';
import { createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import { expectedOutcomes, hostileClasses, tally } from './helpers/hostile-packets.js';
import { ThinMember } from './helpers/thin-member.js';

// 20,000 hostile packets from a lobby member (a bare backend speaking just enough protocol to be connected) into a
// running runtime, class by class. Each packet is labelled by the generator that broke it (helpers/hostile-packets.ts
// builds frames from the wire format by hand and knows what each break must come to), and each class's outcomes,
// counted by the runtime, must equal its labels. Nothing throws; light packets never queue up, heavy ones (zip bombs)
// wait in the backlog under the decode budget, and those still waiting after five seconds are shed as over-budget
// (a heavy packet's label allows it); all drain after the storm; a valid message sent afterwards is delivered. The 1,000,000-packet run is `npm run bench -- hostile`.

const SEED = 7_000_007;
const PER_CLASS = 2_500;
/** Packets the hostile member sends per frame: the runtime's read limit, so a runtime that keeps up drains them. */
const PER_FRAME = 32;

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

describe('hostile packets from a lobby member (simulated Steam, seeded)', () => {
  it(`turns ${8 * PER_CLASS} hostile packets into typed errors counted by code, keeps up, and delivers what comes after`, async () => {
    const w = createRuntimeWorld('simulated', 31);
    world = w;
    const host: Player = w.player(0);
    const created = host.runtime.createLobby({ maxMembers: 4 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    const hostile = new ThinMember(w.sim.user({ id: userId(9), name: 'hostile' }));
    let heartbeats = 0;
    let frames = 0;
    w.everyFrame(() => {
      hostile.tick();
      // A heartbeat a second keeps the member's session alive while it sends nothing valid.
      if (++frames % 60 === 0) {
        hostile.heartbeat();
        heartbeats += hostile.peers.size;
      }
    });
    hostile.backend.joinLobby(lobby.lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);

    const inbox = host.listen(1);
    const timersBefore = w.sim.clock.pending;
    let maxLightQueued = 0;
    let thrown = 0;
    const classes = hostileClasses(PER_CLASS, SEED);
    for (const [name, packets] of Object.entries(classes)) {
      expect(packets, name).toHaveLength(PER_CLASS);
      const statsBefore = host.runtime.stats();
      const errorsBefore = host.errors.length;
      const heartbeatsBefore = heartbeats;
      const chatBefore = host.chat.length;
      const inboxBefore = inbox.length;
      let classQueued = 0;
      for (let at = 0; at < packets.length; at += PER_FRAME) {
        for (const { bytes } of packets.slice(at, at + PER_FRAME)) hostile.backend.sendP2P(host.id, bytes, P2PSendType.reliable, 0);
        try {
          await w.run(1000 / 60);
        } catch {
          thrown++;
        }
        classQueued = Math.max(classQueued, host.backend.pendingPackets());
      }
      const drained = await w.runUntil(() => host.backend.pendingPackets() === 0, 120_000);
      expect(drained, name).toBe(true);
      if (name !== 'zipBomb') maxLightQueued = Math.max(maxLightQueued, classQueued);
      const stats = host.runtime.stats();
      const errors = host.errors.slice(errorsBefore);
      const seen: Record<string, number> = {
        ...tally(errors.map((e) => (e.kind === 'decode-failed' ? `error:${e.code}` : `unexpected:${e.kind}`))),
        ...(inbox.length > inboxBefore ? { delivered: inbox.length - inboxBefore } : {}),
        ...(stats.unroutedMessages > statsBefore.unroutedMessages ? { unrouted: stats.unroutedMessages - statsBefore.unroutedMessages } : {}),
        ...(host.chat.length > chatBefore ? { chat: host.chat.length - chatBefore } : {}),
      };
      const control = stats.controlFrames - statsBefore.controlFrames - (heartbeats - heartbeatsBefore);
      if (control > 0) seen.control = control;
      expect(seen, name).toEqual(expectedOutcomes(packets, seen));
      expect(stats.packetsRead - statsBefore.packetsRead, name).toBe(PER_CLASS + (heartbeats - heartbeatsBefore));
      // Everything from the member was read and attributed to the member.
      expect(errors.every((e) => e.kind === 'decode-failed' && e.from === hostile.id)).toBe(true);
    }
    expect(thrown).toBe(0);
    expect(host.errorsOf('internal')).toEqual([]);
    // Every decode-failed error is a packet that did not decode or one the budget shed, each counted once.
    const { decodeErrors, shedOverBudget } = host.runtime.stats();
    expect(decodeErrors + shedOverBudget).toBe(host.errorsOf('decode-failed').length);
    // Bounded: light packets kept up (at most two frames' worth waiting), and nothing was left behind.
    expect(maxLightQueued).toBeLessThanOrEqual(2 * PER_FRAME + 2);
    expect(host.backend.pendingPackets()).toBe(0);
    expect(w.sim.clock.pending).toBeLessThanOrEqual(timersBefore);

    // The member is still connected, and a valid message sent after the storm is delivered.
    expect(host.runtime.allConnected()).toBe(true);
    const after = createPacketCodec().encode({ after: 'storm' }, { channel: 1 });
    if (!after.ok) throw new Error(after.detail);
    hostile.sendFrame(host.id, after.value, 1);
    await w.run(300);
    expect(inbox.at(-1)).toEqual({ from: hostile.id, channel: 1, value: { after: 'storm' } });
  });
});
