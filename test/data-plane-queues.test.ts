import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutputSlab } from '../src/codec/byte-writer.js';
import type { P2PPacket } from '../src/effects/backend.js';
import { Fifo } from '../src/effects/fifo.js';
import { FairInbox } from '../src/effects/inbox.js';

type FifoOp = { readonly op: 'push'; readonly value: number } | { readonly op: 'shift' } | { readonly op: 'removeOdd' } | { readonly op: 'clear' };

const fifoOps = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }).map((value): FifoOp => ({ op: 'push', value })) },
    { weight: 4, arbitrary: fc.constant<FifoOp>({ op: 'shift' }) },
    { weight: 1, arbitrary: fc.constant<FifoOp>({ op: 'removeOdd' }) },
    { weight: 1, arbitrary: fc.constant<FifoOp>({ op: 'clear' }) },
  ),
  { maxLength: 1200, size: 'max' },
);

describe('Fifo (ring buffer)', () => {
  it('behaves like an array used as a queue, across growth, wrap-around, removal and clearing', () => {
    fc.assert(
      fc.property(fifoOps, (ops) => {
        const fifo = new Fifo<number>();
        let model: number[] = [];
        for (const step of ops) {
          if (step.op === 'push') {
            fifo.push(step.value);
            model.push(step.value);
          } else if (step.op === 'shift') {
            expect(fifo.shift()).toBe(model.shift());
          } else if (step.op === 'removeOdd') {
            const before = model.length;
            model = model.filter((v) => v % 2 === 0);
            expect(fifo.removeWhere((v) => v % 2 === 1)).toBe(before - model.length);
          } else {
            fifo.clear();
            model = [];
          }
          expect(fifo.length).toBe(model.length);
          expect(fifo.peek()).toBe(model[0]);
        }
        const drained: number[] = [];
        for (let v = fifo.shift(); v !== undefined; v = fifo.shift()) drained.push(v);
        expect(drained).toEqual(model);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('keeps order when a queue wraps around its ring many times over', () => {
    const fifo = new Fifo<number>();
    let next = 0;
    let expected = 0;
    // Three in, two out: the head passes every slot of the ring, and the ring grows with the head anywhere.
    for (let round = 0; round < 500; round++) {
      for (let i = 0; i < 3; i++) fifo.push(next++);
      for (let i = 0; i < 2; i++) expect(fifo.shift()).toBe(expected++);
    }
    expect(fifo.length).toBe(500);
    while (fifo.length > 0) expect(fifo.shift()).toBe(expected++);
    expect(expected).toBe(next);
  });

  it('gives up the memory of a flood once it is drained, and still works after', () => {
    const fifo = new Fifo<object>();
    const items = Array.from({ length: 5000 }, (_, i) => ({ i }));
    for (const item of items) fifo.push(item);
    for (const item of items) expect(fifo.shift()).toBe(item);
    // The drained ring holds no item (nothing kept alive) and the queue starts small again.
    expect(fifo.length).toBe(0);
    expect(fifo.peek()).toBeUndefined();
    fifo.push(items[1]!);
    expect(fifo.shift()).toBe(items[1]);
  });

  it('keeps each emptied queue to itself: two cleared queues refilled side by side each give back only their own items', () => {
    // Cleared queues share the "nothing allocated" array, which a push must never write (fifo.ts: EMPTY).
    const a = new Fifo<string>();
    const b = new Fifo<string>();
    a.push('a0');
    a.clear();
    b.clear();
    for (const item of ['a1', 'a2', 'a3']) a.push(item);
    for (const item of ['b1', 'b2', 'b3']) b.push(item);
    expect([a.shift(), a.shift(), a.shift(), a.shift()]).toEqual(['a1', 'a2', 'a3', undefined]);
    expect([b.shift(), b.shift(), b.shift(), b.shift()]).toEqual(['b1', 'b2', 'b3', undefined]);
  });
});

function packet(from: bigint, n: number): P2PPacket {
  return { from, bytes: Uint8Array.of(n) };
}

describe('FairInbox', () => {
  it('serves senders in turn and each sender in order, tick after tick, with queues reused', () => {
    const inbox = new FairInbox();
    const senders = [11n, 22n, 33n];
    for (let tick = 0; tick < 50; tick++) {
      // 33 sends three a tick, the others one: 33 must not crowd them out.
      for (const from of senders) {
        for (let k = 0; k < (from === 33n ? 3 : 1); k++) inbox.push(1, { from, bytes: Uint8Array.of(tick, k) });
      }
      const order: string[] = [];
      for (let p = inbox.read(1); p !== undefined; p = inbox.read(1)) {
        expect(p.bytes[0]).toBe(tick);
        order.push(`${p.from}:${p.bytes[1]}`);
      }
      expect(order).toEqual(['11:0', '22:0', '33:0', '33:1', '33:2']);
      expect(inbox.size).toBe(0);
      expect(inbox.channelsWithPackets()).toEqual([]);
    }
  });

  it('lists exactly the channels that have packets, and drops a closed sender everywhere', () => {
    const inbox = new FairInbox();
    inbox.push(0, packet(1n, 1));
    inbox.push(2, packet(1n, 2));
    inbox.push(2, packet(2n, 3));
    inbox.push(5, packet(2n, 4));
    expect([...inbox.channelsWithPackets()].sort()).toEqual([0, 2, 5]);
    expect(inbox.dropSender(2n)).toBe(2);
    expect([...inbox.channelsWithPackets()].sort()).toEqual([0, 2]);
    expect(inbox.read(2)?.bytes[0]).toBe(2);
    expect(inbox.read(2)).toBeUndefined();
    expect(inbox.channelsWithPackets()).toEqual([0]);
    // A dropped sender can send again later.
    inbox.push(5, packet(2n, 9));
    expect(inbox.peekSize(5)).toBe(1);
    expect(inbox.read(5)?.from).toBe(2n);
  });

  it('loses and duplicates nothing when thousands of distinct senders pass through (queues past the kept ones are let go)', () => {
    const inbox = new FairInbox();
    const seen = new Set<bigint>();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 2000; i++) inbox.push(3, packet(BigInt(round * 10_000 + i + 1), i & 0xff));
      for (let p = inbox.read(3); p !== undefined; p = inbox.read(3)) {
        expect(seen.has(p.from)).toBe(false);
        seen.add(p.from);
      }
    }
    expect(seen.size).toBe(8000);
    expect(inbox.size).toBe(0);
  });
});

describe('FairInbox bookkeeping after drops, clears and emptied channels', () => {
  const drain = (inbox: FairInbox, channel: number): string[] => {
    const out: string[] = [];
    for (let p = inbox.read(channel); p !== undefined; p = inbox.read(channel)) out.push(`${p.from}:${p.bytes[0]}`);
    return out;
  };

  it('counts what is left after a sender is dropped, and keeps the others in their turn', () => {
    const inbox = new FairInbox();
    inbox.push(1, packet(1n, 1));
    inbox.push(1, packet(2n, 2));
    inbox.push(1, packet(3n, 3));
    inbox.push(1, packet(1n, 4));
    inbox.push(2, packet(1n, 5));
    // 1n is first in channel 1's turn; dropping it leaves 2n and 3n waiting, then a newcomer joins the turn.
    expect(inbox.dropSender(1n)).toBe(3);
    expect(inbox.size).toBe(2);
    inbox.push(1, packet(4n, 6));
    expect(inbox.size).toBe(3);
    expect(drain(inbox, 1)).toEqual(['2:2', '3:3', '4:6']);
    expect(inbox.size).toBe(0);
    expect(drain(inbox, 2)).toEqual([]);
  });

  it('keeps the order of the other channels with packets when one empties', () => {
    const inbox = new FairInbox();
    for (const channel of [4, 0, 7, 2]) inbox.push(channel, packet(1n, channel));
    expect(inbox.channelsWithPackets()).toEqual([4, 0, 7, 2]);
    inbox.read(0);
    expect(inbox.channelsWithPackets()).toEqual([4, 7, 2]);
    inbox.read(4);
    expect(inbox.channelsWithPackets()).toEqual([7, 2]);
  });

  it('reads every channel again after a clear, whichever channel was read last before it', () => {
    const inbox = new FairInbox();
    inbox.push(1, packet(5n, 1));
    inbox.read(1);
    inbox.clear();
    inbox.push(1, packet(5n, 2));
    inbox.push(2, packet(6n, 3));
    expect(drain(inbox, 2)).toEqual(['6:3']);
    expect(drain(inbox, 1)).toEqual(['5:2']);
    expect(inbox.size).toBe(0);
  });

  it('reads a channel again after it was let go past the kept number of channels', () => {
    const inbox = new FairInbox();
    // 65 channels, one past the 64 kept (inbox.ts: KEPT_CHANNEL_QUEUES): the first to empty is let go.
    for (let channel = 0; channel < 65; channel++) inbox.push(channel, packet(1n, channel));
    expect(drain(inbox, 0)).toEqual(['1:0']);
    expect(inbox.channelQueues).toBe(64);
    // A packet on the let-go channel, then reading another channel first: neither is lost.
    inbox.push(0, packet(2n, 1));
    inbox.push(1, packet(2n, 2));
    expect(drain(inbox, 1)).toEqual(['1:1', '2:2']);
    expect(drain(inbox, 0)).toEqual(['2:1']);
  });

  it('keeps 256 emptied sender queues per channel and lets go only those past them (inbox.ts: KEPT_SENDER_QUEUES)', () => {
    for (const senders of [256, 257]) {
      const inbox = new FairInbox();
      const held = Array.from({ length: senders }, (_, i) => inbox.queueFor(3, BigInt(i + 1)));
      held.forEach((q) => inbox.pushTo(q, packet(q.from, 0)));
      expect(drain(inbox, 3).length).toBe(senders);
      expect(held.filter((q) => !q.live).length).toBe(senders - 256);
    }
  });

  it('lets no channel queue go when a sender with nothing queued is dropped: a channel goes only when it empties', () => {
    const inbox = new FairInbox();
    // Two members send on channel 0 and are read; the channel is empty and kept.
    const member = inbox.queueFor(0, 2n);
    inbox.pushTo(member, packet(2n, 1));
    inbox.push(0, packet(1n, 2));
    expect(drain(inbox, 0)).toEqual(['2:1', '1:2']);
    // A stranger then fills more channels than are kept, unread for now.
    for (let channel = 1; channel <= 70; channel++) inbox.push(channel, packet(666n, channel));
    const queues = inbox.channelQueues;
    expect(queues).toBe(71);
    // Member 1n leaves with nothing queued: channel 0 did not just empty, so it and 2n's queue stay.
    expect(inbox.dropSender(1n)).toBe(0);
    expect(inbox.channelQueues).toBe(queues);
    expect(member.live).toBe(true);
    expect(inbox.size).toBe(70);
  });
});

describe('FairInbox sender queues held by a transport', () => {
  it('takes pushes through a held queue in turn with pushes by id, and each sender in order', () => {
    const inbox = new FairInbox();
    const held = inbox.queueFor(1, 7n);
    inbox.pushTo(held, packet(7n, 1));
    inbox.push(1, packet(8n, 2));
    inbox.pushTo(held, packet(7n, 3));
    expect(inbox.queueFor(1, 7n)).toBe(held);
    const order: number[] = [];
    for (let p = inbox.read(1); p !== undefined; p = inbox.read(1)) order.push(p.bytes[0]!);
    expect(order).toEqual([1, 2, 3]);
    expect(held.live).toBe(true);
  });

  it('marks a queue it lets go as no longer live, so the holder asks again and nothing is lost or misrouted', () => {
    const inbox = new FairInbox();
    const closed = inbox.queueFor(0, 5n);
    inbox.pushTo(closed, packet(5n, 1));
    expect(inbox.dropSender(5n)).toBe(1);
    expect(closed.live).toBe(false);
    const fresh = inbox.queueFor(0, 5n);
    expect(fresh).not.toBe(closed);
    inbox.pushTo(fresh, packet(5n, 2));
    expect(inbox.read(0)?.bytes[0]).toBe(2);

    // Past the kept number of senders, an emptied queue goes too.
    const many = Array.from({ length: 300 }, (_, i) => inbox.queueFor(3, BigInt(100 + i)));
    many.forEach((q, i) => inbox.pushTo(q, packet(q.from, i & 0xff)));
    let read = 0;
    while (inbox.read(3) !== undefined) read++;
    expect(read).toBe(300);
    expect(many.filter((q) => !q.live).length).toBeGreaterThan(0);

    const cleared = inbox.queueFor(4, 9n);
    inbox.clear();
    expect(cleared.live).toBe(false);
    expect(inbox.size).toBe(0);
  });

  it("names the queue each read took its packet from, and a queue it lets go forgets the reader's memo", () => {
    const inbox = new FairInbox();
    const seven = inbox.queueFor(1, 7n);
    const eight = inbox.queueFor(1, 8n);
    inbox.pushTo(seven, packet(7n, 1));
    inbox.pushTo(eight, packet(8n, 2));
    const from: unknown[] = [];
    while (inbox.read(1) !== undefined) from.push(inbox.lastReadFrom);
    expect(from).toEqual([seven, eight]);
    seven.memoKey = 'reader';
    seven.memo = 'slot of 7';
    inbox.pushTo(seven, packet(7n, 3));
    expect(inbox.dropSender(7n)).toBe(1);
    expect([seven.memoKey, seven.memo]).toEqual([undefined, undefined]);
    eight.memo = 'slot of 8';
    inbox.clear();
    expect(eight.memo).toBeUndefined();
  });

  it('does not name a queue it has let go as the last read one, so the reader keeps no memo on it', () => {
    const inbox = new FairInbox();
    const seven = inbox.queueFor(1, 7n);
    inbox.pushTo(seven, packet(7n, 1));
    inbox.read(1);
    expect(inbox.lastReadFrom).toBe(seven);
    inbox.dropSender(7n);
    expect(inbox.lastReadFrom).toBeUndefined();

    const eight = inbox.queueFor(1, 8n);
    inbox.pushTo(eight, packet(8n, 2));
    inbox.read(1);
    expect(inbox.lastReadFrom).toBe(eight);
    inbox.clear();
    expect(inbox.lastReadFrom).toBeUndefined();

    // Past the kept number of senders, the read that empties a queue also lets it go.
    const many = Array.from({ length: 300 }, (_, i) => inbox.queueFor(3, BigInt(100 + i)));
    many.forEach((q) => inbox.pushTo(q, packet(q.from, 0)));
    const named: unknown[] = [];
    while (inbox.read(3) !== undefined) named.push(inbox.lastReadFrom);
    const released = many.filter((q) => !q.live);
    expect(released.length).toBeGreaterThan(0);
    expect(named.filter((q) => q === undefined).length).toBe(released.length);
    expect(named.some((q) => released.includes(q as (typeof many)[number]))).toBe(false);

    // Past the kept number of channels, an emptied channel lets its queues go with it.
    const channels = Array.from({ length: 100 }, (_, channel) => inbox.queueFor(10 + channel, 1n));
    channels.forEach((q, channel) => inbox.pushTo(q, packet(1n, channel)));
    const afterRead = channels.map((_, channel) => {
      inbox.read(10 + channel);
      return inbox.lastReadFrom;
    });
    expect(channels.some((q) => !q.live)).toBe(true);
    for (const [channel, q] of channels.entries()) expect(afterRead[channel]).toBe(q.live ? q : undefined);
  });

  it('lets go of held queues with their channel when hostile channel numbers pass the kept number', () => {
    const inbox = new FairInbox();
    const queues = Array.from({ length: 100 }, (_, channel) => inbox.queueFor(channel, 1n));
    queues.forEach((q, channel) => inbox.pushTo(q, packet(1n, channel)));
    for (let channel = 0; channel < 100; channel++) expect(inbox.read(channel)?.bytes[0]).toBe(channel);
    expect(inbox.channelQueues).toBeLessThanOrEqual(64);
    expect(queues.filter((q) => !q.live).length).toBe(100 - inbox.channelQueues);
    for (const [channel, q] of queues.entries()) {
      const usable = q.live ? q : inbox.queueFor(channel, 1n);
      inbox.pushTo(usable, packet(1n, 200));
    }
    expect(inbox.size).toBe(100);
  });
});

describe('FairInbox under hostile channel numbers', () => {
  it('keeps a bounded number of channel queues however many channel numbers a sender uses, and loses nothing', () => {
    const inbox = new FairInbox();
    let read = 0;
    for (let round = 0; round < 100; round++) {
      // 100 fresh channel numbers a round, read back at once, as a runtime reading every tick would.
      for (let i = 0; i < 100; i++) inbox.push(round * 1000 + i, packet(666n, i));
      for (const channel of [...inbox.channelsWithPackets()]) {
        for (let p = inbox.read(channel); p !== undefined; p = inbox.read(channel)) read++;
      }
      expect(inbox.channelQueues).toBeLessThanOrEqual(200);
    }
    expect(read).toBe(10_000);
    expect(inbox.size).toBe(0);
    // Once drained, what stays is the few kept queues, not one per channel number ever seen.
    expect(inbox.channelQueues).toBeLessThanOrEqual(64);
    // The channels in steady use still work after the churn.
    inbox.push(1, packet(5n, 1));
    expect(inbox.read(1)?.from).toBe(5n);
  });
});

type SkipOp =
  | { readonly op: 'push'; readonly from: bigint }
  | { readonly op: 'read'; readonly skipped: number }
  | { readonly op: 'drop'; readonly from: bigint };

const skipOps = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }).map((n): SkipOp => ({ op: 'push', from: BigInt(n) })) },
    // `skipped` is a bit set over senders 1n..4n; -1 reads with no skip at all.
    { weight: 4, arbitrary: fc.integer({ min: -1, max: 15 }).map((skipped): SkipOp => ({ op: 'read', skipped })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n): SkipOp => ({ op: 'drop', from: BigInt(n) })) },
  ),
  { maxLength: 200, size: 'max' },
);

