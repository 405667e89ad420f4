import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, frameHeaderLength, writeFrameHeader, type FrameHeaderFields } from '../src/codec/frame.js';
import { createPacketCodec, type PacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType } from '../src/effects/backend.js';
import { createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import { ThinMember } from './helpers/thin-member.js';

// 20,000 hostile packets from a lobby member (a bare backend speaking just enough protocol to be connected) into a
// running runtime, class by class. Each class's outcome, counted by the runtime, must equal what an independent
// codec says of the same bytes; the deterministic classes must fail with their one code. Nothing throws, nothing
// queues up, and a valid message sent afterwards is delivered.

const SEED = 7_000_007;
const PER_CLASS = 2_500;
/** Packets the hostile member sends per frame: the runtime's read limit, so a runtime that keeps up drains them. */
const PER_FRAME = 32;

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

function frame(fields: FrameHeaderFields, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(frameHeaderLength(fields) + payload.length);
  const at = writeFrameHeader(out, 0, fields);
  out.set(payload, at);
  return out;
}

function validFrames(codec: PacketCodec, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const encoded = codec.encode({ seq: i, name: `player${i % 8}`, pos: [i * 0.5, -i], tags: ['a', 'b'], alive: i % 2 === 0 }, { channel: 1 });
    if (!encoded.ok) throw new Error(encoded.detail);
    return encoded.value;
  });
}

const sample = <T>(arbitrary: fc.Arbitrary<T>, seed: number, n = PER_CLASS): T[] => fc.sample(arbitrary, { seed, numRuns: n });

/** The hostile classes, each PER_CLASS packets, generated from fixed seeds. */
function hostileClasses(): Record<string, Uint8Array[]> {
  const valid = validFrames(createPacketCodec(), 64);
  const pick = fc.integer({ min: 0, max: valid.length - 1 }).map((i) => valid[i]!);
  const smallBomb = deflateSync(new Uint8Array(64 * 1024));
  const bigBomb = deflateSync(new Uint8Array(4 * 1024 * 1024));
  return {
    randomBytes: sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), SEED + 1),
    truncated: sample(
      pick.chain((bytes) => fc.integer({ min: 1, max: bytes.length - 1 }).map((n) => bytes.slice(0, n))),
      SEED + 2,
    ),
    bitFlipped: sample(
      pick.chain((bytes) =>
        fc.array(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), { minLength: 1, maxLength: 3 }).map((bits) => {
          const copy = bytes.slice();
          for (const bit of bits) copy[bit >> 3]! ^= 1 << (bit & 7);
          return copy;
        }),
      ),
      SEED + 3,
    ),
    wrongVersion: sample(
      fc.tuple(pick, fc.constantFrom(0, 2, 3)).map(([bytes, version]) => {
        const copy = bytes.slice();
        copy[0] = (copy[0]! & 0b0011_1111) | (version << 6);
        return copy;
      }),
      SEED + 4,
    ),
    unknownKind: sample(
      fc.tuple(pick, fc.integer({ min: 3, max: 7 })).map(([bytes, kind]) => {
        const copy = bytes.slice();
        copy[0] = (copy[0]! & 0b1100_0111) | (kind << 3);
        return copy;
      }),
      SEED + 5,
    ),
    // Zeros deflated to ~1,000:1, announced as something small: stopped at the announced size ('oversize').
    // Mostly 64 KiB bombs, and every 250th a 4 MiB one.
    zipBomb: sample(
      fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat(249)).map(([announced, n]) =>
        frame(
          { kind: FrameKind.application, channel: 1, compressed: true, codecId: PayloadCodecId.value, uncompressedLength: announced },
          n === 0 ? bigBomb : smallBomb,
        ),
      ),
      SEED + 6,
    ),
    // Frames announcing more than the 1 MiB cap after inflation: refused before anything is allocated.
    oversize: sample(
      fc.tuple(fc.integer({ min: 1_048_577, max: 2 ** 31 - 1 }), fc.uint8Array({ minLength: 0, maxLength: 64 })).map(([announced, body]) =>
        frame({ kind: FrameKind.application, channel: 1, compressed: true, codecId: PayloadCodecId.value, uncompressedLength: announced }, body),
      ),
      SEED + 7,
    ),
    // A well-formed header over a payload of garbage, for the value codec, JSON and control frames.
    garbagePayload: sample(
      fc
        .tuple(
          fc.constantFrom<[number, number]>([FrameKind.application, PayloadCodecId.value], [FrameKind.application, PayloadCodecId.json], [FrameKind.control, PayloadCodecId.value]),
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
        )
        .map(([[kind, codecId], payload]) => frame({ kind: kind as FrameKind, channel: 1, codecId: codecId as PayloadCodecId }, payload)),
      SEED + 8,
    ),
  };
}

type Outcome = `error:${string}` | 'delivered' | 'unrouted' | 'control' | 'chat';

