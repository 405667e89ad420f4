import { describe, expect, it } from 'vitest';
import type { BackendEvent } from '../src/effects/backend.js';
import { createBackendStreams } from '../src/effects/streams.js';
import { ALICE, BOB, CAROL, DAVE, createSimWorld } from './helpers/sim-world.js';

function world3() {
  const world = createSimWorld('simulated');
  const alice = world.user({ id: ALICE, name: 'Alice' });
  const bob = world.user({ id: BOB, name: 'Bob' });
  const carol = world.user({ id: CAROL, name: 'Carol' });
  for (const id of [BOB, CAROL, DAVE]) alice.acceptSession(id);
  return { world, alice, bob, carol };
}

describe('backend streams: the tick pump', () => {
  it('delivers events only at tick time, in order, then reads at most the packet read limit', async () => {
    const { world, alice, bob } = world3();
    const streams = createBackendStreams(alice);
    const seen: BackendEvent['type'][] = [];
    streams.events$.subscribe((e) => seen.push(e.type));
    const packets: number[] = [];
    streams.setPacketSink((_from, bytes) => packets.push(bytes[0]!));
    alice.createLobby(2, 4);
    for (let i = 0; i < 40; i++) bob.sendP2P(ALICE, new Uint8Array([i]), 2, 0);
    await world.settle(200);
    expect(seen).toEqual([]);
    const report = streams.tick();
    expect(seen).toEqual(['lobbyCreated', 'lobbyEntered']);
    expect(report).toEqual({ events: 2, packets: 32, backlog: 8 });
    expect(packets).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(streams.tick()).toEqual({ events: 0, packets: 8, backlog: 0 });
  });

  it('a flooding sender cannot starve the others', async () => {
    const { world, alice, bob, carol } = world3();
    const from: bigint[] = [];
    const streams = createBackendStreams(alice, { packetReadLimit: 10, onPacket: (sender) => from.push(sender) });
    for (let i = 0; i < 500; i++) bob.sendP2P(ALICE, new Uint8Array([1]), 0, 0);
    await world.settle(100);
    carol.sendP2P(ALICE, new Uint8Array([2]), 0, 0);
    carol.sendP2P(ALICE, new Uint8Array([3]), 0, 0);
    await world.settle(100);
    streams.tick();
    expect(from.filter((s) => s === CAROL)).toHaveLength(2);
    expect(from).toHaveLength(10);
  });

  it('takes channels in turn across ticks', async () => {
    const { world, alice, bob } = world3();
    const channels: number[] = [];
    const streams = createBackendStreams(alice, { packetReadLimit: 3, onPacket: (_f, _b, channel) => channels.push(channel) });
    for (let i = 0; i < 20; i++) bob.sendP2P(ALICE, new Uint8Array([i]), 2, 0);
    for (let i = 0; i < 20; i++) bob.sendP2P(ALICE, new Uint8Array([i]), 2, 5);
    await world.settle(100);
    streams.tick();
    streams.tick();
    expect(channels).toEqual([0, 5, 0, 5, 0, 5]);
  });

  it('publishes the backlog when it changes, so a game sees it fall behind and catch up', async () => {
    const { world, alice, bob } = world3();
    const streams = createBackendStreams(alice, { packetReadLimit: 4 });
    const backlog: number[] = [];
    streams.backlog$.subscribe((n) => backlog.push(n));
    for (let i = 0; i < 10; i++) bob.sendP2P(ALICE, new Uint8Array([i]), 2, 0);
    await world.settle(100);
    streams.tick();
    streams.tick();
    streams.tick();
    streams.tick();
    expect(backlog).toEqual([0, 6, 2, 0]);
  });

  it('narrows events by type and stops after dispose', async () => {
    const { world, alice, bob } = world3();
    const streams = createBackendStreams(alice);
    const requests: bigint[] = [];
    streams.eventsOfType('p2pSessionRequest').subscribe((e) => requests.push(e.remote));
    let completed = false;
    streams.events$.subscribe({ complete: () => (completed = true) });
    world.user({ id: DAVE, name: 'Dave' }).sendP2P(ALICE, new Uint8Array([1]), 2, 0);
    bob.createLobby(2, 4);
    await world.settle(100);
    // Dave is accepted already; a stranger's first packet raises the request.
    const eve = 76561198000000009n;
    world.user({ id: eve, name: 'Eve' }).sendP2P(ALICE, new Uint8Array([1]), 2, 0);
    await world.settle(100);
    streams.tick();
    expect(requests).toEqual([eve]);
    streams.dispose();
    expect(completed).toBe(true);
    expect(streams.tick()).toEqual({ events: 0, packets: 0, backlog: 0 });
  });

  it('rejects a nonsensical read limit', () => {
    const { alice } = world3();
    expect(() => createBackendStreams(alice, { packetReadLimit: -1 })).toThrow(RangeError);
  });
});

describe('backend streams: channel order and arguments', () => {
  /** A backend listing channels in the order given, each holding `count` packets. */
  function listed(order: readonly number[], count: number) {
    const left = new Map(order.map((c) => [c, count]));
    return {
      poll: () => {},
      drainEvents: () => 0,
      pendingPackets: () => [...left.values()].reduce((a, b) => a + b, 0),
      channelsWithPackets: () => order.filter((c) => left.get(c)! > 0),
      readP2P: (channel: number) => {
        const n = left.get(channel) ?? 0;
        if (n === 0) return undefined;
        left.set(channel, n - 1);
        return { from: ALICE, bytes: new Uint8Array([channel]), channel };
      },
    } as unknown as Parameters<typeof createBackendStreams>[0];
  }

  it('takes channels in ascending order whatever order the backend lists them in, and carries on after the last', () => {
    const channels: number[] = [];
    const streams = createBackendStreams(listed([9, 2, 5], 3), { packetReadLimit: 4, onPacket: (_f, _b, c) => channels.push(c) });
    streams.tick();
    streams.tick();
    expect(channels).toEqual([2, 5, 9, 2, 5, 9, 2, 5]);
  });

  it('accepts a read limit of 0 (read nothing) and refuses a negative or fractional one, saying which', () => {
    expect(createBackendStreams(listed([0], 2), { packetReadLimit: 0 }).tick()).toEqual({ events: 0, packets: 0, backlog: 2 });
    expect(() => createBackendStreams(listed([0], 2), { packetReadLimit: -1 })).toThrow(/packetReadLimit .*-1/);
    expect(() => createBackendStreams(listed([0], 2), { packetReadLimit: 1.5 })).toThrow(RangeError);
  });

  it('does nothing once disposed: no read, no event, and a second dispose is harmless', () => {
    const backend = listed([0], 2);
    const streams = createBackendStreams(backend);
    let completed = 0;
    streams.events$.subscribe({ complete: () => completed++ });
    streams.dispose();
    streams.dispose();
    expect(completed).toBe(1);
    expect(streams.tick()).toEqual({ events: 0, packets: 0, backlog: 0 });
    expect(backend.pendingPackets()).toBe(2);
  });
});
