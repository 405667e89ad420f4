import { describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import type { Backend, P2PPacket, SenderMemo } from '../src/effects/backend.js';
import { MemberDirectory, type PeerSlot } from '../src/runtime/member-directory.js';
import { PacketRouter, type ChannelMessage } from '../src/runtime/packet-router.js';
import { createStats } from '../src/runtime/stats.js';

const ALICE = 76561198000000001n;
const BOB = 76561198000000002n;
const CAROL = 76561198000000003n;

/** A transport that queues packets on channel 1 and hands out whatever memo each packet was queued with. */
function fakeTransport() {
  const queued: P2PPacket[] = [];
  const backend = {
    channelsWithPackets: () => (queued.length > 0 ? [1] : []),
    readP2P: () => queued.shift(),
  } as unknown as Backend;
  return { backend, queue: (packet: P2PPacket) => queued.push(packet) };
}

/** A router over `gate`, whose version is replaced by `change()` as MemberDirectory replaces its slot list. */
function routerOver(backend: Backend, gate: Map<bigint, PeerSlot>) {
  let version: object = {};
  const stats = createStats();
  const router = new PacketRouter(
    backend,
    createPacketCodec(),
    {
      gate,
      gateVersion: () => version,
      isExpelled: () => false,
      control: () => {},
      handshake: () => {},
      isConnected: () => true,
      showWire: (slot, wire) => void (slot.wire = wire),
      error: () => {},
    },
    stats,
    64,
    { maxBytes: 1 << 20 },
  );
  const delivered: ChannelMessage[] = [];
  router.messages(1).subscribe((m) => delivered.push(m));
  const read = (now: number) => {
    router.beginTick(now);
    router.read(now);
  };
  return { router, stats, delivered, read, change: () => void (version = {}) };
}

const slotOf = (id: bigint): PeerSlot => ({ id, lastHeard: -Infinity, lastSent: -Infinity, route: undefined, wire: undefined, opens: false });

describe('PacketRouter with a transport that hands out sender memos', () => {
  const frame = (value: unknown): Uint8Array => {
    const encoded = createPacketCodec().encode(value, { channel: 1 });
    if (!encoded.ok) throw new Error(encoded.detail);
    return encoded.value;
  };

  it('keeps the slot it found on the memo, and uses it while the gate is unchanged', () => {
    const { backend, queue } = fakeTransport();
    const alice = slotOf(ALICE);
    const gate = new Map([[ALICE, alice]]);
    const world = routerOver(backend, gate);
    const memo: SenderMemo = { memoKey: undefined, memo: undefined };
    queue({ from: ALICE, bytes: frame(1), sender: memo });
    world.read(10);
    expect(memo.memo).toBe(alice);
    // The gate no longer answers for Alice, yet the memo, valid under the same version, still admits her.
    gate.delete(ALICE);
    queue({ from: ALICE, bytes: frame(2), sender: memo });
    world.read(20);
    expect(world.delivered.map((m) => [m.from, m.value])).toEqual([
      [ALICE, 1],
      [ALICE, 2],
    ]);
    expect(alice.lastHeard).toBe(20);
  });

  it('refuses a member removed from the gate, though their packets still carry the memo of their slot', () => {
    const { backend, queue } = fakeTransport();
    const gate = new Map([[ALICE, slotOf(ALICE)]]);
    const world = routerOver(backend, gate);
    const memo: SenderMemo = { memoKey: undefined, memo: undefined };
    queue({ from: ALICE, bytes: frame(1), sender: memo });
    world.read(10);
    gate.delete(ALICE);
    world.change();
    queue({ from: ALICE, bytes: frame(2), sender: memo });
    world.read(20);
    expect(world.delivered.map((m) => m.value)).toEqual([1]);
    expect(world.stats.droppedNonMember).toBe(1);
  });

  it('never attributes a packet to the member a shared memo was kept for: the sender is `from`', () => {
    const { backend, queue } = fakeTransport();
    const gate = new Map([[ALICE, slotOf(ALICE)]]);
    const world = routerOver(backend, gate);
    // A transport that wrongly hands one memo for two senders.
    const shared: SenderMemo = { memoKey: undefined, memo: undefined };
    queue({ from: ALICE, bytes: frame('from alice'), sender: shared });
    queue({ from: BOB, bytes: frame('from bob'), sender: shared });
    world.read(10);
    expect(world.delivered.map((m) => [m.from, m.value])).toEqual([[ALICE, 'from alice']]);
    expect(world.stats.droppedNonMember).toBe(1);
  });
});

describe("MemberDirectory's slot list, the gate version the router keys memos by", () => {
  it('is a new array after every change to the gate, and the same one after changes that leave the gate alone', () => {
    const directory = new MemberDirectory(ALICE, (id) => `user ${id}`, () => {});
    const seen = new Set<unknown>();
    const changed = (what: string) => {
      const version = directory.slots;
      expect(seen.has(version), what).toBe(false);
      seen.add(version);
    };
    changed('start');
    directory.enter(1n, [BOB], BOB, () => undefined);
    changed('enter');
    directory.add(CAROL);
    changed('add');
    const before = directory.slots;
    directory.rename(BOB);
    directory.setOwner(ALICE);
    directory.add(CAROL);
    expect(directory.slots, 'rename, owner, repeated add').toBe(before);
    directory.remove(CAROL);
    changed('remove');
    directory.expel(BOB);
    changed('expel');
    directory.add(CAROL);
    changed('add again');
    directory.clear();
    changed('clear');
  });
});