/** What the bytes must come to in a runtime that listens on channel 1, judged by a codec of its own. */
function judge(codec: PacketCodec, bytes: Uint8Array): Outcome {
  const decoded = codec.decode(bytes);
  if (!decoded.ok) return `error:${decoded.code}`;
  const packet = decoded.value;
  if (packet.kind === 'control') return 'control';
  // Lobby chat over P2P must carry text; anything else is the runtime's own 'bad-payload'.
  if (packet.kind === 'chat') return typeof packet.value === 'string' ? 'chat' : 'error:bad-payload';
  return packet.channel === 1 ? 'delivered' : 'unrouted';
}

function tally(outcomes: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

describe('hostile packets from a lobby member (simulated Steam, seeded)', () => {
  it(`turns ${8 * PER_CLASS} hostile packets into typed errors counted by code, keeps up, and delivers what comes after`, async () => {
    const w = createRuntimeWorld('simulated', 31);
    world = w;
    const host: Player = w.player(0);
    const created = host.runtime.createLobby({ maxMembers: 4 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    const hostile = new ThinMember(w.sim.user({ id: userId(9), name: 'hostile' }));
    let heartbeats = 0;
    let frames = 0;
    w.everyFrame(() => {
      hostile.tick();
      // A heartbeat a second keeps the member's session alive while it sends nothing valid.
      if (++frames % 60 === 0) {
        hostile.heartbeat();
        heartbeats += hostile.peers.size;
      }
    });
    hostile.backend.joinLobby(lobby.lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);

    const inbox = host.listen(1);
    const judgeCodec = createPacketCodec();
    const timersBefore = w.sim.clock.pending;
    let maxQueued = 0;
    let thrown = 0;
    const classes = hostileClasses();
    for (const [name, packets] of Object.entries(classes)) {
      expect(packets, name).toHaveLength(PER_CLASS);
      const expected = tally(packets.map((bytes) => judge(judgeCodec, bytes)));
      const statsBefore = host.runtime.stats();
      const errorsBefore = host.errors.length;
      const heartbeatsBefore = heartbeats;
      const chatBefore = host.chat.length;
      const inboxBefore = inbox.length;
      for (let at = 0; at < packets.length; at += PER_FRAME) {
        for (const bytes of packets.slice(at, at + PER_FRAME)) hostile.backend.sendP2P(host.id, bytes, P2PSendType.reliable, 0);
        try {
          await w.run(1000 / 60);
        } catch {
          thrown++;
        }
        maxQueued = Math.max(maxQueued, host.backend.pendingPackets());
      }
      await w.run(200);
      const stats = host.runtime.stats();
      const errors = host.errors.slice(errorsBefore);
      const seen: Record<string, number> = {
        ...tally(errors.map((e) => (e.kind === 'decode-failed' ? `error:${e.code}` : `unexpected:${e.kind}`))),
        ...(inbox.length > inboxBefore ? { delivered: inbox.length - inboxBefore } : {}),
        ...(stats.unroutedMessages > statsBefore.unroutedMessages ? { unrouted: stats.unroutedMessages - statsBefore.unroutedMessages } : {}),
        ...(host.chat.length > chatBefore ? { chat: host.chat.length - chatBefore } : {}),
      };
      const control = stats.controlFrames - statsBefore.controlFrames - (heartbeats - heartbeatsBefore);
      if (control > 0) seen.control = control;
      expect(seen, name).toEqual(expected);
      expect(stats.packetsRead - statsBefore.packetsRead, name).toBe(PER_CLASS + (heartbeats - heartbeatsBefore));
      // Everything from the member was read and attributed to the member.
      expect(errors.every((e) => e.kind === 'decode-failed' && e.from === hostile.id)).toBe(true);
    }
    // The classes meant to fail one way did.
    expect(tally(classes.wrongVersion!.map((b) => judge(judgeCodec, b)))).toEqual({ 'error:unknown-version': PER_CLASS });
    expect(tally(classes.unknownKind!.map((b) => judge(judgeCodec, b)))).toEqual({ 'error:unknown-kind': PER_CLASS });
    expect(tally(classes.oversize!.map((b) => judge(judgeCodec, b)))).toEqual({ 'error:oversize': PER_CLASS });
    expect(Object.keys(tally(classes.zipBomb!.map((b) => judge(judgeCodec, b))))).toEqual(['error:oversize']);

    expect(thrown).toBe(0);
    expect(host.errorsOf('internal')).toEqual([]);
    expect(host.runtime.stats().decodeErrors).toBe(host.errorsOf('decode-failed').length);
    // Bounded: the runtime kept up (at most two frames' worth waiting), and left no timer or packet behind.
    expect(maxQueued).toBeLessThanOrEqual(2 * PER_FRAME + 2);
    expect(host.backend.pendingPackets()).toBe(0);
    expect(w.sim.clock.pending).toBeLessThanOrEqual(timersBefore);

    // The member is still connected, and a valid message sent after the storm is delivered.
    expect(host.runtime.allConnected()).toBe(true);
    const after = createPacketCodec().encode({ after: 'storm' }, { channel: 1 });
    if (!after.ok) throw new Error(after.detail);
    hostile.sendFrame(host.id, after.value, 1);
    await w.run(300);
    expect(inbox.at(-1)).toEqual({ from: hostile.id, channel: 1, value: { after: 'storm' } });
  });
});
