import { describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import type { Backend, P2PPacket } from '../src/effects/backend.js';
import type { LobbyRuntimeError } from '../src/runtime/errors.js';
import type { PeerSlot } from '../src/runtime/member-directory.js';
import { PacketRouter, type ChannelMessage } from '../src/runtime/packet-router.js';
import { LOBBYKIT_WIRE, tutorialWire, type PeerWire } from '../src/runtime/peer-wire.js';
import { createStats } from '../src/runtime/stats.js';
import { tutorialHandshake } from '../src/runtime/tutorial-codec.js';

// The read loop's promises, from README ("read ≤ packetReadLimit per tick"), docs/reliability.md's decode budget
// (4 KiB light, 256 KiB a tick, 64 KiB a sender beyond its first heavy packet), peer-wire.ts (a member's wire is
// fixed by the first thing that shows it, never changed after) and stats.ts's counter doc comments.

const ALICE = 76561198000000001n;
const LIMIT = 8;
const codec = createPacketCodec();

function frame(value: unknown, channel: number, compress = false): Uint8Array {
  const encoded = codec.encode(value, { channel, compress });
  if (!encoded.ok) throw new Error(encoded.detail);
  return encoded.value;
}

/** Per-channel queues listed in `order`; honours `skip` as Backend.readP2P documents (the sender's packets stay queued). */
function transport(order: readonly number[]) {
  const queues = new Map<number, P2PPacket[]>(order.map((c) => [c, []]));
  const backend = {
    channelsWithPackets: () => order.filter((c) => queues.get(c)!.length > 0),
    readP2P: (channel: number, skip?: (from: bigint, next: Uint8Array) => boolean) => {
      const queue = queues.get(channel);
      const next = queue?.[0];
      if (next === undefined) return undefined;
      if (skip?.(next.from, next.bytes)) return undefined;
      return queue!.shift();
    },
  } as unknown as Backend;
  const push = (channel: number, bytes: Uint8Array) => queues.get(channel)!.push({ from: ALICE, bytes, channel } as P2PPacket);
  return { backend, push, left: (channel: number) => queues.get(channel)!.length };
}

function routerOver(backend: Backend, wire: PeerWire | undefined = undefined) {
  const slot: PeerSlot = { id: ALICE, lastHeard: -Infinity, lastSent: -Infinity, route: undefined, wire, opens: false };
  const version = {};
  const stats = createStats();
  const errors: LobbyRuntimeError[] = [];
  const handshakes: bigint[] = [];
  const router = new PacketRouter(
    backend,
    codec,
    {
      gate: new Map([[ALICE, slot]]),
      gateVersion: () => version,
      isExpelled: () => false,
      control: () => {},
      handshake: (from) => void handshakes.push(from),
      isConnected: () => true,
      // As MemberDirectory.showWire: a wire is set once.
      showWire: (peer, shown) => void (peer.wire ??= shown),
      error: (e) => void errors.push(e),
    },
    stats,
    LIMIT,
    { maxBytes: 1 << 20 },
  );
  const delivered: ChannelMessage[] = [];
  const listen = (channel: number) => router.messages(channel).subscribe((m) => delivered.push(m));
  return { router, slot, stats, errors, handshakes, delivered, listen };
}

describe('PacketRouter read loop', () => {
  it('hands a channel to every subscriber, however many times messages(channel) was asked', () => {
    const t = transport([3]);
    const r = routerOver(t.backend);
    r.listen(3);
    r.listen(3);
    t.push(3, frame('hi', 3));
    r.router.beginTick(0);
    r.router.read(0);
    expect(r.delivered.map((m) => m.value)).toEqual(['hi', 'hi']);
  });

  it('reads no more than the read limit in a tick, even when read in two goes', () => {
    const t = transport([0]);
    const r = routerOver(t.backend);
    r.listen(0);
    for (let i = 0; i < 3 * LIMIT; i++) t.push(0, frame(i, 0));
    r.router.beginTick(0);
    expect(r.router.read(0)).toBe(LIMIT);
    expect(r.router.read(0)).toBe(0);
    expect(r.delivered).toHaveLength(LIMIT);
    expect(r.stats.packetsRead).toBe(LIMIT);
    r.router.beginTick(1);
    expect(r.router.read(1)).toBe(LIMIT);
  });

  it('keeps the channels in turn across ticks when a tick ends by emptying them', () => {
    const t = transport([0, 5]);
    const r = routerOver(t.backend);
    r.listen(0);
    r.listen(5);
    t.push(0, frame('a', 0));
    t.push(5, frame('b', 5));
    r.router.beginTick(0);
    expect(r.router.read(0)).toBe(2);
    for (let i = 0; i < 3; i++) {
      t.push(0, frame(i, 0));
      t.push(5, frame(i, 5));
    }
    r.router.beginTick(1);
    r.router.read(1);
    // Round-robin: channel 5 was served last, so channel 0 comes next; no channel gets two turns in a row.
    expect(r.delivered.map((m) => m.channel)).toEqual([0, 5, 0, 5, 0, 5, 0, 5]);
  });

  it('charges large uncompressed frames to the sender share: beyond its first heavy packet, 64 KiB a tick', () => {
    const t = transport([0]);
    const r = routerOver(t.backend, LOBBYKIT_WIRE);
    r.slot.lastHeard = 0;
    r.listen(0);
    const big = frame('x'.repeat(40 * 1024), 0);
    expect(big[0]! & 0b100).toBe(0); // uncompressed, over 4 KiB
    for (let i = 0; i < 3; i++) t.push(0, big);
    r.router.beginTick(0);
    // 40 KiB read; a second 40 KiB would take the sender to 80 KiB, over its 64 KiB: it waits for the next tick.
    expect(r.router.read(0)).toBe(1);
    expect(t.left(0)).toBe(2);
    r.router.beginTick(16);
    expect(r.router.read(16)).toBe(1);
    expect(r.delivered).toHaveLength(2);
  });
});

describe('PacketRouter wires and handshakes', () => {
  it('reads a tutorial member as the tutorial, even a packet that looks like a lobbykit frame', () => {
    const t = transport([0]);
    const wire = tutorialWire(3, false);
    const r = routerOver(t.backend, wire);
    r.listen(0);
    t.push(0, frame('sneaky', 0));
    r.router.beginTick(0);
    r.router.read(0);
    expect(r.slot.wire).toBe(wire);
    expect(r.delivered).toEqual([]);
    expect(r.errors.map((e) => e.kind)).toEqual(['decode-failed']);
    expect(r.stats.decodeErrors).toBe(1);
  });

  it("takes a declared lobbykit member's opening tutorial handshake as its handshake, a control frame", () => {
    const t = transport([0]);
    const r = routerOver(t.backend, LOBBYKIT_WIRE);
    r.listen(0);
    t.push(0, tutorialHandshake(ALICE, tutorialWire(3, true), true));
    r.router.beginTick(0);
    r.router.read(0);
    expect(r.errors).toEqual([]);
    expect(r.handshakes).toEqual([ALICE]);
    expect(r.stats.controlFrames).toBe(1);
    expect(r.slot.wire).toBe(LOBBYKIT_WIRE);
  });

  it("counts a tutorial peer's handshake as a control frame", () => {
    const t = transport([0]);
    const r = routerOver(t.backend);
    t.push(0, tutorialHandshake(ALICE, tutorialWire(3, true), false));
    r.router.beginTick(0);
    r.router.read(0);
    expect(r.handshakes).toEqual([ALICE]);
    expect(r.stats.controlFrames).toBe(1);
    expect(r.stats.messagesDelivered).toBe(0);
  });
});
