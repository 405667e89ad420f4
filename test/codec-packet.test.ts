import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../src/codec/frame.js';
import { encodeChatFrame } from '../src/effects/steamworks/chat-frame.js';
import { MAX_RELIABLE_BYTES, MAX_UNRELIABLE_BYTES } from '../src/steam/index.js';
import {
  createPacketCodec,
  type DecodedDataPacket,
  type UserPayloadCodec,
} from '../src/codec/packet-codec.js';
import type { CodecErrorCode, CodecResult } from '../src/codec/result.js';
import { toTaggedJson } from '../src/codec/tagged-json.js';

const SEED = 424242;
const KNOWN_CODES: readonly CodecErrorCode[] = [
  'truncated', 'unknown-version', 'unknown-kind', 'unknown-codec', 'unknown-type', 'bad-compression',
  'length-mismatch', 'oversize', 'trailing-bytes', 'bad-payload', 'bad-utf8', 'too-deep',
];

function wellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

const { value: valueArb } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.double(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.maxSafeInteger(),
    fc.tuple(fc.integer({ min: -(2 ** 22), max: 2 ** 22 }), fc.integer({ min: 0, max: 10 })).map(([m, k]) => m / 2 ** k),
    fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }),
    fc.bigInt({ min: 76561197960265728n, max: (1n << 64n) - 1n }),
    fc.string({ unit: 'binary', maxLength: 40 }).filter(wellFormed),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 6 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 5 }).map((entries) => new Map(entries)),
  ),
}));

