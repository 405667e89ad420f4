import { gzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { DecodeBudget, LIGHT_WORK_BYTES, announcedWork } from '../src/runtime/decode-budget.js';
import type { PeerSlot } from '../src/runtime/member-directory.js';
import { createRuntimeWorld, hostLobby, userId, type RuntimeWorld } from './helpers/runtime-world.js';
import { ThinMember } from './helpers/thin-member.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

const codec = createPacketCodec();
function frame(value: unknown, channel: number): Uint8Array {
  const encoded = codec.encode(value, { channel, codec: value instanceof Uint8Array ? 'raw' : 'value' });
  if (!encoded.ok) throw new Error(encoded.detail);
  return encoded.value;
}

/** A runtime hosting a lobby, joined and connected by bare members with these names (ticked every frame). */
async function lobbyWith(names: readonly string[]) {
  const w = createRuntimeWorld('simulated');
  world = w;
  const host = w.player(0);
  const lobbyId = await hostLobby(w, host, { maxMembers: 4 });
  const members = names.map((name, i) => new ThinMember(w.sim.user({ id: userId(10 + i), name })));
  w.everyFrame(() => {
    for (const member of members) member.tick();
  });
  for (const member of members) member.backend.joinLobby(lobbyId);
  expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === names.length + 1, 5_000)).toBe(true);
  return { w, host, members };
}

