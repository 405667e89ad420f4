/**
 * Hostile packets for the reliability test and `npm run bench -- hostile`, in eight classes, each generated from a
 * fixed seed and LABELLED BY CONSTRUCTION: every generator builds its bytes from the wire format as the README and
 * value-tags.ts specify it (written here by hand, not by lobbykit's codec), breaks them in one known way, and says
 * what a runtime listening on channel 1 must make of them — a typed error with its code, a delivery, an unrouted
 * message, a control frame. Nothing here decodes anything, so a decoder that accepts a broken packet is caught.
 */
import fc from 'fast-check';
import { deflateSync } from 'fflate';

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

/** What a runtime listening on channel 1 must make of a packet from a connected member. */
export type Outcome = `error:${string}` | 'delivered' | 'unrouted' | 'control';

export interface HostilePacket {
  readonly bytes: Uint8Array;
  /** What the generator broke, for failure messages. */
  readonly broke: string;
  readonly expected: Outcome;
  /** The channel the generator wrote in the header (0 where it wrote none it could read back). */
  readonly channel: number;
  /**
   * Heavy by docs/reliability.md's rule (its bytes plus the inflation its header announces over 4 KiB): the decode
   * budget may shed it undecoded (`error:over-budget`) instead of its label, when its sender keeps the budget waiting.
   */
  readonly heavy: boolean;
}

/** Work over this is heavy (docs/reliability.md, "How much one tick does"). */
const LIGHT_BYTES = 4 * 1024;

// ── the wire format, from the spec ──────────────────────────────────────────────────────────────────────────

/** Frame kinds and payload codec ids (README "Wire format"). */
const APPLICATION = 0;
const CONTROL = 1;
const VALUE = 0;
const JSON_CODEC = 1;
/** The runtime under test listens on this channel. */
const CHANNEL = 1;
/** The decoder's documented limits: 1 MiB after inflation, 64 levels of nesting, 1024-bit bigints. */
const MAX_DECODED = 1_048_576;
const MAX_DEPTH = 64;
const MAX_BIGINT_BYTES = 147;