/**
 * The read rules written as naively as possible (inbox.ts `read`'s doc): senders with packets wait in one turn,
 * newcomers at its end; a read asks each sender from the front whether to skip it, each at most once, and a skipped
 * sender goes round to the end with its packets and its place kept; the first not skipped gives its oldest packet
 * and goes to the end if it has more; after a whole turn of skips there is nothing to read.
 */
class TurnModel {
  turn: bigint[] = [];
  readonly queues = new Map<bigint, number[]>();

  push(from: bigint, n: number): void {
    const queue = this.queues.get(from) ?? [];
    if (queue.length === 0) this.turn.push(from);
    queue.push(n);
    this.queues.set(from, queue);
  }

  read(skip: ((from: bigint) => boolean) | undefined): { asks: bigint[]; got: string | undefined } {
    const asks: bigint[] = [];
    for (let i = 0; i < this.turn.length; i++) {
      const from = this.turn.shift()!;
      if (skip !== undefined) asks.push(from);
      if (skip === undefined || !skip(from)) {
        const queue = this.queues.get(from)!;
        const n = queue.shift()!;
        if (queue.length > 0) this.turn.push(from);
        return { asks, got: `${from}:${n}` };
      }
      this.turn.push(from);
    }
    return { asks, got: undefined };
  }

