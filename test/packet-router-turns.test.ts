import { describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import type { Backend, P2PPacket } from '../src/effects/backend.js';
import type { PeerSlot } from '../src/runtime/member-directory.js';
import { PacketRouter, type ChannelMessage } from '../src/runtime/packet-router.js';
import { createStats } from '../src/runtime/stats.js';

// README, "The runtime" (and docs/machines.md): a tick reads at most packetReadLimit packets, taking channels in turn — so a member who
// floods one channel cannot hold back what arrived on another, whichever the backend lists first.

const ALICE = 76561198000000001n;
const LIMIT = 32;

/** A transport with per-channel queues, listing channels in the order given (as a backend may). */
function transport(order: readonly number[], counts: Readonly<Record<number, number>>) {
  const codec = createPacketCodec();
  const queues = new Map<number, P2PPacket[]>();
  for (const channel of order) {
    const queue: P2PPacket[] = [];
    for (let i = 0; i < counts[channel]!; i++) {
      const frame = codec.encode({ i }, { channel });
      if (!frame.ok) throw new Error(frame.detail);
      queue.push({ from: ALICE, bytes: frame.value, channel } as P2PPacket);
    }
    queues.set(channel, queue);
  }
  const backend = {
    channelsWithPackets: () => order.filter((c) => (queues.get(c)?.length ?? 0) > 0),
    readP2P: (channel: number) => queues.get(channel)?.shift(),
  } as unknown as Backend;
  return backend;
}

function routerOver(backend: Backend, channels: readonly number[]) {
  const slot: PeerSlot = { id: ALICE, lastHeard: -Infinity, lastSent: -Infinity, route: undefined, wire: undefined, opens: false };
  const version = {};
  const router = new PacketRouter(
    backend,
    createPacketCodec(),
    {
      gate: new Map([[ALICE, slot]]),
      gateVersion: () => version,
      isExpelled: () => false,
      control: () => {},
      handshake: () => {},
      isConnected: () => true,
      showWire: (peer, wire) => void (peer.wire = wire),
      error: () => {},
    },
    createStats(),
    LIMIT,
    { maxBytes: 1 << 20 },
  );
  const delivered: ChannelMessage[] = [];
  for (const channel of channels) router.messages(channel).subscribe((m) => delivered.push(m));
  const tick = () => {
    router.beginTick(0);
    router.read(0);
  };
  return { delivered, tick };
}

describe('PacketRouter takes channels in turn', () => {
  it.each([
    ['listed first', [0, 5]],
    ['listed last', [5, 0]],
  ] as const)('a flooded channel %s leaves the other one its turns within the tick', (_where, order) => {
    const backend = transport(order, { 0: 100, 5: 4 });
    const { delivered, tick } = routerOver(backend, [0, 5]);
    tick();
    expect(delivered).toHaveLength(LIMIT);
    // The quiet channel's four packets, read in the same tick as the flood, alternating with it while both have any.
    expect(delivered.filter((m) => m.channel === 5)).toHaveLength(4);
    expect(delivered.slice(0, 8).map((m) => m.channel).sort()).toEqual([0, 0, 0, 0, 5, 5, 5, 5]);
  });

  it('starts each tick where the last one stopped, so no channel is always served first', () => {
    const backend = transport([0, 5, 9], { 0: 100, 5: 100, 9: 100 });
    const { delivered, tick } = routerOver(backend, [0, 5, 9]);
    tick();
    tick();
    const perChannel = (channel: number) => delivered.filter((m) => m.channel === channel).length;
    // 64 reads over three channels taken in turn: none more than one ahead of another.
    expect([perChannel(0), perChannel(5), perChannel(9)].sort()).toEqual([21, 21, 22]);
  });
});