/** Unsigned LEB128. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Byte 0: bits 7–6 version (1), 5–3 kind, 2 compressed, 1–0 codec; then the channel; then, compressed, the length. */
function header(kind: number, codec: number, channel = CHANNEL, uncompressedLength?: number, version = 1): number[] {
  const flags = (version << 6) | (kind << 3) | (uncompressedLength === undefined ? 0 : 0b100) | codec;
  return [flags, ...varint(channel), ...(uncompressedLength === undefined ? [] : varint(uncompressedLength))];
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Where the parts of a game message sit in its frame, so a generator can break one on purpose. */
interface MessageFrame {
  readonly bytes: number[];
  readonly channelAt: number;
  readonly seqAt: number;
  /** Offsets of key and string-value characters (all ASCII). */
  readonly textAt: readonly number[];
}

const KEYS = ['seq', 'name', 'pos', 'alive', 'tags'];

/**
 * `{ seq, name, pos: [x, y], alive, tags: ['a', 'b'] }` on channel 1 as the value codec writes it: 0xCE (an object
 * with a new shape), the key count, the keys, then the values (small ints are their own byte, 0xA0 + n an array of
 * n, 0xC2/0xC3 false/true).
 */
function gameMessage(i: number): MessageFrame {
  const bytes = header(APPLICATION, VALUE);
  const channelAt = 1;
  const textAt: number[] = [];
  // A string of 0..31 ASCII bytes: tag 0x80 + length, then the bytes.
  const text = (s: string) => {
    bytes.push(0x80 | s.length);
    for (const c of ascii(s)) {
      textAt.push(bytes.length);
      bytes.push(c);
    }
  };
  bytes.push(0xce, KEYS.length);
  for (const key of KEYS) text(key);
  const seqAt = bytes.length;
  bytes.push(i % 128);
  text(`player${i % 8}`);
  bytes.push(0xa2, (i * 3) % 128, (i * 7) % 128, i % 2 === 0 ? 0xc3 : 0xc2, 0xa2);
  text('a');
  text('b');
  return { bytes, channelAt, seqAt, textAt };
}

/** Valid control frames on channel 0: a heartbeat (op 3, seq) and a handshake (op 1, nonce, attempt). */
function controlFrame(i: number): number[] {
  return i % 2 === 0 ? [...header(CONTROL, VALUE, 0), 3, ...varint(i)] : [...header(CONTROL, VALUE, 0), 1, ...varint(1000 + i), ...varint(i % 5)];
}

const packet = (bytes: readonly number[] | Uint8Array, broke: string, expected: Outcome, channel = CHANNEL, announced = 0): HostilePacket => ({
  bytes: Uint8Array.from(bytes),
  broke,
  expected,
  channel,
  heavy: bytes.length + announced > LIGHT_BYTES,
});

// ── the classes ─────────────────────────────────────────────────────────────────────────────────────────────

/** One flip in a valid game message whose consequence the format fixes. */
const FLIPS: readonly ((m: MessageFrame, pick: number) => HostilePacket)[] = [
  (m, pick) => flip(m, 0, 6 + (pick % 2), 'version bit', 'error:unknown-version'),
  // Kind 0 → 2 (lobby chat, not a game packet) or 4 (unknown).
  (m, pick) => flip(m, 0, 4 + (pick % 2), 'kind bit', 'error:unknown-kind'),
  // Kind 0 → 1: a control frame whose op byte is 0xCE, an op no build knows.
  (m) => flip(m, 0, 3, 'kind bit (to control)', 'error:unknown-type'),
  // Codec 0 → 1: the payload read as JSON text, and 0xCE 0x05 is no UTF-8.
  (m) => flip(m, 0, 0, 'codec bit (to JSON)', 'error:bad-utf8'),
  // Codec 0 → 2: raw bytes, which any payload is.
  (m) => flip(m, 0, 1, 'codec bit (to raw)', 'delivered'),
  // Channel 1 → another channel below 128: a valid message nobody listens to.
  (m, pick) => flip(m, m.channelAt, pick % 7, 'channel bit', 'unrouted'),
  // A small int stays a small int (its tag is its value, 0..127).
  (m, pick) => flip(m, m.seqAt, pick % 7, 'bit of a small int', 'delivered'),
  // The top bit of an ASCII character of a key or string: a lone non-ASCII byte is never UTF-8.
  (m, pick) => flip(m, m.textAt[pick % m.textAt.length]!, 7, 'top bit of a text byte', 'error:bad-utf8'),
];

function flip(m: MessageFrame, at: number, bit: number, what: string, expected: Outcome): HostilePacket {
  const bytes = m.bytes.slice();
  bytes[at]! ^= 1 << bit;
  return packet(bytes, `${what} ${bit} of byte ${at} flipped`, expected);
}

/** Payloads broken in one known way each (value codec, JSON, control), behind a valid header. */
const BROKEN_PAYLOADS: readonly ((n: number, tail: readonly number[]) => HostilePacket)[] = [
  // 0xE1–0xE7 and 0xF8–0xFF are unassigned tags.
  (n, tail) => {
    const tag = [0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff][n % 15]!;
    return packet([...header(APPLICATION, VALUE), tag, ...tail], `unknown value tag 0x${tag.toString(16)}`, 'error:unknown-type');
  },
  (n, tail) => packet([...gameMessage(n).bytes, ...(tail.length > 0 ? tail : [0])], 'bytes after a complete value', 'error:trailing-bytes'),
  // An array (0xCC) announcing more items than bytes remain.
  (n, tail) => packet([...header(APPLICATION, VALUE), 0xcc, ...varint(tail.length + 1 + n), ...tail], 'array count past the end', 'error:truncated'),
  // A uint (0xC6) whose varint ends in a zero group: not minimal.
  (n) => packet([...header(APPLICATION, VALUE), 0xc6, 0x80 | (n % 128), 0x00], 'varint not minimally encoded', 'error:bad-payload'),
  (n) => packet([...header(APPLICATION, VALUE), ...new Array<number>(MAX_DEPTH + 1 + (n % 8)).fill(0xa1), 0], 'arrays nested past the limit', 'error:too-deep'),
  // An object with a new shape of one key whose key is an int.
  (n) => packet([...header(APPLICATION, VALUE), 0xce, 1, n % 128, 0], 'object key that is not a string', 'error:bad-payload'),
  // 0xD0 + k refers to shape k, and none is defined yet in this packet.
  (n) => packet([...header(APPLICATION, VALUE), 0xd0 + (n % 16)], 'reference to an undefined shape', 'error:bad-payload'),
  (n) => packet([...header(APPLICATION, VALUE), 0xc8, ...new Array<number>(MAX_BIGINT_BYTES + 1 + (n % 4)).fill(0xff), 1], 'bigint over 1024 bits', 'error:bad-payload'),
  // A scaled number (0xE8) with a mantissa of 21 bits or more.
  (n) => packet([...header(APPLICATION, VALUE), 0xe8, ...varint((1 << 21) + n)], 'scaled mantissa over 21 bits', 'error:bad-payload'),
  // A 2-byte string whose bytes are a lead byte and an ASCII byte.
  (n) => packet([...header(APPLICATION, VALUE), 0x82, 0xc3 + (n % 16), 0x28], 'string that is not UTF-8', 'error:bad-utf8'),
  (_n, tail) => packet([...header(APPLICATION, JSON_CODEC), ...ascii('{"a":'), ...tail.map((b) => b & 0x7f), 0xff], 'JSON text that is not UTF-8', 'error:bad-utf8'),
  (n) => packet([...header(APPLICATION, JSON_CODEC), ...ascii(`{a${'b'.repeat(n % 20)}}`)], 'text that is not JSON', 'error:bad-payload'),
  // Control ops are 1..5.
  (n, tail) => packet([...header(CONTROL, VALUE, 0), n % 2 === 0 ? 0 : 6 + (n % 250), ...tail], 'unknown control op', 'error:unknown-type', 0),
  (n, tail) => packet([...header(CONTROL, VALUE, 0), 3, ...varint(n), ...(tail.length > 0 ? tail : [0])], 'bytes after a heartbeat', 'error:trailing-bytes', 0),
  // Control frames always use payload codec 0.
  (n) => packet([...header(CONTROL, 1 + (n % 3), 0), 3, 0], 'control frame with another payload codec', 'error:bad-payload', 0),
];

/** The hostile classes, `perClass` packets each, generated from `seed`. */
export function hostileClasses(perClass: number, seed: number): Record<HostileClass, HostilePacket[]> {
  const generators = hostileGenerators(perClass, seed);
  return Object.fromEntries(HOSTILE_CLASSES.map((name) => [name, generators[name]()])) as Record<HostileClass, HostilePacket[]>;
}

/** One generator per class, so a large run can make, send and drop one class at a time. */
export function hostileGenerators(perClass: number, seed: number): Record<HostileClass, () => HostilePacket[]> {
  const sample =
    <T>(arbitrary: fc.Arbitrary<T>, offset: number) =>
    (): T[] =>
      fc.sample(arbitrary, { seed: seed + offset, numRuns: perClass });
  const valid = fc.nat(999).map((i) => (i % 4 === 3 ? { bytes: controlFrame(i), channel: 0 } : { bytes: gameMessage(i).bytes, channel: CHANNEL }));
  const message = fc.nat(999).map(gameMessage);
  const smallBomb = deflateSync(new Uint8Array(64 * 1024));
  const bigBomb = deflateSync(new Uint8Array(4 * 1024 * 1024));
  // A first byte that opens no frame this build reads: another version, or version 1 with a kind above 2.
  const notAFrame = fc.integer({ min: 0, max: 255 }).filter((b) => b >>> 6 !== 1 || ((b >>> 3) & 0b111) >= 3);
  return {
    // Bytes from something that is not lobbykit: whatever follows, the first byte already says no.
    randomBytes: sample(
      fc.tuple(notAFrame, fc.uint8Array({ maxLength: 299 })).map(([first, rest]) =>
        packet([first, ...rest], `first byte 0x${first.toString(16)}`, first >>> 6 !== 1 ? 'error:unknown-version' : 'error:unknown-kind', 0),
      ),
      1,
    ),
    // Every value, header and control field is self-delimiting: no proper prefix of a frame is a frame.
    truncated: sample(
      valid.chain(({ bytes, channel }) =>
        fc.integer({ min: 1, max: bytes.length - 1 }).map((n) => packet(bytes.slice(0, n), `cut to ${n} of ${bytes.length} bytes`, 'error:truncated', channel)),
      ),
      2,
    ),
    bitFlipped: sample(
      fc.tuple(message, fc.nat(FLIPS.length - 1), fc.nat(1_000)).map(([m, which, pick]) => FLIPS[which]!(m, pick)),
      3,
    ),
    wrongVersion: sample(
      fc.tuple(message, fc.constantFrom(0, 2, 3)).map(([m, version]) => {
        const bytes = m.bytes.slice();
        bytes[0] = (bytes[0]! & 0b0011_1111) | (version << 6);
        return packet(bytes, `version ${version}`, 'error:unknown-version');
      }),
      4,
    ),
    unknownKind: sample(
      fc.tuple(message, fc.integer({ min: 3, max: 7 })).map(([m, kind]) => {
        const bytes = m.bytes.slice();
        bytes[0] = (bytes[0]! & 0b1100_0111) | (kind << 3);
        return packet(bytes, `kind ${kind}`, 'error:unknown-kind');
      }),
      5,
    ),
    // Zeros deflated ~1,000:1 announcing fewer bytes than they inflate to: stopped at the announced size.
    // Mostly 64 KiB bombs, and every 250th a 4 MiB one.
    zipBomb: sample(
      fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat(249)).map(([announced, n]) =>
        packet([...header(APPLICATION, VALUE, CHANNEL, announced), ...(n === 0 ? bigBomb : smallBomb)], `bomb announcing ${announced} B`, 'error:oversize', CHANNEL, announced),
      ),
      6,
    ),
    // Frames announcing more than the 1 MiB cap after inflation: refused before anything is allocated.
    oversize: sample(
      fc.tuple(fc.integer({ min: MAX_DECODED + 1, max: 2 ** 31 - 1 }), fc.uint8Array({ maxLength: 64 })).map(([announced, body]) =>
        packet([...header(APPLICATION, VALUE, CHANNEL, announced), ...body], `announces ${announced} B`, 'error:oversize'),
      ),
      7,
    ),
    garbagePayload: sample(
      fc.tuple(fc.nat(BROKEN_PAYLOADS.length - 1), fc.nat(10_000), fc.array(fc.nat(255), { maxLength: 40 })).map(([which, n, tail]) =>
        BROKEN_PAYLOADS[which]!(n, tail),
      ),
      8,
    ),
  };
}

export function tally(outcomes: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/**
 * What a class's outcomes must be, given what was seen: the generators' labels, except that heavy packets the decode
 * budget shed are `error:over-budget`. Shed packets are taken from the heavy ones' labels when the counts allow it
 * (no label seen more often than labelled, none short by more than its heavy packets, the shortfall all shed);
 * otherwise the labels as they are, so a comparison with `seen` fails and shows the difference.
 */
export function expectedOutcomes(packets: readonly HostilePacket[], seen: Readonly<Record<string, number>>): Record<string, number> {
  const labelled = tally(packets.map((p) => p.expected));
  const shed = seen['error:over-budget'] ?? 0;
  if (shed === 0) return labelled;
  const heavy = tally(packets.filter((p) => p.heavy).map((p) => p.expected));
  let short = 0;
  for (const [label, n] of Object.entries(labelled)) {
    const got = seen[label] ?? 0;
    if (got > n || n - got > (heavy[label] ?? 0)) return labelled;
    short += n - got;
  }
  if (short !== shed) return labelled;
  const expected: Record<string, number> = { 'error:over-budget': shed };
  for (const label of Object.keys(labelled)) if ((seen[label] ?? 0) > 0) expected[label] = seen[label]!;
  return expected;
}