  drop(from: bigint): number {
    this.turn = this.turn.filter((f) => f !== from);
    const n = this.queues.get(from)?.length ?? 0;
    this.queues.delete(from);
    return n;
  }
}

describe('FairInbox read with skip (the reader passing over senders that spent their share)', () => {
  it('asks each sender at most once per read, in turn order, and skipped senders keep their packets and place', () => {
    fc.assert(
      fc.property(skipOps, (ops) => {
        const inbox = new FairInbox();
        const model = new TurnModel();
        let next = 0;
        for (const step of ops) {
          if (step.op === 'push') {
            const n = next++ & 0xff;
            inbox.push(2, packet(step.from, n));
            model.push(step.from, n);
          } else if (step.op === 'drop') {
            expect(inbox.dropSender(step.from)).toBe(model.drop(step.from));
          } else {
            const skips = (from: bigint): boolean => step.skipped >= 0 && (step.skipped & (1 << Number(from - 1n))) !== 0;
            const asks: bigint[] = [];
            const got = inbox.read(
              2,
              step.skipped < 0
                ? undefined
                : (from) => {
                    // A second ask in one read is a broken promise; throwing also ends a read that would never stop.
                    if (asks.includes(from)) throw new Error(`sender ${from} asked twice in one read`);
                    asks.push(from);
                    return skips(from);
                  },
            );
            const expected = model.read(step.skipped < 0 ? undefined : skips);
            expect(asks).toEqual(expected.asks);
            expect(got === undefined ? undefined : `${got.from}:${got.bytes[0]}`).toBe(expected.got);
          }
          expect(inbox.size).toBe([...model.queues.values()].reduce((sum, q) => sum + q.length, 0));
        }
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it('reads the next sender when the one whose turn it is is skipped, and nothing when all are', () => {
    const inbox = new FairInbox();
    inbox.push(1, packet(1n, 10));
    inbox.push(1, packet(2n, 20));
    inbox.push(1, packet(3n, 30));
    const asked: bigint[] = [];
    const skipOne = (from: bigint): boolean => {
      asked.push(from);
      return from === 1n;
    };
    expect(inbox.read(1, skipOne)?.from).toBe(2n);
    expect(asked).toEqual([1n, 2n]);
    // 2n dropped while queued behind 3n: a whole turn of skips is now 1n and 3n, each asked once.
    inbox.push(1, packet(2n, 21));
    expect(inbox.dropSender(2n)).toBe(1);
    asked.length = 0;
    const skipAll = (from: bigint): boolean => {
      if (asked.includes(from)) throw new Error(`sender ${from} asked twice in one read`);
      asked.push(from);
      return true;
    };
    expect(inbox.read(1, skipAll)).toBeUndefined();
    expect(asked).toEqual([3n, 1n]);
    // Nothing was lost to the skips, and the turn is where it was.
    expect([inbox.read(1)?.bytes[0], inbox.read(1)?.bytes[0], inbox.read(1)]).toEqual([30, 10, undefined]);
  });
});

describe('FairInbox channel queues at exactly the kept number', () => {
  it('keeps an emptied channel queue while 64 exist, and lets one go only past 64 (inbox.ts: KEPT_CHANNEL_QUEUES)', () => {
    const inbox = new FairInbox();
    const held = Array.from({ length: 64 }, (_, channel) => inbox.queueFor(channel, 1n));
    held.forEach((q, channel) => inbox.pushTo(q, packet(1n, channel)));
    expect(inbox.channelQueues).toBe(64);
    // 64 queues is not past the kept number: channel 0 empties and its queue stays, handle and all.
    expect(inbox.read(0)?.bytes[0]).toBe(0);
    expect(inbox.channelQueues).toBe(64);
    expect(held[0]!.live).toBe(true);
    // A 65th channel is past it: the next channel to empty is let go.
    const extra = inbox.queueFor(64, 1n);
    inbox.pushTo(extra, packet(1n, 64));
    expect(inbox.channelQueues).toBe(65);
    expect(inbox.read(64)?.bytes[0]).toBe(64);
    expect(inbox.channelQueues).toBe(64);
    expect(extra.live).toBe(false);
  });
});

describe('OutputSlab', () => {
  it('copies small and large pieces exactly, each independent of the source and of the others', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 6000 }), { maxLength: 40 }), (sources) => {
        const slab = new OutputSlab();
        const expected = sources.map((source) => Array.from(source));
        const copies = sources.map((source) => slab.copyOut(source, 0, source.length));
        // Overwriting the sources, and then every copy but the one looked at, must not change what it holds.
        for (const source of sources) source.fill(0xee);
        copies.forEach((copy, i) => expect(Array.from(copy)).toEqual(expected[i]));
        copies.forEach((copy, i) => {
          copies.forEach((other, j) => other !== copy && other.fill(j & 0xff));
          expect(Array.from(copy)).toEqual(expected[i]);
          copies.forEach((other, j) => other.set(expected[j]!));
        });
      }),
      { seed: 3, numRuns: 100 },
    );
  });

  it('copies a range out of a larger buffer', () => {
    const slab = new OutputSlab();
    const source = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect([...slab.copyOut(source, 10, 20)]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const big = slab.copyOut(source, 5, 205);
    expect(big.length).toBe(200);
    expect(big[0]).toBe(5);
    expect(big[199]).toBe(204);
  });
});