describe('the decode budget', () => {
  it('counts what a header announces: a compressed megabyte weighs a megabyte, a plain packet its length', () => {
    const big = frame(new Uint8Array(1 << 20), 2);
    expect(big.length).toBeLessThan(LIGHT_WORK_BYTES);
    expect(announcedWork(big, 1 << 20)).toBe(big.length + (1 << 20));
    const small = frame({ x: 1 }, 1);
    expect(announcedWork(small, 1 << 20)).toBe(small.length);
  });

  it("reads one member's heavy packets a share per tick, and every other member's in turn, none lost", async () => {
    const { w, host, members } = await lobbyWith(['heavy', 'light']);
    const [heavy, light] = members as [ThinMember, ThinMember];

    const bigs = host.listen(2);
    const smalls = host.listen(1);
    const big = frame(new Uint8Array(1 << 20), 2);
    const perTickHeavy: number[] = [];
    const perTickLight: number[] = [];
    // Each frame both send 16 packets: the heavy member a compressed megabyte each, the light one a small message.
    for (let f = 0; f < 8; f++) {
      for (let i = 0; i < 16; i++) {
        heavy.sendFrame(host.id, big, 2);
        light.sendFrame(host.id, frame({ f, i }, 1), 1);
      }
      const [b, s] = [bigs.length, smalls.length];
      await w.run(1000 / 60);
      perTickHeavy.push(bigs.length - b);
      perTickLight.push(smalls.length - s);
    }
    // Announced work bounds a tick: one megabyte message (over the tick's share alone) a tick, never more.
    expect(Math.max(...perTickHeavy)).toBe(1);
    // The light member is not held behind it: all 16 of its messages a tick, from the first tick on (after arrival).
    expect(perTickLight.filter((n) => n > 0).every((n) => n === 16)).toBe(true);
    expect(perTickLight.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(16 * 7);
    // What waits is the backlog, and it all arrives, in order, nothing lost.
    expect(host.backend.pendingPackets()).toBeGreaterThan(0);
    // backlog$ says so to a game that subscribes late: its first value is the packets still waiting, and it
    // follows them down to none.
    const backlog: number[] = [];
    const watching = host.runtime.backlog$.subscribe((n) => backlog.push(n));
    expect(backlog).toEqual([host.backend.pendingPackets()]);
    await w.runUntil(() => bigs.length === 8 * 16, 20_000);
    watching.unsubscribe();
    expect(bigs).toHaveLength(8 * 16);
    expect(backlog.at(-1)).toBe(0);
    expect(new Set(backlog).size).toBeGreaterThan(2);
    expect(host.errorsOf('decode-failed')).toEqual([]);
  });
  it('sheds, undecoded, the heavy excess of a member that keeps the budget waiting past five seconds; nothing vanishes unsaid', async () => {
    const { w, host, members } = await lobbyWith(['heavy', 'light']);
    const [heavy, light] = members as [ThinMember, ThinMember];

    const bigs = host.listen(2);
    const smalls = host.listen(1);
    const big = frame(new Uint8Array(1 << 20), 2);
    const overBudget = () => host.errorsOf('decode-failed').filter((e) => e.code === 'over-budget').length;
    const start = w.sim.clock.now();
    let firstShedAt: number | undefined;
    let maxBacklog = 0;
    let sent = 0;
    // Eight seconds of four compressed megabytes a frame: four times what the budget decodes for one sender.
    for (let f = 0; f < 480; f++) {
      for (let i = 0; i < 4; i++) heavy.sendFrame(host.id, big, 2);
      sent += 4;
      light.sendFrame(host.id, frame({ f }, 1), 1);
      await w.run(1000 / 60);
      if (firstShedAt === undefined && overBudget() > 0) firstShedAt = w.sim.clock.now() - start;
      maxBacklog = Math.max(maxBacklog, host.backend.pendingPackets());
    }
    // The rule: heavy packets may wait five seconds; past that the sender's excess is shed, so the wait stops growing.
    expect(firstShedAt).toBeGreaterThanOrEqual(5_000);
    expect(firstShedAt).toBeLessThan(5_500);
    expect(maxBacklog).toBeLessThan(4 * 60 * 6);
    // Each shed packet is said, once: a decode-failed error and a count, never a silent loss.
    await w.runUntil(() => bigs.length + overBudget() >= sent, 20_000);
    expect(bigs.length + overBudget()).toBe(sent);
    expect(host.backend.pendingPackets()).toBe(0);
    expect(host.runtime.stats().shedOverBudget).toBe(overBudget());
    expect(bigs.length).toBeGreaterThanOrEqual(480);
    // The light member was never held back.
    expect(smalls).toHaveLength(480);
    expect(host.errorsOf('decode-failed').filter((e) => e.from !== heavy.id)).toEqual([]);
  });
  it('starts the wait afresh for a member that caught up: bursts of heavy messages, each drained in time, lose nothing', async () => {
    const { w, host, members } = await lobbyWith(['heavy']);
    const [heavy] = members as [ThinMember];

    const bigs = host.listen(2);
    const big = frame(new Uint8Array(1 << 20), 2);
    // Three bursts of two compressed megabytes a frame for a second and a half: each keeps the member waiting about
    // three seconds, then it catches up and rests two. Together they span far more than five seconds of waiting.
    for (let burst = 0; burst < 3; burst++) {
      for (let f = 0; f < 90; f++) {
        heavy.sendFrame(host.id, big, 2);
        heavy.sendFrame(host.id, big, 2);
        await w.run(1000 / 60);
      }
      expect(await w.runUntil(() => bigs.length === (burst + 1) * 180, 10_000)).toBe(true);
      await w.run(2_000);
    }
    expect(host.errorsOf('decode-failed')).toEqual([]);
  });
});

/** The budget's figures, as docs/reliability.md states them. */
const KiB = 1024;
const LIGHT = 4 * KiB;
const TICK = 256 * KiB;
const SHARE = 64 * KiB;
const WAIT_MS = 5_000;

/** A packet of exactly `work` bytes of work: first byte 0 is neither a lobbykit frame (version 0) nor GZIP. */
function plain(work: number): Uint8Array {
  return new Uint8Array(work);
}

/** A budget over a gate of members 1n, 2n, 3n, as the router drives it: `skip` asks, `charge` counts what was read. */
function budgetOf() {
  const gate = new Map<bigint, PeerSlot>();
  for (const id of [1n, 2n, 3n]) gate.set(id, { id, lastHeard: -Infinity, lastSent: -Infinity, route: undefined, wire: undefined, opens: false });
  const budget = new DecodeBudget(gate, 1 << 20);
  const slot = (id: bigint) => gate.get(id)!;
  /** What becomes of `id`'s next packet: left waiting, read and shed undecoded, or read. */
  const fate = (id: bigint, bytes: Uint8Array): 'waits' | 'shed' | 'read' => {
    if (budget.skip(id, bytes)) return 'waits';
    if (budget.shedding(slot(id))) return 'shed';
    budget.charge(slot(id), bytes);
    return 'read';
  };
  return { budget, slot, fate };
}

describe('the decode budget, driven directly (figures from docs/reliability.md)', () => {
  it('counts a GZIP packet (a tutorial peer\'s) as its length plus the inflated length its trailer gives, capped', () => {
    const data = new Uint8Array(100_000).map((_, i) => i % 7);
    const gz = gzipSync(data);
    expect(announcedWork(gz, 1 << 20)).toBe(gz.length + data.length);
    expect(announcedWork(gz, 50_000)).toBe(gz.length + 50_000);
  });

  /** `length` bytes opening with `head` and ending in a GZIP trailer whose ISIZE (little-endian) is `isize`. */
  function withTrailer(head: readonly number[], length: number, isize: readonly number[]): Uint8Array {
    const bytes = new Uint8Array(length);
    bytes.set(head);
    bytes.set(isize, length - 4);
    return bytes;
  }
  const ISIZE_10_000 = [0x10, 0x27, 0x00, 0x00];

  it('reads a trailer only from a GZIP packet: both magic bytes (1f 8b) and room for its 10-byte header and 8-byte trailer (RFC 1952)', () => {
    // Not GZIP (neither is a lobbykit frame: their first bytes are not 0b01xxxxxx): work is the length alone.
    for (const head of [[0x00, 0x00], [0x1f, 0x00], [0x00, 0x8b], [0x8b, 0x1f]]) {
      expect(announcedWork(withTrailer(head, 64, ISIZE_10_000), 1 << 20), head.join(' ')).toBe(64);
    }
    // Too short to hold a header and a trailer, magic or not.
    expect(announcedWork(withTrailer([0x1f, 0x8b], 17, ISIZE_10_000), 1 << 20)).toBe(17);
    // Exactly a header and a trailer: the trailer is read (a sender may lie in it; the cap bounds the lie).
    expect(announcedWork(withTrailer([0x1f, 0x8b], 18, ISIZE_10_000), 1 << 20)).toBe(18 + 10_000);
  });

  it("reads ISIZE's four bytes, its high byte too: 2^24 and 2^32 - 1 announced, the cap applied", () => {
    expect(announcedWork(withTrailer([0x1f, 0x8b], 32, [0x00, 0x00, 0x00, 0x01]), 1 << 30)).toBe(32 + 2 ** 24);
    expect(announcedWork(withTrailer([0x1f, 0x8b], 32, [0xff, 0xff, 0xff, 0xff]), 2 ** 31)).toBe(32 + 2 ** 31);
  });

  it('never counts a light packet (4 KiB or less): a tick of them leaves the tick and the sender their whole budgets', () => {
    const { budget, slot, fate } = budgetOf();
    budget.beginTick(0);
    for (let i = 0; i < TICK / LIGHT; i++) budget.charge(slot(1n), plain(LIGHT));
    // Shares matter only after a heavy packet.
    expect(budget.checking).toBe(false);
    expect(fate(1n, plain(SHARE))).toBe('read');
    expect(fate(2n, plain(TICK - SHARE))).toBe('read');
  });

  it('never holds back a light packet (4 KiB or less), even in a spent tick; 4 KiB and a byte is heavy and waits', () => {
    const { budget, slot, fate } = budgetOf();
    budget.beginTick(0);
    budget.charge(slot(2n), plain(TICK));
    expect(fate(1n, plain(LIGHT))).toBe('read');
    expect(fate(1n, plain(LIGHT + 1))).toBe('waits');
  });

  it("reads heavy packets up to exactly the tick's 256 KiB; a byte over waits for the next tick", () => {
    const { budget, slot, fate } = budgetOf();
    budget.beginTick(0);
    budget.charge(slot(2n), plain(TICK - 32 * KiB));
    expect(budget.skip(1n, plain(32 * KiB + 1))).toBe(true);
    expect(fate(1n, plain(32 * KiB))).toBe('read');
    budget.beginTick(16);
    budget.charge(slot(2n), plain(TICK));
    expect(fate(1n, plain(8 * KiB))).toBe('waits');
  });

  it("reads a sender's heavy packets up to exactly its 64 KiB a tick; a byte over waits, while the others are read", () => {
    const { budget, fate } = budgetOf();
    budget.beginTick(0);
    expect(fate(1n, plain(32 * KiB))).toBe('read');
    expect(budget.skip(1n, plain(32 * KiB + 1))).toBe(true);
    expect(fate(1n, plain(32 * KiB))).toBe('read');
    expect(fate(1n, plain(LIGHT + 1))).toBe('waits');
    expect(fate(2n, plain(32 * KiB + 1))).toBe('read');
    // The share is a tick's: next tick the sender has all of it again.
    budget.beginTick(16);
    expect(fate(1n, plain(SHARE))).toBe('read');
  });

  it("holds a sender's next heavy packet by its share, its first only by the tick's budget: a message over a share is delayed, never starved", () => {
    const { budget, fate } = budgetOf();
    budget.beginTick(0);
    expect(fate(2n, plain(8 * KiB))).toBe('read');
    // A message larger than a share, from a sender that has read nothing this tick: the tick's budget has room.
    expect(fate(1n, plain(100 * KiB))).toBe('read');
    expect(fate(1n, plain(8 * KiB))).toBe('waits');
  });

  it("never holds back a non-member's packet: it is dropped before any decoding, so it must be read, not left queued", () => {
    const { budget, slot } = budgetOf();
    budget.beginTick(0);
    budget.charge(slot(2n), plain(TICK));
    expect(budget.skip(99n, plain(TICK))).toBe(false);
    expect(budget.shedding(undefined)).toBe(false);
  });

  /** At `now`, member 1 reads its share, then offers one more heavy packet: what becomes of it. */
  function overShareAt(b: ReturnType<typeof budgetOf>, now: number) {
    b.budget.beginTick(now);
    expect(b.fate(1n, plain(SHARE))).toBe('read');
    return b.fate(1n, plain(8 * KiB));
  }

  it('keeps a sender waiting while its wait is under five seconds, and sheds its excess at five', () => {
    const b = budgetOf();
    for (const now of [0, 900, 1_800, 2_700, 3_600, 4_500, WAIT_MS - 1]) expect(overShareAt(b, now)).toBe('waits');
    expect(overShareAt(b, WAIT_MS)).toBe('shed');
    // It is shed once: the packet after it is again the budget's to judge.
    expect(b.budget.shedding(b.slot(1n))).toBe(false);
  });

  it('starts a wait when the sender is first held back, not when it first sent heavy packets', () => {
    const b = budgetOf();
    b.budget.beginTick(0);
    expect(b.fate(1n, plain(SHARE))).toBe('read');
    for (const now of [10_000, 10_900, 11_800, 12_700, 13_600, 14_500]) expect(overShareAt(b, now)).toBe('waits');
    expect(overShareAt(b, 10_000 + WAIT_MS)).toBe('shed');
  });

  it('starts the wait afresh only after a whole second free: holds exactly a second apart are one wait, a millisecond more are not', () => {
    // A hold at t lasts past t (the packet waits for a later tick), so holds a second apart leave less than a second free.
    const together = budgetOf();
    for (const now of [0, 1_000, 2_000, 3_000, 4_000]) expect(overShareAt(together, now)).toBe('waits');
    expect(overShareAt(together, 5_000)).toBe('shed');
    const apart = budgetOf();
    for (let i = 0; i <= 8; i++) expect(overShareAt(apart, i * 1_001)).toBe('waits');
  });
});
