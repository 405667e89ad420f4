// The frame and control wire, one documented rule per test (docs/wire-format.md): LEB128 lengths at every byte
// boundary, where each error is found (its offset) and that it says so in a sentence naming what it found, the
// compression threshold and "smaller only", the send limits counted on the frame, and the decode limits counted
// on the payload. Frames are built here byte by byte, or searched for with fflate as the judge of what deflate
// makes; the expected results come from the rules, never from running the codec on the same bytes.
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader, frameHeaderLength, peekChannel, readFrameHeader } from '../src/codec/frame.js';
import { createPacketCodec, type DecodedPacket, type UserPayloadCodec } from '../src/codec/packet-codec.js';
import { CodecEncodeError, type CodecErrorCode, type CodecResult } from '../src/codec/result.js';
import { MAX_RELIABLE_BYTES, MAX_UNRELIABLE_BYTES } from '../src/steam/index.js';

/** A typed error with `code`, found at `offset` (when given), whose detail is a sentence that names `mentions`. */
function refused(result: CodecResult<unknown>, code: CodecErrorCode, offset?: number, ...mentions: string[]): string {
  expect(result.ok).toBe(false);
  if (result.ok) return '';
  expect(result.code, result.detail).toBe(code);
  if (offset !== undefined) expect(result.offset, result.detail).toBe(offset);
  expect(result.detail).toMatch(/[a-z]{2,}\W+[a-z]{2,}/i);
  for (const m of mentions) expect(result.detail).toContain(m);
  return result.detail;
}

function ok<T>(result: CodecResult<T>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.value;
}

