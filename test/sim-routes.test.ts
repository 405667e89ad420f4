import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import type { Backend, P2PSendType } from '../src/effects/backend.js';
import { SimulatedBackend } from '../src/effects/sim/backend.js';
import { SimCore } from '../src/effects/sim/core.js';
import { WireLedger, countingBackend } from '../src/demo/traffic.js';
import { createLobbyRuntime, type ChannelMessage, type LobbyRuntime } from '../src/runtime.js';
import { createRuntimeWorld, userId, type RuntimeWorld } from './helpers/runtime-world.js';
import { createSimWorld, readAll } from './helpers/sim-world.js';

const ALICE = 76561198000000101n;
const BOB = 76561198000000102n;
const CAROL = 76561198000000103n;

function threeUsers() {
  const sim = createSimWorld('simulated');
  const [alice, bob, carol] = [ALICE, BOB, CAROL].map((id) => sim.user({ id, name: String(id) }));
  for (const b of [alice!, bob!, carol!]) for (const other of [ALICE, BOB, CAROL]) if (other !== b.localUserId()) b.acceptSession(other);
  return { sim, alice: alice!, bob: bob!, carol: carol! };
}

describe('the simulated backend’s P2P routes', () => {
  it('hands out a route once a first send made the link, and a send through it arrives as sendP2P’s does', () => {
    const { sim, alice, bob } = threeUsers();
    const routes = alice.p2pRoutes!;
    expect(routes.backend).toBe(alice);
    expect(routes.routeTo(BOB)).toBeUndefined();
    expect(alice.sendP2P(BOB, Uint8Array.of(1), 0, 1)).toBe(true);
    const route = routes.routeTo(BOB);
    expect(route).toBeTypeOf('number');
    expect(routes.send(route!, Uint8Array.of(2), 0, 1)).toBe(true);
    expect(routes.send(route!, Uint8Array.of(3), 2, 1)).toBe(true);
    sim.clock.advance(1_000);
    expect(readAll(bob, 1)).toEqual([
      { from: ALICE, bytes: Uint8Array.of(1) },
      { from: ALICE, bytes: Uint8Array.of(2) },
      { from: ALICE, bytes: Uint8Array.of(3) },
    ]);
  });

  it('refuses a route it did not make, and the payloads sendP2P refuses, and sends nothing for them', () => {
    const { sim, alice, bob, carol } = threeUsers();
    alice.sendP2P(BOB, Uint8Array.of(1), 0, 0);
    const alicesRoute = alice.p2pRoutes!.routeTo(BOB)!;
    carol.sendP2P(BOB, Uint8Array.of(1), 0, 0);
    const routes = carol.p2pRoutes!;
    const attempts: [number, Uint8Array, P2PSendType, number, string][] = [
      [alicesRoute, Uint8Array.of(9), 0, 0, 'invalid-argument'],
      [-1, Uint8Array.of(9), 0, 0, 'invalid-argument'],
      [0.5, Uint8Array.of(9), 0, 0, 'invalid-argument'],
      [1_000_000, Uint8Array.of(9), 0, 0, 'invalid-argument'],
      [routes.routeTo(BOB)!, new Uint8Array(1_201), 0, 0, 'too-large'],
      [routes.routeTo(BOB)!, Uint8Array.of(9), 7 as P2PSendType, 0, 'invalid-argument'],
      [routes.routeTo(BOB)!, Uint8Array.of(9), 0, -1, 'invalid-argument'],
    ];
    for (const [route, bytes, sendType, channel, code] of attempts) {
      expect(routes.send(route, bytes, sendType, channel)).toBe(false);
      expect(carol.lastRefusal()?.code).toBe(code);
    }
    sim.clock.advance(1_000);
    expect(readAll(bob, 0).map((p) => p.from)).toEqual([ALICE, CAROL]);
  });

  it('gives a subclass that overrides sendP2P no routes, so its override sees every send', () => {
    const core = new SimCore({ seed: 1, clock: new VirtualClock() });
    const user = core.users.add({ id: ALICE, name: 'alice' });
    class Counting extends SimulatedBackend {
      override sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
        return super.sendP2P(to, bytes, sendType, channel);
      }
    }
    expect(new Counting(core, user).p2pRoutes).toBeUndefined();
    expect(new SimulatedBackend(core, user).p2pRoutes).toBeDefined();
  });
});

describe('a runtime and its backend’s routes', () => {
  let world: RuntimeWorld | undefined;
  afterEach(() => {
    world?.dispose();
    world = undefined;
  });

  async function hostWith(guestRuntime: (w: RuntimeWorld) => LobbyRuntime) {
    const w = createRuntimeWorld('simulated');
    world = w;
    const host = w.player(0);
    const guest = guestRuntime(w);
    const created = host.runtime.createLobby({ lobbyType: 2, maxMembers: 4 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const result = await created;
    if (!result.ok) throw new Error(result.error.reason);
    void guest.joinLobby(result.lobbyId);
    expect(await w.runUntil(() => host.runtime.members().length === 2 && host.runtime.allConnected() && guest.allConnected(), 10_000)).toBe(true);
    return { w, host, guest };
  }

  it('sends to a member through its route after the first send, and every message arrives', async () => {
    const { w, host, guest } = await hostWith((w) => w.player(1).runtime);
    const got: ChannelMessage[] = [];
    guest.messages(1).subscribe((m) => got.push(m));
    const viaRoute = vi.spyOn(host.backend.p2pRoutes!, 'send');
    const viaId = vi.spyOn(host.backend, 'sendP2P');
    for (let i = 0; i < 5; i++) expect(host.runtime.send('all', { i }, { channel: 1, reliable: false })).toMatchObject({ ok: true, recipients: 1 });
    await w.run(500);
    expect(got.map((m) => [m.from, m.value])).toEqual([0, 1, 2, 3, 4].map((i) => [host.id, { i }]));
    const gameSends = (calls: unknown[][]) => calls.filter((args) => args[3] === 1).length;
    // The first send goes by id and fetches the route; the other four go through it.
    expect(gameSends(viaId.mock.calls)).toBe(1);
    expect(gameSends(viaRoute.mock.calls)).toBe(4);
  });

  it('does not use routes through a wrapper: a Proxy counting sendP2P sees every send', async () => {
    const ledger = new WireLedger();
    let counted: Backend | undefined;
    const { w, host, guest } = await hostWith((w) => {
      counted = countingBackend(w.sim.user({ id: userId(5), name: 'counted' }), ledger);
      const runtime = createLobbyRuntime({ backend: counted, clock: w.sim.clock });
      w.everyFrame(() => runtime.tick());
      return runtime;
    });
    const got: ChannelMessage[] = [];
    host.runtime.messages(1).subscribe((m) => got.push(m));
    expect(counted!.p2pRoutes?.backend).not.toBe(counted);
    for (let i = 0; i < 6; i++) expect(guest.send('all', { i }, { channel: 1, reliable: false })).toMatchObject({ ok: true, recipients: 1 });
    await w.run(500);
    expect(got.map((m) => m.value)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ i })));
    expect(ledger.channel(1).packets).toBe(6);
    guest.dispose();
  });
});
