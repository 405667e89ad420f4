import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/effects/backend.js';
import { ALICE, BOB, CAROL, createSimWorld, ofType, readAll, type SimWorld } from './helpers/sim-world.js';

function pair(world: SimWorld): { alice: Backend; bob: Backend } {
  const alice = world.user({ id: ALICE, name: 'Alice' });
  const bob = world.user({ id: BOB, name: 'Bob' });
  alice.acceptSession(BOB);
  bob.acceptSession(ALICE);
  return { alice, bob };
}

const numbered = (i: number): Uint8Array => new Uint8Array([i & 0xff, i >> 8]);
const numberOf = (bytes: Uint8Array): number => bytes[0]! | (bytes[1]! << 8);

/** Sends `count` unreliable datagrams Bob → Alice, one per ms, and returns the numbers Alice read, in order. */
async function unreliableRun(seed: number, count: number, faults: Parameters<SimWorld['steam']['faults']['setLink']>[2]) {
  const world = createSimWorld('simulated', { seed });
  const { alice, bob } = pair(world);
  world.steam.faults.setLink(ALICE, BOB, faults);
  for (let i = 0; i < count; i++) {
    bob.sendP2P(ALICE, numbered(i), 0, 0);
    world.clock.advance(1);
  }
  await world.settle(1000);
  return { got: readAll(alice, 0).map((p) => numberOf(p.bytes)), stats: { ...world.steam.stats } };
}

describe('simulated P2P: unreliable faults', () => {
  it('loses about the configured share of unreliable datagrams', async () => {
    const { got, stats } = await unreliableRun(11, 2000, { loss: 0.3 });
    expect(got.length).toBeGreaterThan(2000 * 0.65);
    expect(got.length).toBeLessThan(2000 * 0.75);
    expect(stats.lost).toBe(2000 - got.length);
    // Without reordering, what survives stays in order.
    expect(got).toEqual([...got].sort((a, b) => a - b));
  });

  it('duplicates and reorders unreliable datagrams when told to', async () => {
    const { got, stats } = await unreliableRun(12, 500, { duplication: 0.2, reorder: 0.3, jitterMs: 5 });
    expect(stats.duplicated).toBeGreaterThan(0);
    expect(got.length).toBe(500 + stats.duplicated);
    expect(new Set(got).size).toBe(500);
    expect(got).not.toEqual([...got].sort((a, b) => a - b));
  });

  it('replays exactly with the same seed, and differently with another', async () => {
    const faults = { loss: 0.2, duplication: 0.1, reorder: 0.2, jitterMs: 10 };
    const a = await unreliableRun(99, 300, faults);
    const b = await unreliableRun(99, 300, faults);
    const c = await unreliableRun(100, 300, faults);
    expect(b.got).toEqual(a.got);
    expect(c.got).not.toEqual(a.got);
  });

  it('drops send type 1 while no session is connected', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    expect(bob.sendP2P(ALICE, numbered(1), 1, 0)).toBe(true);
    await world.settle(100);
    expect(world.events(alice)).toEqual([]);
    alice.acceptSession(BOB);
    bob.sendP2P(ALICE, numbered(2), 1, 0);
    await world.settle(100);
    expect(readAll(alice, 0).map((p) => numberOf(p.bytes))).toEqual([2]);
    expect(world.steam.stats.dropped).toBe(1);
  });
});

