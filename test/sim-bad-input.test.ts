// The simulated Steam under careless or hostile input: malformed lobby-list filters are refused at the call, a
// happening that throws is reported once and never run again, and lobby data follows Steam's size rules.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { Scheduler, type Scheduled } from '../src/effects/sim/scheduler.js';
import { SteamCallbackId } from '../src/effects/steamworks/client-types.js';
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
    expect(world.steam.errors).toEqual([]);
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

/** A happening that records its firing, and throws if told to. */
function happening(log: string[], name: string, throws = false): Scheduled {
  return {
    due: 0,
    seq: 0,
    fire() {
      log.push(name);
      if (throws) throw new TypeError(`${name} broke`);
    },
  };
}

describe('simulated Steam: a happening that throws', () => {
  it('is reported once, never fired again, and the rest of its time and later times still run', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const log: string[] = [];
    scheduler.schedule(happening(log, 'a'), 10);
    scheduler.schedule(happening(log, 'broken', true), 10);
    scheduler.schedule(happening(log, 'b'), 10);
    scheduler.schedule(happening(log, 'later'), 20);
    expect(() => clock.advance(15)).not.toThrow();
    expect(() => clock.advance(100)).not.toThrow();
    expect(log).toEqual(['a', 'broken', 'b', 'later']);
    expect(scheduler.size).toBe(0);
    expect(scheduler.errors).toEqual([{ code: 'timer-threw', atMs: 10, detail: 'broken broke', error: expect.any(TypeError) }]);
    expect(scheduler.errorCount).toBe(1);
  });

  it('keeps the first 100 errors and counts the rest', () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const log: string[] = [];
    for (let i = 0; i < 150; i++) scheduler.schedule(happening(log, `t${i}`, true), 1 + (i % 3));
    clock.advance(10);
    expect(log).toHaveLength(150);
    expect(scheduler.errors).toHaveLength(100);
    expect(scheduler.errorCount).toBe(150);
    expect(scheduler.size).toBe(0);
  });

  it('a game callback that throws inside a steamworks.js-shaped client is reported on the simulated Steam', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    world.steam.addUser({ id: BOB, name: 'Bob' });
    const bobClient = world.steam.steamworksClient(BOB);
    let calls = 0;
    bobClient.callback.register(SteamCallbackId.LobbyChatUpdate as never, () => {
      calls++;
      throw new Error('game handler broke');
    });
    alice.createLobby(2, 4);
    await world.settle();
    const lobbyId = ofType(world.events(alice), 'lobbyCreated')[0]!.lobbyId;
    const joined = bobClient.matchmaking.joinLobby(lobbyId);
    await world.settle();
    expect((await joined).id).toBe(lobbyId);
    // Alice leaving tells Bob through LobbyChatUpdate: his handler throws inside the simulator's timer.
    alice.leaveLobby(lobbyId);
    expect(() => world.clock.advance(1_000)).not.toThrow();
    expect(() => world.clock.advance(10_000)).not.toThrow();
    expect(calls).toBe(1);
    expect(world.steam.errors.map((e) => [e.code, e.detail])).toEqual([['timer-threw', 'game handler broke']]);
    expect(world.steam.errorCount).toBe(1);
    expect(world.steam.inFlight).toBe(0);
    expect(world.steam.lobby(lobbyId)?.owner).toBe(BOB);
  });
});

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('simulated Steam: lobby data follows Steam’s limits (key ≤ 255 characters, value ≤ 8,192 bytes of UTF-8)', () => {
  // Values at and just past the limit, in one-, two-, three- and four-byte characters; sizes checked with Node's own
  // UTF-8 count below, so the table cannot drift from what it claims.
  const VALUES: readonly [string, string, boolean][] = [
    ['8,192 ASCII bytes', 'a'.repeat(8192), true],
    ['8,193 ASCII bytes', 'a'.repeat(8193), false],
    ['4,096 two-byte characters', 'é'.repeat(4096), true],
    ['4,097 two-byte characters (8,194 bytes in 4,097 characters)', 'é'.repeat(4097), false],
    ['2,730 three-byte characters and two ASCII', '€'.repeat(2730) + 'ab', true],
    ['2,731 three-byte characters', '€'.repeat(2731), false],
    ['2,048 emoji (surrogate pairs)', '😀'.repeat(2048), true],
    ['2,049 emoji', '😀'.repeat(2049), false],
    ['10 MB', 'x'.repeat(10 * 1024 * 1024), false],
  ];

  it('has a table whose sizes are what it says', () => {
    for (const [, value, fits] of VALUES) expect(utf8(value) <= 8192).toBe(fits);
  });

  it.each(VALUES)('setLobbyData with %s', async (_, value, fits) => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    alice.createLobby(2, 4);
    await world.settle();
    const lobbyId = ofType(world.events(alice), 'lobbyCreated')[0]!.lobbyId;
    expect(alice.setLobbyData(lobbyId, 'k', value)).toBe(fits);
    expect(alice.setLobbyMemberData(lobbyId, 'k', value)).toBe(fits);
    if (fits) {
      expect(alice.getLobbyData(lobbyId, 'k')).toBe(value);
      expect(alice.getLobbyMemberData(lobbyId, ALICE, 'k')).toBe(value);
    } else {
      expect(alice.lastRefusal()?.code).toBe('too-large');
      expect(alice.getLobbyData(lobbyId, 'k')).toBe('');
      expect(alice.getLobbyMemberData(lobbyId, ALICE, 'k')).toBe('');
    }
  });

  it('keys of 255 characters are kept, 256 refused; values that are not strings refused', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    alice.createLobby(2, 4);
    await world.settle();
    const lobbyId = ofType(world.events(alice), 'lobbyCreated')[0]!.lobbyId;
    expect(alice.setLobbyData(lobbyId, 'k'.repeat(255), 'v')).toBe(true);
    expect(alice.setLobbyData(lobbyId, 'k'.repeat(256), 'v')).toBe(false);
    expect(alice.lastRefusal()?.code).toBe('invalid-argument');
    expect(alice.setLobbyData(lobbyId, 'n', 5 as never)).toBe(false);
    expect(alice.setLobbyMemberData(lobbyId, 'n', null as never)).toBe(false);
    expect(alice.lastRefusal()?.code).toBe('invalid-argument');
    expect(Object.keys(alice.getAllLobbyData(lobbyId))).toEqual(['k'.repeat(255)]);
  });
});
