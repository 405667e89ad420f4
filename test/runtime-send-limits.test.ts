// The small rules of sending, each from its documentation: which Steam channel a message goes out on
// (send-wires.ts), when a member is owed a heartbeat (liveness.ts), and what `stats().packetsSent` counts
// (RuntimeStats: "Game messages sent (one per recipient)").
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, Support } from '../src/effects/backend.js';
import { SIMULATED_CAPABILITIES } from '../src/effects/sim/backend.js';
import { heartbeatDue } from '../src/runtime/liveness.js';
import { LOBBYKIT_WIRE, tutorialWire, type PeerWire } from '../src/runtime/peer-wire.js';
import { steamChannel } from '../src/runtime/send-wires.js';
import { createRuntimeWorld, hostLobby, userId, type RuntimeWorld } from './helpers/runtime-world.js';
import { ThinMember } from './helpers/thin-member.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

/** steamChannel reads only the backend's capabilities: a backend that provides P2P channels this way. */
function backendWith(p2pChannels: Support): Backend {
  const only: Pick<Backend, 'capabilities'> = { capabilities: { ...SIMULATED_CAPABILITIES, p2pChannels } };
  return only as Backend;
}

describe('the Steam channel a message goes out on', () => {
  const tutorial = tutorialWire(3, true);
  // From steamChannel's doc comment: a lobbykit frame carries its channel in its header, so it needs the backend's
  // channels only where the backend has them (natively or emulated), and goes on 0 where it has none; a tutorial
  // peer reads the Steam channel itself, so only native channels carry the game's channel to it.
  const table: readonly [Support, PeerWire | undefined, number][] = [
    ['native', LOBBYKIT_WIRE, 5],
    ['emulated', LOBBYKIT_WIRE, 5],
    ['absent', LOBBYKIT_WIRE, 0],
    ['native', tutorial, 5],
    ['emulated', tutorial, 0],
    ['absent', tutorial, 0],
    ['native', undefined, 5],
    ['emulated', undefined, 0],
    ['absent', undefined, 0],
  ];
  for (const [support, wire, expected] of table) {
    it(`game channel 5 to a ${wire?.kind ?? 'tutorial (unknown)'} member over ${support} channels goes on Steam channel ${expected}`, () => {
      expect(steamChannel(backendWith(support), wire, 5)).toBe(expected);
    });
  }
});

describe('heartbeats owed (liveness.ts: one is owed only if less than 1 ms of the interval since the last stamp is left)', () => {
  it('owes none with exactly 1 ms left, one with less, and one to a member never sent anything', () => {
    expect(heartbeatDue(undefined, 0, 1_000)).toBe(true);
    expect(heartbeatDue(0, 500, 1_000)).toBe(false);
    expect(heartbeatDue(0, 999, 1_000)).toBe(false);
    expect(heartbeatDue(0, 999.5, 1_000)).toBe(true);
    expect(heartbeatDue(0, 1_000, 1_000)).toBe(true);
  });
});

describe('stats().packetsSent', () => {
  it('counts game messages sent, one per recipient', async () => {
    const w = createRuntimeWorld('simulated');
    world = w;
    const host = w.player(0);
    const lobbyId = await hostLobby(w, host, { maxMembers: 4 });
    const members = ['a', 'b'].map((name, i) => new ThinMember(w.sim.user({ id: userId(10 + i), name })));
    w.everyFrame(() => {
      for (const member of members) member.tick();
    });
    for (const member of members) member.backend.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 3, 5_000)).toBe(true);
    const before = host.runtime.stats().packetsSent;
    expect(host.runtime.send('all', { n: 1 })).toEqual({ ok: true, recipients: 2 });
    expect(host.runtime.stats().packetsSent - before).toBe(2);
    expect(host.runtime.send(members[0]!.id, { n: 2 }, { reliable: false })).toEqual({ ok: true, recipients: 1 });
    expect(host.runtime.stats().packetsSent - before).toBe(3);
  });
});
