/**
 * Hostile packets for the reliability test and `npm run bench -- hostile`: eight classes (random bytes, truncated and
 * bit-flipped valid frames, wrong versions, unknown kinds, zip bombs, oversize, garbage payloads), each generated
 * from a fixed seed, and an independent judge of what each packet must come to in a runtime listening on channel 1.
 */
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { FrameKind, PayloadCodecId, frameHeaderLength, writeFrameHeader, type FrameHeaderFields } from '../../src/codec/frame.js';
import { createPacketCodec, type PacketCodec } from '../../src/codec/packet-codec.js';

export const HOSTILE_CLASSES = [
  'randomBytes',
  'truncated',
  'bitFlipped',
  'wrongVersion',
  'unknownKind',
  'zipBomb',
  'oversize',
  'garbagePayload',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

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

/** The hostile classes, `perClass` packets each, generated from `seed`. */
export function hostileClasses(perClass: number, seed: number): Record<HostileClass, Uint8Array[]> {
  const generators = hostileGenerators(perClass, seed);
  return Object.fromEntries(HOSTILE_CLASSES.map((name) => [name, generators[name]()])) as Record<HostileClass, Uint8Array[]>;
}

/** One generator per class, so a large run can make, send and drop one class at a time. */
export function hostileGenerators(perClass: number, seed: number): Record<HostileClass, () => Uint8Array[]> {
  const sample =
    <T>(arbitrary: fc.Arbitrary<T>, offset: number) =>
    (): T[] =>
      fc.sample(arbitrary, { seed: seed + offset, numRuns: perClass });
  const valid = validFrames(createPacketCodec(), 64);
  const pick = fc.integer({ min: 0, max: valid.length - 1 }).map((i) => valid[i]!);
  const smallBomb = deflateSync(new Uint8Array(64 * 1024));
  const bigBomb = deflateSync(new Uint8Array(4 * 1024 * 1024));
  return {
    randomBytes: sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), 1),
    truncated: sample(
      pick.chain((bytes) => fc.integer({ min: 1, max: bytes.length - 1 }).map((n) => bytes.slice(0, n))),
      2,
    ),
    bitFlipped: sample(
      pick.chain((bytes) =>
        fc.array(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), { minLength: 1, maxLength: 3 }).map((bits) => {
          const copy = bytes.slice();
          for (const bit of bits) copy[bit >> 3]! ^= 1 << (bit & 7);
          return copy;
        }),
      ),
      3,
    ),
    wrongVersion: sample(
      fc.tuple(pick, fc.constantFrom(0, 2, 3)).map(([bytes, version]) => {
        const copy = bytes.slice();
        copy[0] = (copy[0]! & 0b0011_1111) | (version << 6);
        return copy;
      }),
      4,
    ),
    unknownKind: sample(
      fc.tuple(pick, fc.integer({ min: 3, max: 7 })).map(([bytes, kind]) => {
        const copy = bytes.slice();
        copy[0] = (copy[0]! & 0b1100_0111) | (kind << 3);
        return copy;
      }),
      5,
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
      6,
    ),
    // Frames announcing more than the 1 MiB cap after inflation: refused before anything is allocated.
    oversize: sample(
      fc.tuple(fc.integer({ min: 1_048_577, max: 2 ** 31 - 1 }), fc.uint8Array({ minLength: 0, maxLength: 64 })).map(([announced, body]) =>
        frame({ kind: FrameKind.application, channel: 1, compressed: true, codecId: PayloadCodecId.value, uncompressedLength: announced }, body),
      ),
      7,
    ),
    // A well-formed header over a payload of garbage, for the value codec, JSON and control frames.
    garbagePayload: sample(
      fc
        .tuple(
          fc.constantFrom<[number, number]>([FrameKind.application, PayloadCodecId.value], [FrameKind.application, PayloadCodecId.json], [FrameKind.control, PayloadCodecId.value]),
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
        )
        .map(([[kind, codecId], payload]) => frame({ kind: kind as FrameKind, channel: 1, codecId: codecId as PayloadCodecId }, payload)),
      8,
    ),
  };
}

export type Outcome = `error:${string}` | 'delivered' | 'unrouted' | 'control';

/** What the bytes must come to in a runtime that listens on channel 1, judged by a codec of its own. */
export function judge(codec: PacketCodec, bytes: Uint8Array): Outcome {
  const decoded = codec.decode(bytes);
  if (!decoded.ok) return `error:${decoded.code}`;
  const packet = decoded.value;
  if (packet.kind === 'control') return 'control';
  return packet.channel === 1 ? 'delivered' : 'unrouted';
}

export function tally(outcomes: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