/** Order- and −0-sensitive equality: the tagged JSON keeps key order, Map order, −0 and NaN. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(toTaggedJson(a)) === JSON.stringify(toTaggedJson(b));
}

function decodedValue(result: CodecResult<unknown>): unknown {
  if (!result.ok) throw new Error(`expected a value, got ${result.code}: ${result.detail}`);
  return (result.value as DecodedDataPacket).value;
}

function expectError(result: CodecResult<unknown>, code: CodecErrorCode): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.code, result.detail).toBe(code);
}

function encodeOk(result: CodecResult<Uint8Array>): Uint8Array {
  if (!result.ok) throw new Error(`encode failed: ${result.code}: ${result.detail}`);
  return result.value;
}

/** Incompressible bytes from a seeded generator (xorshift), so oversize tests cannot be rescued by deflate. */
function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('packet codec round trips', () => {
  const codec = createPacketCodec({ compressionThreshold: 64 });

  it('decodes every encodable value to an equal value (value codec, with and without compression)', () => {
    fc.assert(
      fc.property(valueArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (value, channel, compress) => {
        const bytes = encodeOk(codec.encode(value, { channel, compress }));
        const decoded = codec.decode(bytes);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok || decoded.value.kind === 'control') return;
        expect(decoded.value.channel).toBe(channel);
        expect(same(decoded.value.value, value)).toBe(true);
        expect(decoded.value.value).toEqual(value);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('round-trips shapes the codec does not remember (over 32 keys), "__proto__" keys and repeated shapes', () => {
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const value = { rows: [wide, { ...wide }, { ...wide, extra: 1 }], odd: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown };
    for (let i = 0; i < 3; i++) {
      const decoded = decodedValue(codec.decode(encodeOk(codec.encode(value))));
      expect(same(decoded, value)).toBe(true);
      const odd = (decoded as { odd: object }).odd;
      expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
      expect(Object.keys(odd)).toEqual(['__proto__', 'a']);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes a stream that alternates message types whose shapes share positions and key prefixes', () => {
    const messages = [
      { tick: 1, players: [{ x: 1.5, y: 2, hp: 3 }, { x: 4, y: 5.25, hp: 6 }] },
      { tick: 2, players: [{ x: 1.5, y: 2 }, { x: 4, y: 5.25, hp: 6 }] },
      { tick: 3, chat: 'hi', players: [] },
      { tick: 4, players: [{ x: 1.5, y: 2, hp: 3, name: 'a' }] },
    ];
    for (let round = 0; round < 4; round++) {
      for (const message of messages) expect(decodedValue(codec.decode(encodeOk(codec.encode(message))))).toEqual(message);
    }
  });

  it('writes a JSON payload as the UTF-8 of JSON.stringify, however many bytes its characters take', () => {
    // Room is made from the text's UTF-8 length: 4-byte emoji, 3-byte CJK and an escaped lone surrogate past the
    // scratch buffer's first size must all land whole.
    const value = { text: '🎮'.repeat(200) + '東京'.repeat(100) + 'é'.repeat(50), lone: '\ud800', n: 1 };
    const frame = encodeOk(codec.encode(value, { codec: 'json', compress: false }));
    const payload = new TextEncoder().encode(JSON.stringify(value));
    expect(frame.subarray(frame.length - payload.length)).toEqual(payload);
    expect(decodedValue(codec.decode(frame))).toEqual(value);
  });

  it('keeps the codec id for JSON and raw frames, and refuses a chat frame as no game packet', () => {
    const json = encodeOk(codec.encode({ a: [1, 'two', null] }, { codec: 'json', channel: 300 }));
    expect(codec.decode(json)).toEqual({ ok: true, value: { kind: 'application', channel: 300, codec: 'json', compressed: false, value: { a: [1, 'two', null] } } });
    const chat = encodeChatFrame(1n, new TextEncoder().encode('hi'));
    expect(codec.decode(chat)).toMatchObject({ ok: false, code: 'unknown-kind' });
    const raw = encodeOk(codec.encode(Uint8Array.of(1, 2, 3), { codec: 'raw' }));
    expect(raw.length).toBe(5);
    expect(decodedValue(codec.decode(raw))).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('compresses only when it shrinks the packet', () => {
    const repetitive = { names: Array.from({ length: 40 }, (_, i) => `player-name-${i % 4}`) };
    const small = encodeOk(codec.encode(repetitive));
    const plain = encodeOk(codec.encode(repetitive, { compress: false }));
    expect(small.length).toBeLessThan(plain.length);
    expect((small[0]! & 0b100) !== 0).toBe(true);
    const random = encodeOk(codec.encode(noise(500), { codec: 'raw' }));
    expect((random[0]! & 0b100) !== 0).toBe(false);
    expect(random.length).toBe(502);
  });

  it('runs a user codec and turns its exceptions into typed errors', () => {
    const upper: UserPayloadCodec = {
      name: 'text',
      encode: (v) => new TextEncoder().encode(String(v)),
      decode: (b) => {
        if (b[0] === 0x21) throw new Error('no bangs');
        return new TextDecoder().decode(b);
      },
    };
    const withUser = createPacketCodec({ userCodec: upper });
    expect(decodedValue(withUser.decode(encodeOk(withUser.encode('hi', { codec: 'user' }))))).toBe('hi');
    expectError(withUser.decode(encodeOk(withUser.encode('!', { codec: 'user' }))), 'bad-payload');
    expectError(codec.decode(encodeOk(withUser.encode('hi', { codec: 'user' }))), 'unknown-codec');
    expectError(codec.encode('hi', { codec: 'user' }), 'unknown-codec');
  });

  it('round-trips control messages in a handful of bytes', () => {
    const handshake = encodeOk(codec.encodeControl({ type: 'handshake', nonce: 2 ** 31 - 1, attempt: 3 }));
    expect(handshake.length).toBeLessThanOrEqual(12);
    expect(codec.decode(handshake)).toEqual({ ok: true, value: { kind: 'control', channel: 0, compressed: false, message: { type: 'handshake', nonce: 2 ** 31 - 1, attempt: 3 } } });
    for (const message of [
      { type: 'handshake-ack', nonce: 7, attempt: 0 },
      { type: 'heartbeat', seq: 100000 },
      { type: 'heartbeat-ack', seq: 0 },
      { type: 'goodbye', reason: 42 },
    ] as const) {
      const decoded = codec.decode(encodeOk(codec.encodeControl(message, 5)));
      expect(decoded).toEqual({ ok: true, value: { kind: 'control', channel: 5, compressed: false, message } });
    }
    expectError(codec.encodeControl({ type: 'heartbeat', seq: -1 }), 'unencodable');
  });
});

describe('encode limits and refusals', () => {
  const codec = createPacketCodec();

  it('refuses an unreliable packet over 1200 B and a reliable one over 1 MiB, before sending', () => {
    expect(encodeOk(codec.encode(noise(MAX_UNRELIABLE_BYTES - 4), { codec: 'raw', reliable: false })).length).toBe(MAX_UNRELIABLE_BYTES - 2);
    expectError(codec.encode(noise(MAX_UNRELIABLE_BYTES - 1), { codec: 'raw', reliable: false }), 'too-large-to-send');
    expect(encodeOk(codec.encode(noise(MAX_UNRELIABLE_BYTES - 1), { codec: 'raw' })).length).toBe(MAX_UNRELIABLE_BYTES + 1);
    expectError(codec.encode(noise(MAX_RELIABLE_BYTES), { codec: 'raw' }), 'too-large-to-send');
    expectError(codec.encode(Array.from({ length: 20 }, (_, i) => noise(60_000, i + 1))), 'too-large-to-send');
  });

  it('sends an unreliable packet that only fits once compressed', () => {
    const bytes = encodeOk(codec.encode(new Uint8Array(5000), { codec: 'raw', reliable: false }));
    expect(bytes.length).toBeLessThanOrEqual(MAX_UNRELIABLE_BYTES);
    expect(decodedValue(codec.decode(bytes))).toEqual(new Uint8Array(5000));
  });

  it('refuses values it cannot carry exactly, with a reason', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expectError(codec.encode(cyclic), 'too-deep');
    expectError(codec.encode(new Date(0)), 'unencodable');
    expectError(codec.encode(() => 1), 'unencodable');
    expectError(codec.encode('\uD800 lone'), 'unencodable');
    expectError(codec.encode(1n << 2000n), 'unencodable');
    expectError(codec.encode(10n, { codec: 'json' }), 'unencodable');
    expectError(codec.encode('not bytes', { codec: 'raw' }), 'unencodable');
    expectError(codec.encode(1, { channel: -1 }), 'unencodable');
    expectError(codec.encode(1, { channel: 2 ** 31 }), 'unencodable');
  });
});

describe('hostile input never throws and names its cause', () => {
  const codec = createPacketCodec({ maxDecodedBytes: 64 * 1024 });

  it('random bytes decode to a value or a known error code', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = codec.decode(bytes);
        if (!result.ok) expect(KNOWN_CODES).toContain(result.code);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('random bytes behind a valid header exercise the value decoder and inflater', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x40, 0x41, 0x44, 0x45, 0x48, 0x50), fc.uint8Array({ maxLength: 200 }), (flags, body) => {
        const result = codec.decode(Uint8Array.of(flags, 0, ...body));
        if (!result.ok) expect(KNOWN_CODES).toContain(result.code);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('every strict prefix of a value frame is an error, never a value', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const bytes = encodeOk(codec.encode(value, { compress: false }));
        for (let cut = 0; cut < bytes.length; cut++) {
          const result = codec.decode(bytes.subarray(0, cut));
          expect(result.ok).toBe(false);
          if (!result.ok) expect(KNOWN_CODES).toContain(result.code);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('bit flips of valid frames (compressed too) never throw', () => {
    const loose = createPacketCodec({ compressionThreshold: 16 });
    fc.assert(
      fc.property(valueArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (value, at, bit) => {
        const bytes = encodeOk(loose.encode(value)).slice();
        bytes[at % bytes.length]! ^= 1 << bit;
        const result = loose.decode(bytes);
        if (!result.ok) expect(KNOWN_CODES).toContain(result.code);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('gives each kind of damage its own code', () => {
    const header = (fields: Parameters<typeof encodeFrameHeader>[0]) => encodeFrameHeader(fields);
    const app = header({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.value });
    expectError(codec.decode(Uint8Array.of(0x00, 0)), 'unknown-version');
    expectError(codec.decode(Uint8Array.of(0x40 | (5 << 3), 0)), 'unknown-kind');
    expectError(codec.decode(Uint8Array.of(...app, 0x93, 0x61)), 'truncated');
    expectError(codec.decode(Uint8Array.of(...app, 0xe1)), 'unknown-type');
    expectError(codec.decode(Uint8Array.of(...app, 1, 2)), 'trailing-bytes');
    expectError(codec.decode(Uint8Array.of(...app, 0x82, 0xc3, 0x28)), 'bad-utf8');
    expectError(codec.decode(Uint8Array.of(...app, 0xd3)), 'bad-payload');
    expectError(codec.decode(Uint8Array.of(...app, ...new Array<number>(100).fill(0xa1), 0)), 'too-deep');
    const json = header({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.json });
    expectError(codec.decode(Uint8Array.of(...json, 0x7b)), 'bad-payload');
    const user = header({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.user });
    expectError(codec.decode(Uint8Array.of(...user, 1)), 'unknown-codec');
    const control = header({ kind: FrameKind.control, channel: 0, codecId: PayloadCodecId.value });
    expectError(codec.decode(Uint8Array.of(...control, 99)), 'unknown-type');
    expectError(codec.decode(Uint8Array.of(...control, 3)), 'truncated');
    expectError(codec.decode(Uint8Array.of(...control, 3, 1, 0)), 'trailing-bytes');
  });

  it('reports deflate garbage as bad-compression and a short stream as length-mismatch', () => {
    const compressed = (announced: number) =>
      encodeFrameHeader({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.raw, compressed: true, uncompressedLength: announced });
    expectError(codec.decode(Uint8Array.of(...compressed(10), 0xff, 0xff, 0xff)), 'bad-compression');
    expectError(codec.decode(compressed(10)), 'truncated');
    const tenBytes = deflateSync(new Uint8Array(10));
    expect(decodedValue(codec.decode(Uint8Array.of(...compressed(10), ...tenBytes)))).toEqual(new Uint8Array(10));
    expectError(codec.decode(Uint8Array.of(...compressed(11), ...tenBytes)), 'length-mismatch');
    expectError(codec.decode(Uint8Array.of(...compressed(10), ...tenBytes.subarray(0, tenBytes.length - 1))), 'bad-compression');
  });

  it('applies the decoded-size cap to uncompressed payloads too', () => {
    const small = createPacketCodec({ maxDecodedBytes: 100 });
    const bytes = encodeOk(codec.encode(noise(101), { codec: 'raw', compress: false }));
    expectError(small.decode(bytes), 'oversize');
    expect(decodedValue(small.decode(encodeOk(codec.encode(noise(100), { codec: 'raw', compress: false }))))).toEqual(noise(100));
  });

  it('caps zip bombs: announced or actual inflation past the cap is oversize, and the bomb is never allocated', () => {
    const header = (announced: number) =>
      encodeFrameHeader({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.raw, compressed: true, uncompressedLength: announced });
    const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const lying = Uint8Array.of(...header(100), ...bomb);
    const honest = Uint8Array.of(...header(64 * 1024 * 1024), ...bomb);
    const huge = Uint8Array.of(...header(2 ** 31 - 1), ...bomb.subarray(0, 10));

    const before = process.memoryUsage().arrayBuffers;
    expectError(codec.decode(lying), 'oversize');
    expectError(codec.decode(honest), 'oversize');
    expectError(codec.decode(huge), 'oversize');
    // A 64 MiB (or 2 GiB) allocation would show here; the decoder only ever allocates announced + 1 ≤ cap + 1 bytes.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });
});