describe('simulated P2P: reliable delivery and sessions', () => {
  it('buffers send type 3 until ~1200 B or ~200 ms, and a type 2 send flushes it first', async () => {
    const world = createSimWorld('simulated', { latencyMs: 10 });
    const { alice, bob } = pair(world);
    bob.sendP2P(ALICE, new Uint8Array(100).fill(1), 3, 0);
    await world.settle(150);
    expect(readAll(alice, 0)).toEqual([]);
    await world.settle(100);
    expect(readAll(alice, 0).map((p) => p.bytes[0])).toEqual([1]);

    bob.sendP2P(ALICE, new Uint8Array(700).fill(2), 3, 0);
    bob.sendP2P(ALICE, new Uint8Array(700).fill(3), 3, 0);
    await world.settle(30);
    expect(readAll(alice, 0).map((p) => p.bytes[0])).toEqual([2, 3]);

    bob.sendP2P(ALICE, new Uint8Array(10).fill(4), 3, 0);
    bob.sendP2P(ALICE, new Uint8Array(10).fill(5), 2, 0);
    await world.settle(30);
    expect(readAll(alice, 0).map((p) => p.bytes[0])).toEqual([4, 5]);
  });

  it('holds reliable data through a short partition and delivers it in order on heal', async () => {
    const world = createSimWorld('simulated', { sessionTimeoutMs: 10_000 });
    const { alice, bob } = pair(world);
    bob.sendP2P(ALICE, numbered(0), 2, 0);
    world.steam.faults.partition([ALICE]);
    for (let i = 1; i < 5; i++) bob.sendP2P(ALICE, numbered(i), 2, 0);
    bob.sendP2P(ALICE, numbered(99), 0, 0);
    await world.settle(5_000);
    expect(readAll(alice, 0)).toEqual([]);
    world.steam.faults.heal();
    await world.settle(200);
    expect(readAll(alice, 0).map((p) => numberOf(p.bytes))).toEqual([0, 1, 2, 3, 4]);
    expect(ofType(world.events(bob), 'p2pConnectFail')).toEqual([]);
  });

  it('fails the session with error 4 when a partition outlasts the timeout, instead of losing data silently', async () => {
    const world = createSimWorld('simulated', { sessionTimeoutMs: 2_000 });
    const { alice, bob } = pair(world);
    world.steam.faults.partition([BOB]);
    bob.sendP2P(ALICE, numbered(1), 2, 0);
    await world.settle(2_100);
    expect(ofType(world.events(bob), 'p2pConnectFail')).toEqual([{ type: 'p2pConnectFail', remote: ALICE, error: 4 }]);
    world.steam.faults.heal();
    await world.settle(200);
    expect(readAll(alice, 0)).toEqual([]);
    // A new session starts with the next send.
    bob.sendP2P(ALICE, numbered(2), 2, 0);
    await world.settle(200);
    expect(readAll(alice, 0).map((p) => numberOf(p.bytes))).toEqual([2]);
  });

  it('delivers nothing to or from a vanished user (no partition): unreliable is dropped, reliable held until the session fails', async () => {
    const world = createSimWorld('simulated', { sessionTimeoutMs: 2_000 });
    const { alice, bob } = pair(world);
    world.steam.faults.vanish(ALICE);
    bob.sendP2P(ALICE, numbered(1), 0, 0);
    alice.sendP2P(BOB, numbered(2), 0, 0);
    bob.sendP2P(ALICE, numbered(3), 2, 0);
    await world.settle(1_000);
    expect(readAll(alice, 0)).toEqual([]);
    expect(readAll(bob, 0)).toEqual([]);
    expect(world.steam.stats.dropped).toBe(2);
    expect(world.steam.stats.delivered).toBe(0);
    await world.settle(1_100);
    expect(ofType(world.events(bob), 'p2pConnectFail')).toEqual([{ type: 'p2pConnectFail', remote: ALICE, error: 4 }]);
    expect(readAll(alice, 0)).toEqual([]);
  });

  it('keeps cutting a later partition after an earlier one healed, and others still talk meanwhile', async () => {
    const world = createSimWorld('simulated');
    const { alice, bob } = pair(world);
    const carol = world.user({ id: CAROL, name: 'Carol' });
    carol.acceptSession(BOB);
    carol.acceptSession(ALICE);
    bob.acceptSession(CAROL);
    world.steam.faults.partition([ALICE]);
    world.steam.faults.heal();
    world.steam.faults.partition([BOB]);
    bob.sendP2P(ALICE, numbered(1), 0, 0);
    bob.sendP2P(CAROL, numbered(2), 0, 0);
    alice.sendP2P(CAROL, numbered(3), 0, 0);
    await world.settle(500);
    expect(readAll(alice, 0)).toEqual([]);
    expect(readAll(carol, 0).map((p) => numberOf(p.bytes))).toEqual([3]);
    world.steam.faults.heal();
    bob.sendP2P(ALICE, numbered(4), 0, 0);
    await world.settle(500);
    expect(readAll(alice, 0).map((p) => numberOf(p.bytes))).toEqual([4]);
  });

  it('times out a session request nobody accepts, telling the sender', async () => {
    const world = createSimWorld('simulated', { sessionTimeoutMs: 1_000 });
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    bob.sendP2P(ALICE, numbered(1), 2, 0);
    await world.settle(1_200);
    expect(ofType(world.events(alice), 'p2pSessionRequest')).toHaveLength(1);
    expect(ofType(world.events(bob), 'p2pConnectFail')).toEqual([{ type: 'p2pConnectFail', remote: ALICE, error: 4 }]);
    alice.acceptSession(BOB);
    expect(readAll(alice, 0)).toEqual([]);
  });

  it('fails every session of a user who does not own the app with error 2', async () => {
    const world = createSimWorld('simulated');
    world.user({ id: ALICE, name: 'Alice' });
    const pirate = world.user({ id: CAROL, name: 'Carol', ownsApp: false });
    pirate.sendP2P(ALICE, numbered(1), 2, 0);
    await world.settle(100);
    pirate.sendP2P(ALICE, numbered(2), 2, 0);
    await world.settle(100);
    expect(ofType(world.events(pirate), 'p2pConnectFail').map((e) => e.error)).toEqual([2, 2]);
  });

  it('closing a session drops what is queued and makes the next packet a new request', async () => {
    const world = createSimWorld('simulated');
    const { alice, bob } = pair(world);
    bob.sendP2P(ALICE, numbered(1), 2, 0);
    await world.settle(100);
    expect(alice.closeSession(BOB)).toBe(true);
    expect(readAll(alice, 0)).toEqual([]);
    bob.sendP2P(ALICE, numbered(2), 2, 0);
    await world.settle(100);
    expect(ofType(world.events(alice), 'p2pSessionRequest')).toEqual([{ type: 'p2pSessionRequest', remote: BOB }]);
  });

  it('copies what is sent: a sender reusing its buffer between sends delivers each send as it was, and one send to many shares a copy', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const carol = world.user({ id: CAROL, name: 'Carol' });
    bob.acceptSession(ALICE);
    carol.acceptSession(ALICE);
    const scratch = numbered(1);
    alice.sendP2P(BOB, scratch, 2, 0);
    alice.sendP2P(CAROL, scratch, 2, 0);
    scratch[0] = 2;
    alice.sendP2P(CAROL, scratch, 2, 0);
    scratch[0] = 3;
    await world.settle(100);
    const toBob = readAll(bob, 0);
    const toCarol = readAll(carol, 0);
    expect(toBob.map((p) => numberOf(p.bytes))).toEqual([1]);
    expect(toCarol.map((p) => numberOf(p.bytes))).toEqual([1, 2]);
    // The same bytes to two members: one copy, not the sender's buffer.
    expect(toCarol[0]!.bytes.buffer).toBe(toBob[0]!.bytes.buffer);
    expect(toCarol[0]!.bytes.byteOffset).toBe(toBob[0]!.bytes.byteOffset);
    expect(toBob[0]!.bytes.buffer).not.toBe(scratch.buffer);
    expect(toCarol[1]!.bytes.byteOffset).not.toBe(toCarol[0]!.bytes.byteOffset);
  });

  it('gives each reader a packet of its own that later sends and reads (which reuse datagrams) leave as it was', async () => {
    const world = createSimWorld('simulated');
    const { alice, bob } = pair(world);
    const kept: { from: bigint; bytes: Uint8Array }[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) bob.sendP2P(ALICE, numbered(round * 100 + i), round === 1 ? 0 : 2, 0);
      await world.settle(100);
      kept.push(...readAll(alice, 0));
      alice.sendP2P(BOB, numbered(999), 0, 0);
    }
    expect(kept.map((p) => numberOf(p.bytes))).toEqual([0, 1, 2].flatMap((round) => Array.from({ length: 50 }, (_, i) => round * 100 + i)));
    expect(kept.every((p) => p.from === BOB)).toBe(true);
    expect(new Set(kept).size).toBe(150);
  });

  it('keeps thousands of datagrams in flight behind a single clock timer', () => {
    const world = createSimWorld('simulated');
    const { bob } = pair(world);
    for (let i = 0; i < 5000; i++) bob.sendP2P(ALICE, numbered(i), 0, 0);
    expect(world.steam.inFlight).toBe(5000);
    expect(world.clock.pending).toBe(1);
  });
});