const frame = (...parts: (Uint8Array | readonly number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const header = (fields: Parameters<typeof encodeFrameHeader>[0]) => encodeFrameHeader(fields);
const APP = { kind: FrameKind.application, channel: 0 } as const;

/** Incompressible bytes (xorshift32), so deflate cannot shrink them. */
function noise(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
const padded = (bytes: Uint8Array, zeros: number) => frame(bytes, new Uint8Array(zeros));
const isCompressed = (bytes: Uint8Array) => (bytes[0]! & 0b100) !== 0;

describe('varints (unsigned LEB128, 7 bits a byte)', () => {
  // [channel, its varint bytes]: each byte carries 7 bits, low group first, the high bit set on all but the last.
  const TABLE: readonly (readonly [number, readonly number[]])[] = [
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2 ** 21 - 1, [0xff, 0xff, 0x7f]],
    [2 ** 21, [0x80, 0x80, 0x80, 0x01]],
    [2 ** 28 - 1, [0xff, 0xff, 0xff, 0x7f]],
    [2 ** 28, [0x80, 0x80, 0x80, 0x80, 0x01]],
    [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
  ];

  it.each(TABLE)('channel %i is the header byte then %j', (channel, varint) => {
    const fields = { ...APP, channel, codecId: PayloadCodecId.raw };
    expect(Array.from(encodeFrameHeader(fields))).toEqual([0x42, ...varint]);
    expect(frameHeaderLength(fields)).toBe(1 + varint.length);
    const bytes = frame([0x42, ...varint], [9, 8]);
    expect(readFrameHeader(bytes)).toMatchObject({ ok: true, value: { channel, payloadOffset: 1 + varint.length } });
    expect(peekChannel(bytes)).toBe(channel);
    const sent = ok(createPacketCodec().encode(Uint8Array.of(9, 8), { channel, codec: 'raw' }));
    expect(Array.from(sent)).toEqual(Array.from(bytes));
    expect(ok(createPacketCodec().decode(bytes))).toMatchObject({ kind: 'application', channel, value: Uint8Array.of(9, 8) });
  });

  it('a frame that ends inside a varint is truncated at its end, even after four continuation bytes', () => {
    refused(readFrameHeader(new Uint8Array(0)), 'truncated', 0);
    refused(readFrameHeader(Uint8Array.of(0x40)), 'truncated', 1);
    for (let n = 1; n <= 4; n++) refused(readFrameHeader(frame([0x40], new Array<number>(n).fill(0x80))), 'truncated', 1 + n, 'channel');
    refused(readFrameHeader(Uint8Array.of(0x44, 0x00, 0x80, 0x80, 0x80, 0x80)), 'truncated', 6, 'length');
    refused(createPacketCodec().decode(Uint8Array.of(0x40)), 'truncated', 1);
  });

  it('names the version and kind it does not know', () => {
    refused(readFrameHeader(Uint8Array.of(2 << 6, 0)), 'unknown-version', 0, '2');
    refused(readFrameHeader(Uint8Array.of(0x40 | (5 << 3), 0)), 'unknown-kind', 0, '5');
    refused(readFrameHeader(Uint8Array.of(0x40, 0x81, 0x00)), 'bad-payload', 1);
    refused(readFrameHeader(Uint8Array.of(0x44, 0x00, 0x81, 0x00)), 'oversize', 2);
  });

  it('peeks the channel of a whole header only: an uncompressed header ends at the channel', () => {
    expect(peekChannel(Uint8Array.of(0x40, 0x05))).toBe(5);
    expect(peekChannel(Uint8Array.of(0x40, 0x05, 0x80))).toBe(5);
    expect(peekChannel(Uint8Array.of(0x44, 0x05, 0x80))).toBeUndefined();
    expect(peekChannel(Uint8Array.of(0x44, 0x05, 0x03))).toBe(5);
    expect(peekChannel(Uint8Array.of(0x40, 0x80))).toBeUndefined();
    expect(peekChannel(Uint8Array.of(0x40))).toBeUndefined();
    expect(peekChannel(new Uint8Array(0))).toBeUndefined();
  });
});

describe('control frames (kind 1, payload codec 0, never compressed)', () => {
  const codec = createPacketCodec();
  const CONTROL = [0x48, 0x00]; // version 1, kind 1, codec 0, channel 0
  // The op's first field, as the wire-format table names it.
  const FIRST: readonly (readonly [number, string])[] = [
    [1, 'nonce'],
    [2, 'nonce'],
    [3, 'seq'],
    [4, 'seq'],
    [5, 'reason'],
  ];

  it.each(FIRST)('op %i that ends before its first field is truncated there, naming the %s', (op, field) => {
    refused(codec.decode(frame(CONTROL, [op])), 'truncated', 3, field);
    refused(codec.decode(frame(CONTROL, [op, 0x80, 0x00])), 'bad-payload', 3, field);
  });

  it('reads the attempt after the nonce, and says which field is missing or malformed', () => {
    refused(codec.decode(frame(CONTROL, [1, 7])), 'truncated', 4, 'attempt');
    refused(codec.decode(frame(CONTROL, [2, 7, 0x80])), 'truncated', 5, 'attempt');
    refused(codec.decode(frame(CONTROL, [1, 7, 0x80, 0x00])), 'bad-payload', 4, 'attempt');
    expect(ok(codec.decode(frame(CONTROL, [2, 7, 3])))).toEqual({ kind: 'control', channel: 0, compressed: false, message: { type: 'handshake-ack', nonce: 7, attempt: 3 } });
  });

  it('refuses ops 0 and 6 as unknown-type, an empty payload as truncated, and counts trailing bytes', () => {
    refused(codec.decode(frame(CONTROL, [0, 1])), 'unknown-type', 2, '0');
    refused(codec.decode(frame(CONTROL, [6, 1])), 'unknown-type', 2, '6');
    refused(codec.decode(frame(CONTROL)), 'truncated', 2);
    refused(codec.decode(frame(CONTROL, [3, 1, 9, 9])), 'trailing-bytes', 4, '2 bytes');
  });

  it('refuses a control frame that names another payload codec or is compressed, on any channel', () => {
    refused(codec.decode(Uint8Array.of(0x49, 0x00, 3, 1)), 'bad-payload', 0);
    refused(codec.decode(Uint8Array.of(0x49, 0xc8, 0x01, 3, 1)), 'bad-payload', 0);
    refused(codec.decode(Uint8Array.of(0x4c, 0x00, 2, 3, 1)), 'bad-payload', 0);
  });

  it('carries every message on a channel past 127 too', () => {
    const message = { type: 'heartbeat', seq: 1 } as const;
    const bytes = ok(codec.encodeControl(message, 300));
    expect(Array.from(bytes)).toEqual([0x48, 0xac, 0x02, 3, 1]);
    expect(ok(codec.decode(bytes))).toEqual({ kind: 'control', channel: 300, compressed: false, message });
  });

  it('refuses to encode fields and channels outside 0 to 2^31 − 1, and unknown types, naming them', () => {
    refused(codec.encodeControl({ type: 'heartbeat', seq: 2 ** 31 }), 'unencodable', undefined, 'heartbeat');
    ok(codec.encodeControl({ type: 'heartbeat', seq: 2 ** 31 - 1 }));
    refused(codec.encodeControl({ type: 'handshake', nonce: 1, attempt: -1 }), 'unencodable', undefined, 'handshake');
    refused(codec.encodeControl({ type: 'handshake-ack', nonce: 1, attempt: 0.5 }), 'unencodable');
    refused(codec.encodeControl({ type: 'heartbeat', seq: 1 }, -1), 'unencodable', undefined, '-1');
    refused(codec.encodeControl({ type: 'heartbeat', seq: 1 }, 2 ** 31), 'unencodable', undefined, String(2 ** 31));
    refused(codec.encodeControl({ type: 'ping', seq: 1 } as never), 'unencodable', undefined, 'ping');
  });
});

describe('application frames', () => {
  it('reports an uncompressed frame as not compressed, with the codec its header names', () => {
    const codec = createPacketCodec();
    const names = ['value', 'json', 'raw'] as const;
    for (const [id, payload] of [[0, [0x05]], [1, [0x35]], [2, [0x05]]] as const) {
      const decoded: DecodedPacket = ok(codec.decode(Uint8Array.of(0x40 | id, 0x01, ...payload)));
      expect(decoded).toMatchObject({ kind: 'application', channel: 1, codec: names[id], compressed: false });
    }
  });

  it('refuses a payload codec it does not have, by name, and a frame for the user codec without one', () => {
    refused(createPacketCodec().encode(1, { codec: 'msgpack' as never }), 'unknown-codec', undefined, 'msgpack', 'value, json, raw, user');
    refused(createPacketCodec().encode(1, { codec: 'user' }), 'unknown-codec');
    refused(createPacketCodec().decode(Uint8Array.of(0x43, 0x00, 1)), 'unknown-codec', 0);
  });

  it('turns what a user codec does wrong when encoding into unencodable, naming the codec', () => {
    const throwing: UserPayloadCodec = { name: 'brittle', encode: () => { throw new Error('no way'); }, decode: () => 0 };
    refused(createPacketCodec({ userCodec: throwing }).encode(1, { codec: 'user' }), 'unencodable', undefined, 'brittle', 'no way');
    const stringy: UserPayloadCodec = { name: 'stringy', encode: () => 'text' as unknown as Uint8Array, decode: () => 0 };
    refused(createPacketCodec({ userCodec: stringy }).encode(1, { codec: 'user' }), 'unencodable', undefined, 'stringy');
    const failing: UserPayloadCodec = { name: 'picky', encode: () => Uint8Array.of(1), decode: () => { throw new Error('bad byte'); } };
    refused(createPacketCodec({ userCodec: failing }).decode(Uint8Array.of(0x43, 0x00, 1)), 'bad-payload', 2, 'picky', 'bad byte');
  });

  it('refuses what JSON cannot say, and a non-byte raw payload, with a reason', () => {
    const codec = createPacketCodec();
    refused(codec.encode(undefined, { codec: 'json' }), 'unencodable', undefined, 'undefined');
    refused(codec.encode(() => 1, { codec: 'json' }), 'unencodable', undefined, 'function');
    refused(codec.encode(10n, { codec: 'json' }), 'unencodable', undefined, 'JSON');
    refused(codec.encode('text', { codec: 'raw' }), 'unencodable');
    refused(codec.encode(1, { channel: 1.5 }), 'unencodable', undefined, '1.5');
    refused(createPacketCodec({ maxDepth: 3 }).encode([[[[0]]]], { codec: 'json' }), 'too-deep', undefined, '3');
    // Deeper than JSON.stringify's stack: still too deep, by the codec's own limit.
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    refused(codec.encode(deep, { codec: 'json' }), 'too-deep', undefined, '64');
  });

  it('refuses JSON that is not UTF-8 or not JSON where its payload starts', () => {
    const codec = createPacketCodec();
    refused(codec.decode(Uint8Array.of(0x41, 0x00, 0xc3, 0x28)), 'bad-utf8', 2);
    refused(codec.decode(Uint8Array.of(0x41, 0x00, 0x7b)), 'bad-payload', 2);
    refused(codec.decode(Uint8Array.of(0x50, 0x00, 1)), 'unknown-kind', 0);
  });

  it('a limit of 0 refuses every container, as the value codec does, plain and deflated', () => {
    const strict = createPacketCodec({ maxDepth: 0 });
    const json = new TextEncoder().encode('[]');
    refused(strict.decode(frame([0x41, 0x00], json)), 'too-deep', 2);
    const deflated = frame(header({ ...APP, codecId: PayloadCodecId.json, compressed: true, uncompressedLength: 2 }), deflateSync(json));
    refused(strict.decode(deflated), 'too-deep', 3);
    expect(ok(strict.decode(frame([0x41, 0x00], new TextEncoder().encode('5'))))).toMatchObject({ value: 5 });
    // A scalar still goes out, whatever an earlier message left in the codec's scratch space after it.
    ok(strict.encode('[', { codec: 'json' }));
    expect(ok(strict.decode(ok(strict.encode(5, { codec: 'json' }))))).toMatchObject({ value: 5 });
  });

  it('counts nesting, not containers: a thousand siblings are one level', () => {
    const codec = createPacketCodec({ maxDepth: 2 });
    const wide = `[${new Array(1000).fill('[]').join(',')}]`;
    const keyed = `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":{}`).join(',')}}`;
    for (const text of [wide, keyed]) expect(ok(codec.decode(frame([0x41, 0x00], new TextEncoder().encode(text)))).kind).toBe('application');
    // The third bracket opens level 3: found at its own offset (header 2 bytes + 2).
    refused(codec.decode(frame([0x41, 0x00], new TextEncoder().encode('[[[]]]'))), 'too-deep', 4);
  });
});

describe('compression: from the threshold on, and kept only when the frame gets smaller', () => {
  it('deflates a payload of 256 bytes or more, never one of 255', () => {
    const codec = createPacketCodec();
    const below = ok(codec.encode(new Uint8Array(255), { codec: 'raw' }));
    expect(isCompressed(below)).toBe(false);
    expect(below.length).toBe(257);
    const at = ok(codec.encode(new Uint8Array(256), { codec: 'raw' }));
    expect(isCompressed(at)).toBe(true);
    expect(at.length).toBeLessThan(20);
    expect(ok(codec.decode(at))).toMatchObject({ compressed: true, value: new Uint8Array(256) });
  });

  it('sends a payload as is when deflate saves nothing, even when it ties', () => {
    // 256-byte payloads from all noise to a few zeros: deflate (fflate, level 6) goes from longer than the payload
    // to shorter; a compressed frame also spells the inflated length (2 bytes for 256).
    const codec = createPacketCodec();
    const compressedSize: number[] = [];
    for (let k = 200; k <= 256; k++) {
      const payload = padded(noise(k), 256 - k);
      compressedSize.push(deflateSync(payload, { level: 6 }).length + 2);
      const sent = ok(codec.encode(payload, { codec: 'raw' }));
      if (isCompressed(sent)) expect(sent.length, `k ${k}`).toBeLessThan(2 + 256);
      else expect(Array.from(sent), `k ${k}`).toEqual([0x42, 0x00, ...payload]);
      expect(ok(codec.decode(sent))).toMatchObject({ value: payload });
    }
    // The sweep crosses the tie and both sides of it, or it proves nothing.
    for (const size of [255, 256, 257]) expect(compressedSize).toContain(size);
  });
});

describe('send limits, counted on the frame as sent', () => {
  it('sends an unreliable frame of exactly 1200 B, compressed or not, and refuses 1201 B, saying what to do', () => {
    const codec = createPacketCodec();
    expect(ok(codec.encode(noise(MAX_UNRELIABLE_BYTES - 2), { codec: 'raw', reliable: false, compress: false })).length).toBe(MAX_UNRELIABLE_BYTES);
    // Noise then zeros deflates to about the noise: find the payloads whose compressed frame is 1200 and 1201 B.
    const sizes = new Map<number, Uint8Array>();
    for (let k = 1100; k < 1250 && sizes.size < 2; k++) {
      const payload = padded(noise(k), 3000);
      const length = ok(codec.encode(payload, { codec: 'raw' })).length;
      if (length === MAX_UNRELIABLE_BYTES || length === MAX_UNRELIABLE_BYTES + 1) sizes.set(length, payload);
    }
    expect([...sizes.keys()].sort()).toEqual([MAX_UNRELIABLE_BYTES, MAX_UNRELIABLE_BYTES + 1]);
    const fits = ok(codec.encode(sizes.get(MAX_UNRELIABLE_BYTES)!, { codec: 'raw', reliable: false }));
    expect(isCompressed(fits)).toBe(true);
    const detail = refused(codec.encode(sizes.get(MAX_UNRELIABLE_BYTES + 1)!, { codec: 'raw', reliable: false }), 'too-large-to-send', undefined, '1201', '1200', 'unreliable');
    expect(detail).toMatch(/send it reliable/);
    refused(codec.encode(noise(MAX_UNRELIABLE_BYTES), { codec: 'raw', reliable: false }), 'too-large-to-send', undefined, '1202', 'unreliable');
  });

  it('refuses a reliable frame over 1 MiB without calling it unreliable', () => {
    const detail = refused(createPacketCodec().encode(noise(MAX_RELIABLE_BYTES - 1), { codec: 'raw' }), 'too-large-to-send', undefined, String(MAX_RELIABLE_BYTES + 1));
    expect(detail).toMatch(/ reliable packets$/);
    // Compressed and still over: a receiver that inflates 2 MiB would take it, Steam would not.
    const roomy = createPacketCodec({ maxDecodedBytes: 2 * MAX_RELIABLE_BYTES });
    const compressed = refused(roomy.encode(padded(noise(MAX_RELIABLE_BYTES + 1000), 100_000), { codec: 'raw' }), 'too-large-to-send', undefined, String(MAX_RELIABLE_BYTES));
    expect(compressed).toMatch(/ reliable packets$/);
  });

  it('a fresh codec sends an unreliable payload that only fits once deflated', () => {
    const sent = ok(createPacketCodec().encode(new Uint8Array(5000), { codec: 'raw', reliable: false }));
    expect(sent.length).toBeLessThanOrEqual(MAX_UNRELIABLE_BYTES);
  });

  it('refuses a payload past the 1 MiB a receiver inflates, however well it deflates, and sends one at it', () => {
    const codec = createPacketCodec();
    const detail = refused(codec.encode(new Uint8Array(MAX_RELIABLE_BYTES + 1), { codec: 'raw' }), 'too-large-to-send');
    // The sentence names the limit and no other figure.
    expect(detail.match(/\d+/g)).toEqual([String(MAX_RELIABLE_BYTES), String(MAX_RELIABLE_BYTES)]);
    const atCap = ok(codec.encode(new Uint8Array(MAX_RELIABLE_BYTES), { codec: 'raw' }));
    expect((ok(createPacketCodec().decode(atCap)) as { value: Uint8Array }).value.length).toBe(MAX_RELIABLE_BYTES);
  });

  it('an encode error has no offset: there are no input bytes to point into', () => {
    expect(Object.keys(createPacketCodec().encode(1, { channel: -1 }))).not.toContain('offset');
  });
});

describe('decode limits, counted on the payload', () => {
  const small = createPacketCodec({ maxDecodedBytes: 100 });
  const raw300 = (payload: Uint8Array) => frame([0x42, 0xac, 0x02], payload); // raw, channel 300: a 3-byte header

  it('takes a payload of exactly the limit and refuses one byte more, on any channel', () => {
    expect(ok(small.decode(raw300(noise(100))))).toMatchObject({ channel: 300, value: noise(100) });
    refused(small.decode(raw300(noise(101))), 'oversize', 3, '101', '100');
    expect(ok(small.decode(raw300(noise(1))))).toMatchObject({ value: noise(1) });
    expect(ok(small.decode(frame([0x42, 0x00], noise(100))))).toMatchObject({ value: noise(100) });
    refused(small.decode(frame([0x42, 0x00], noise(101))), 'oversize', 2);
  });

  it('inflates to exactly the limit and refuses an announced byte more where the length is written', () => {
    const deflated = (n: number, channel = 0) =>
      frame(header({ ...APP, channel, codecId: PayloadCodecId.raw, compressed: true, uncompressedLength: n }), deflateSync(new Uint8Array(n)));
    expect(ok(small.decode(deflated(100)))).toMatchObject({ compressed: true, value: new Uint8Array(100) });
    refused(small.decode(deflated(101)), 'oversize', 2, '101', '100');
    refused(small.decode(deflated(101, 300)), 'oversize', 3);
    refused(small.decode(header({ ...APP, codecId: PayloadCodecId.raw, compressed: true, uncompressedLength: 10 })), 'truncated', 3);
  });

  it('refuses a stream that inflates past what it announced, even by one byte', () => {
    const eleven = Uint8Array.from({ length: 11 }, (_, i) => i + 1);
    const bytes = frame(header({ ...APP, codecId: PayloadCodecId.raw, compressed: true, uncompressedLength: 10 }), deflateSync(eleven));
    refused(createPacketCodec().decode(bytes), 'oversize', 3);
    refused(createPacketCodec().decode(frame(bytes.subarray(0, 3), [0xff, 0xff, 0xff])), 'bad-compression', 3);
    const short = frame(header({ ...APP, codecId: PayloadCodecId.raw, compressed: true, uncompressedLength: 12 }), deflateSync(eleven));
    refused(createPacketCodec().decode(short), 'length-mismatch', 3, '11', '12');
  });

  it('says where in the inflated payload a deflated value went wrong', () => {
    // The value 1 (one byte), then 299 bytes nothing asked for: trailing bytes at byte 1 of the inflated payload.
    const payload = padded(Uint8Array.of(1), 299);
    const bytes = frame(header({ ...APP, codecId: PayloadCodecId.value, compressed: true, uncompressedLength: 300 }), deflateSync(payload));
    refused(createPacketCodec().decode(bytes), 'trailing-bytes', 4, 'byte 1 of the inflated payload');
  });
});

describe('CodecEncodeError', () => {
  it('is named as its class, so a stack trace says which error it is', () => {
    const error = new CodecEncodeError('unencodable', 'a reason');
    expect(error.name).toBe(CodecEncodeError.name);
    expect(String(error)).toBe(`${CodecEncodeError.name}: a reason`);
  });
});
