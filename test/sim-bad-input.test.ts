// The simulated Steam under careless or hostile input: malformed lobby-list filters are refused at the call.
import { describe, expect, it } from 'vitest';
import { createLobbyRuntime } from '../src/runtime.js';
import { ALICE, BOB, createSimWorld, ofType } from './helpers/sim-world.js';

// Written from the filter rules: what a JavaScript caller may pass that is not a LobbyListFilters.
const MALFORMED_FILTERS: readonly [string, unknown][] = [
  ['strings: [null]', { strings: [null] }],
  ['strings: 5', { strings: 5 }],
  ['numbers: [undefined]', { numbers: [undefined] }],
  ['near: [{ key: 1 }]', { near: [{ key: 1, value: 2 }] }],
  ['numbers with an unknown comparison', { numbers: [{ key: 'k', value: 1, comparison: '~' }] }],
  ['numbers with NaN', { numbers: [{ key: 'k', value: Number.NaN, comparison: '==' }] }],
  ['resultCount: -1', { resultCount: -1 }],
  ['distance: 4', { distance: 4 }],
  ['null', null],
  ['a string', 'public'],
];

describe('simulated Steam: malformed lobby-list filters', () => {
  it.each(MALFORMED_FILTERS)('refuses %s at the call, queueing nothing', (_, filters) => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const before = world.steam.inFlight;
    expect(alice.requestLobbyList(filters as never)).toBe(false);
    expect(alice.lastRefusal()?.code).toBe('invalid-argument');
    expect(world.steam.inFlight).toBe(before);
  });

  it('keeps working for everyone after refusing them: lists, joins, no simulator errors', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    alice.createLobby(2, 4);
    await world.settle();
    const lobbyId = ofType(world.events(alice), 'lobbyCreated')[0]!.lobbyId;
    for (const [, filters] of MALFORMED_FILTERS) bob.requestLobbyList(filters as never);
    expect(bob.requestLobbyList({ strings: [{ key: 'mode', value: 'x' }] })).toBe(true);
    bob.joinLobby(lobbyId);
    expect(() => world.clock.advance(6_000)).not.toThrow();
    const events = world.events(bob);
    expect(ofType(events, 'lobbyList')).toHaveLength(1);
    expect(ofType(events, 'lobbyEntered').map((e) => e.response)).toEqual([1]);
    expect(world.steam.inFlight).toBe(0);
  });

  it('settles a runtime’s findLobbies with a typed failure instead of leaving it pending', async () => {
    const world = createSimWorld('simulated');
    const runtime = createLobbyRuntime({ backend: world.user({ id: ALICE, name: 'Alice' }), clock: world.clock });
    const outcome = runtime.findLobbies({ strings: [null] } as never);
    for (let i = 0; i < 30; i++) {
      world.clock.advance(1000 / 60);
      runtime.tick();
      await Promise.resolve();
    }
    const settled = await Promise.race([outcome, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
    expect(settled).not.toBe('pending');
    expect(settled !== 'pending' && settled.ok).toBe(false);
    runtime.dispose();
  });
});
