// The value codec byte for byte. Every expected byte here is written from the tag table in
// src/codec/value-tags.ts (and docs/wire-format.md): which tag each value takes, LEB128 varints, little-endian
// floats and u64s, and UTF-8 as TextEncoder writes it. Round trips alone cannot see a value written in a longer
// form than the table says, or a decoder that reads a tag as its neighbour; this table can.
import { describe, expect, it } from 'vitest';
import { ByteWriter, WriteLimitExceeded } from '../src/codec/byte-writer.js';
import { ValueDecoder, ValueEncoder, decodeValue, encodeFailureToError, encodeValue } from '../src/codec/value-codec.js';
import type { CodecErrorCode, CodecResult } from '../src/codec/result.js';

const f32 = (v: number) => Array.from(new Uint8Array(new Float32Array([v]).buffer));
const f64 = (v: number) => Array.from(new Uint8Array(new Float64Array([v]).buffer));
const u64 = (v: bigint) => Array.from(new Uint8Array(new BigUint64Array([v]).buffer));
const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));
const ff = (n: number) => new Array<number>(n).fill(0xff);

const TABLE: readonly (readonly [string, unknown, readonly number[]])[] = [
  // integers: 0..127 one byte, −1..−16 one byte, then uint / negative-int varints (−1 − n)
  ['0', 0, [0x00]],
  ['127', 127, [0x7f]],
  ['128', 128, [0xc6, 0x80, 0x01]],
  ['2^31', 2 ** 31, [0xc6, 0x80, 0x80, 0x80, 0x80, 0x08]],
  ['2^53 − 1', Number.MAX_SAFE_INTEGER, [0xc6, ...ff(7), 0x0f]],
  ['2^35 (a group of exactly 0x80 on the way)', 2 ** 35, [0xc6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
  ['−1', -1, [0xb0]],
  ['−16', -16, [0xbf]],
  ['−17', -17, [0xc7, 0x10]],
  ['−2^31 − 1', -(2 ** 31) - 1, [0xc7, 0x80, 0x80, 0x80, 0x80, 0x08]],
  ['−(2^53 − 1)', -Number.MAX_SAFE_INTEGER, [0xc7, 0xfe, ...ff(6), 0x0f]],
  // past safe integers a number is a float
  ['2^53', 2 ** 53, [0xc4, ...f32(2 ** 53)]],
  ['−2^53', -(2 ** 53), [0xc4, ...f32(-(2 ** 53))]],
  ['−0', -0, [0xc4, ...f32(-0)]],
  // multiples of 1/2^k (k = 1..8) with a mantissa below 2^21: tag 0xE8 + k − 1 (0xF0 negative), then m
  ['0.5', 0.5, [0xe8, 0x01]],
  ['1.25', 1.25, [0xe9, 0x05]],
  ['5.75', 5.75, [0xe9, 0x17]],
  ['12.125', 12.125, [0xea, 0x61]],
  ['−0.5', -0.5, [0xf0, 0x01]],
  ['−5.75', -5.75, [0xf1, 0x17]],
  ['1/256', 1 / 256, [0xef, 0x01]],
  ['−3/256', -3 / 256, [0xf7, 0x03]],
  ['2^20 − 0.5', 2 ** 20 - 0.5, [0xe8, 0xff, 0xff, 0x7f]],
  ['2^20 + 0.5 (mantissa 2^21)', 2 ** 20 + 0.5, [0xc4, ...f32(2 ** 20 + 0.5)]],
  ['2^21 + 0.5', 2 ** 21 + 0.5, [0xc4, ...f32(2 ** 21 + 0.5)]],
  ['1/512', 1 / 512, [0xc4, ...f32(1 / 512)]],
  // float32 when exact, else float64
  ['0.1', 0.1, [0xc5, ...f64(0.1)]],
  ['NaN', NaN, [0xc4, ...f32(NaN)]],
  ['Infinity', Infinity, [0xc4, ...f32(Infinity)]],
  ['−Infinity', -Infinity, [0xc4, ...f32(-Infinity)]],
  ['2^60 + 2^8 (float64)', 2 ** 60 + 2 ** 8, [0xc5, ...f64(2 ** 60 + 2 ** 8)]],
  // constants
  ['null', null, [0xc0]],
  ['undefined', undefined, [0xc1]],
  ['false', false, [0xc2]],
  ['true', true, [0xc3]],
  // bigints: u64 (8 bytes LE) from 2^56 to 2^64 − 1, else varints, negatives as −1 − n
  ['0n', 0n, [0xc8, 0x00]],
  ['5n', 5n, [0xc8, 0x05]],
  ['−1n', -1n, [0xc9, 0x00]],
  ['−6n', -6n, [0xc9, 0x05]],
  ['2^53n − 1n', 2n ** 53n - 1n, [0xc8, ...ff(7), 0x0f]],
  ['2^53n', 2n ** 53n, [0xc8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]],
  ['2^56n − 1n', 2n ** 56n - 1n, [0xc8, ...ff(7), 0x7f]],
  ['2^56n', 2n ** 56n, [0xca, ...u64(2n ** 56n)]],
  ['a Steam id', 76561197960265728n, [0xca, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x10, 0x01]],
  ['2^64n − 1n', 2n ** 64n - 1n, [0xca, ...ff(8)]],
  ['2^64n', 2n ** 64n, [0xc8, ...new Array<number>(9).fill(0x80), 0x02]],
  ['−2^64n − 1n', -(2n ** 64n) - 1n, [0xc9, ...new Array<number>(9).fill(0x80), 0x02]],
  // strings: 0x80 + length below 32 UTF-8 bytes, else 0xCB and a varint length
  ['""', '', [0x80]],
  ['"a"', 'a', [0x81, 0x61]],
  ['31 bytes', 'x'.repeat(31), [0x9f, ...utf8('x'.repeat(31))]],
  ['32 bytes', 'x'.repeat(32), [0xcb, 0x20, ...utf8('x'.repeat(32))]],
  ['200 bytes', 'y'.repeat(200), [0xcb, 0xc8, 0x01, ...utf8('y'.repeat(200))]],
  ['U+007F U+0080 U+07FF', '\u007f\u0080\u07ff', [0x85, ...utf8('\u007f\u0080\u07ff')]],
  ['U+0800 U+D7FF U+E000 U+FFFF', '\u0800\ud7ff\ue000\uffff', [0x8c, ...utf8('\u0800\ud7ff\ue000\uffff')]],
  ['astral', 'a😀\u{10ffff}\u{10000}', [0x8d, ...utf8('a😀\u{10ffff}\u{10000}')]],
  ['70 bytes with one é', `${'z'.repeat(68)}é`, [0xcb, 70, ...utf8(`${'z'.repeat(68)}é`)]],
  // arrays: 0xA0 + count below 16, else 0xCC and a varint count
  ['[]', [], [0xa0]],
  ['15 items', new Array(15).fill(1), [0xaf, ...new Array<number>(15).fill(1)]],
  ['16 items', new Array(16).fill(2), [0xcc, 0x10, ...new Array<number>(16).fill(2)]],
  ['bytes', Uint8Array.of(1, 2, 255), [0xcd, 0x03, 1, 2, 255]],
  ['Map', new Map<unknown, unknown>([[1, 'a'], ['b', null]]), [0xe0, 0x02, 0x01, 0x81, 0x61, 0x81, 0x62, 0xc0]],
  // objects: a new shape (key count, keys), then 0xD0 + index for the first 16 shapes, 0xCF and a varint after
  ['{x: 1}', { x: 1 }, [0xce, 0x01, 0x81, 0x78, 0x01]],
  ['{}', {}, [0xce, 0x00]],
  ['two of one shape', [{ x: 1 }, { x: 2 }], [0xa2, 0xce, 0x01, 0x81, 0x78, 0x01, 0xd0, 0x02]],
  // the outer object defines the shape before its values, so an inner one of the same keys refers to it
  ['a shape inside its own kind', { a: { a: 1 } }, [0xce, 0x01, 0x81, 0x61, 0xd0, 0x01]],
  ['two shapes then the first', [{ x: 1 }, { y: 2 }, { x: 3 }, { y: 4 }], [0xa4, 0xce, 1, 0x81, 0x78, 1, 0xce, 1, 0x81, 0x79, 2, 0xd0, 3, 0xd1, 4]],
  ['a null-prototype object', Object.assign(Object.create(null) as object, { k: true }), [0xce, 0x01, 0x81, 0x6b, 0xc3]],
];

/** 17 objects of distinct shapes `{k0: i}`…, then one more of shape 16: the first reference past 0xDF. */
function seventeenShapes(): { value: unknown; bytes: number[] } {
  const value: unknown[] = [];
  const bytes: number[] = [0xcc, 18];
  for (let i = 0; i < 17; i++) {
    const key = i < 10 ? `k${i}` : `k${String.fromCharCode(0x61 + i - 10)}`;
    value.push({ [key]: i });
    bytes.push(0xce, 0x01, 0x82, 0x6b, key.charCodeAt(1), i);
  }
  value.push({ kg: 99 });
  bytes.push(0xcf, 0x10, 99);
  return { value, bytes };
}

function bytesOf(result: CodecResult<Uint8Array>): number[] {
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return Array.from(result.value);
}

function refused(result: CodecResult<unknown>, code: CodecErrorCode, offset?: number): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code, result.detail).toBe(code);
  if (offset !== undefined) expect(result.offset, result.detail).toBe(offset);
  expect(result.detail).toMatch(/[a-z]{2,}\W+[a-z]{2,}/i);
}

describe('the value codec, byte for byte', () => {
  it.each(TABLE)('writes %s as the table says, and reads it back', (_, value, bytes) => {
    expect(bytesOf(encodeValue(value))).toEqual(bytes);
    const back = decodeValue(Uint8Array.from(bytes));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    if (typeof value === 'number') expect(Object.is(back.value, value), `${String(back.value)}`).toBe(true);
    else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null) expect({ ...(back.value as object) }).toEqual({ ...value });
    else expect(back.value).toEqual(value);
  });

  it('refers to the 17th shape of a packet by 0xCF and a varint', () => {
    const { value, bytes } = seventeenShapes();
    expect(bytesOf(encodeValue(value))).toEqual(bytes);
    expect(decodeValue(Uint8Array.from(bytes))).toEqual({ ok: true, value });
  });

  it('writes an object of more than 32 keys in full every time, never as a shape to refer to', () => {
    const big = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 0]));
    const definition = [0xce, 33, ...Object.keys(big).flatMap((k) => [0x80 + k.length, ...utf8(k)]), ...new Array<number>(33).fill(0)];
    expect(bytesOf(encodeValue([big, big]))).toEqual([0xa2, ...definition, ...definition]);
    const back = decodeValue(Uint8Array.from([0xa2, ...definition, ...definition]));
    expect(back).toEqual({ ok: true, value: [big, big] });
    // A one-off definition still takes a shape index (the decoder cannot tell it apart), so {x} is shape 1.
    const mixed = [0xa3, ...definition, 0xce, 0x01, 0x81, 0x78, 0x01, 0xd1, 0x02];
    expect(bytesOf(encodeValue([big, { x: 1 }, { x: 2 }]))).toEqual(mixed);
    expect(decodeValue(Uint8Array.from(mixed))).toEqual({ ok: true, value: [big, { x: 1 }, { x: 2 }] });
  });

  it('makes room for a wide bigint wherever it falls in a packet', () => {
    const value = ['x'.repeat(200), (1n << 1029n) - 1n, 'after'];
    const back = decodeValue(Uint8Array.from(bytesOf(encodeValue(value))));
    expect(back).toEqual({ ok: true, value });
  });

  it('writes objects of many keys in a row the same way through a shared encoder', () => {
    // The encoder keeps shapes across packets; each packet still defines every shape it uses.
    const encoder = new ValueEncoder();
    const writer = new ByteWriter(8);
    const packet = (value: unknown) => {
      writer.pos = 0;
      encoder.write(writer, value);
      return Array.from(writer.buf.subarray(0, writer.pos));
    };
    const first = packet([{ x: 1, y: 2 }, { x: 3, y: 4 }]);
    expect(first).toEqual([0xa2, 0xce, 0x02, 0x81, 0x78, 0x81, 0x79, 1, 2, 0xd0, 3, 4]);
    expect(packet([{ x: 1, y: 2 }, { x: 3, y: 4 }])).toEqual(first);
    expect(packet({ x: 5, y: 6 })).toEqual([0xce, 0x02, 0x81, 0x78, 0x81, 0x79, 5, 6]);
    expect(packet([{ y: 1 }, { x: 2 }])).toEqual([0xa2, 0xce, 0x01, 0x81, 0x79, 1, 0xce, 0x01, 0x81, 0x78, 2]);
  });
});

describe('what the value codec refuses to write', () => {
  it('names what cannot be sent', () => {
    for (const [value, code] of [
      [new Date(0), 'unencodable'],
      [new (class Thing {})(), 'unencodable'],
      [Symbol('s'), 'unencodable'],
      [() => 1, 'unencodable'],
      ['\ud800', 'unencodable'],
      ['a\udc00', 'unencodable'],
      ['\ud800a', 'unencodable'],
      ['\udbff\ud800', 'unencodable'],
      ['\ud800\ue000', 'unencodable'],
      ['\udfff', 'unencodable'],
      [Object.create(Object.create(null) as object) as object, 'unencodable'],
      [1n << 1029n, 'unencodable'],
      [-(1n << 1029n) - 1n, 'unencodable'],
    ] as const) {
      refused(encodeValue(value), code);
    }
    const thing = encodeValue(new (class Thing {})());
    expect(thing.ok ? '' : thing.detail).toContain('Thing');
    const symbol = encodeValue(Symbol('s'));
    expect(symbol.ok ? '' : symbol.detail).toContain('symbol');
    const orphan = encodeValue(Object.create(Object.create(null) as object));
    expect(orphan.ok ? '' : orphan.detail).toMatch(/^object /);
  });

  it('writes the widest bigint it carries, 147 varint bytes (1029 bits), and its negative', () => {
    for (const v of [(1n << 1029n) - 1n, -(1n << 1029n)]) {
      const bytes = bytesOf(encodeValue(v));
      expect(bytes.length).toBe(1 + 147);
      expect(decodeValue(Uint8Array.from(bytes))).toEqual({ ok: true, value: v });
    }
  });

  it('holds values to the nesting limit: the outermost container is level 1', () => {
    const writer = new ByteWriter(8);
    const deep = (levels: number): unknown => (levels === 0 ? 0 : [deep(levels - 1)]);
    for (const [value, fine] of [[deep(2), true], [deep(3), false], [{ a: { b: 1 } }, true], [{ a: { b: { c: 1 } } }, false], [new Map([[1, [[0]]]]), false]] as const) {
      writer.pos = 0;
      let thrown: unknown;
      try {
        new ValueEncoder(2).write(writer, value);
      } catch (e) {
        thrown = e;
      }
      if (fine) expect(thrown).toBeUndefined();
      else expect(encodeFailureToError(thrown)).toMatchObject({ code: 'too-deep', detail: expect.stringContaining('2 levels') as unknown });
    }
    // Depth is nesting, not a count of containers: siblings do not add up.
    writer.pos = 0;
    new ValueEncoder(2).write(writer, [[], [], [], { a: 1 }, new Map([[1, 2]])]);
  });

  it('types what an encoder throws: too deep for the stack, or anything else', () => {
    expect(encodeFailureToError(new RangeError('Maximum call stack size exceeded'))).toMatchObject({ code: 'too-deep' });
    expect(encodeFailureToError(new TypeError('odd'))).toMatchObject({ code: 'unencodable', detail: 'odd' });
    expect(encodeFailureToError('plain')).toMatchObject({ code: 'unencodable', detail: 'plain' });
    expect(encodeFailureToError(new RangeError('boom'))).toMatchObject({ detail: expect.stringContaining('boom') as unknown });
    expect(encodeFailureToError(new WriteLimitExceeded(2000))).toMatchObject({ code: 'too-large-to-send', detail: expect.stringContaining('2000') as unknown });
  });
});

describe('what the value decoder refuses, and where', () => {
  const cases: readonly (readonly [string, readonly number[], CodecErrorCode, number, (readonly string[])?])[] = [
    ['nothing', [], 'truncated', 0],
    ['a varint cut short', [0xc6, 0x80], 'truncated', 2],
    ['a non-minimal varint', [0xc6, 0x80, 0x00], 'bad-payload', 1],
    ['a varint over 8 bytes', [0xc6, ...new Array<number>(8).fill(0x80), 0x01], 'bad-payload', 1, ['8 bytes']],
    ['a varint of 2^53', [0xc6, ...new Array<number>(7).fill(0x80), 0x10], 'bad-payload', 1],
    ['a float32 cut short', [0xc4, 0, 0, 0], 'truncated', 4],
    ['a float64 cut short', [0xc5, 0, 0, 0, 0, 0, 0, 0], 'truncated', 8],
    ['a u64 cut short', [0xca, 1, 2, 3, 4, 5, 6, 7], 'truncated', 8],
    ['a string cut short', [0x83, 0x61, 0x62], 'truncated', 3],
    ['a long string cut short', [0xcb, 0x22, 0x61], 'truncated', 3],
    ['bytes cut short', [0xcd, 0x03, 1, 2], 'truncated', 4],
    ['an array announcing more items than bytes', [0xcc, 0x05, 1, 2], 'truncated', 4, ['5 items', '2 bytes']],
    ['an array announcing 2^40 items', [0xcc, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1], 'truncated', 8],
    ['a continuation byte first', [0x81, 0x80], 'bad-utf8', 1],
    ['a map announcing more entries than bytes', [0xe0, 0x05, 1], 'truncated', 3],
    ['a short array cut short', [0xa2, 1], 'truncated', 2],
    ['tag 0xE1', [0xe1], 'unknown-type', 0],
    ['tag 0xE7', [0xe7], 'unknown-type', 0],
    ['tag 0xF8', [0xf8, 1], 'unknown-type', 0],
    ['tag 0xFF', [0xff], 'unknown-type', 0],
    ['a scaled mantissa of 2^21', [0xe8, 0x80, 0x80, 0x80, 0x01], 'bad-payload', 4],
    ['a shape nobody defined', [0xd0], 'bad-payload', 0],
    ['shape 16 of one defined', [0xa2, 0xce, 0x01, 0x81, 0x78, 0x01, 0xcf, 0x10], 'bad-payload', 7],
    ['a key that is no string', [0xce, 0x01, 0x05, 0x01], 'bad-payload', 2],
    ['a non-minimal bigint', [0xc8, 0x81, 0x00], 'bad-payload', 1],
    ['a bigint cut short', [0xc8, 0x81], 'truncated', 2],
    ['a bigint over 1024 bits', [0xc8, ...new Array<number>(147).fill(0x80), 0x01], 'bad-payload', 1],
    ['a short string that is not UTF-8', [0x82, 0xc3, 0x28], 'bad-utf8', 1],
    ['a long string that is not UTF-8', [0xcb, 0x42, ...new Array<number>(65).fill(0x61), 0xff], 'bad-utf8', 2],
    ['bytes after the value', [0x01, 0x02, 0x03], 'trailing-bytes', 1, ['2 bytes']],
  ];

  const named = cases.map(([name, bytes, code, offset, mentions]) => ({ name, bytes, code, offset, mentions: mentions ?? [] }));
  it.each(named)('$name', ({ bytes, code, offset, mentions }) => {
    const result = decodeValue(Uint8Array.from(bytes));
    refused(result, code, offset);
    for (const m of mentions) expect(result.ok ? '' : result.detail).toContain(m);
  });

  it('never throws, even nested deeper than the stack when no limit stops it', () => {
    const bytes = new Uint8Array(300_001).fill(0xa1);
    bytes[300_000] = 0;
    refused(new ValueDecoder(1e9).decode(bytes), 'bad-payload');
  });

  it('reads the bigint forms at their edges', () => {
    const widest = [0xc8, ...new Array<number>(146).fill(0xff), 0x01];
    const back = decodeValue(Uint8Array.from(widest));
    expect(back.ok && typeof back.value === 'bigint' && back.value === (1n << (146n * 7n + 1n)) - 1n).toBe(true);
    expect(decodeValue(Uint8Array.of(0xc8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toEqual({ ok: true, value: 2n ** 49n - 1n });
    expect(decodeValue(Uint8Array.of(0xc9, 0x80, 0x01))).toEqual({ ok: true, value: -129n });
  });

  it('holds decoding to the nesting limit, for arrays, maps and objects alike, at the bracket that breaks it', () => {
    const decoder = new ValueDecoder(2);
    expect(decoder.decode(Uint8Array.of(0xa1, 0xa1, 0x00))).toEqual({ ok: true, value: [[0]] });
    refused(decoder.decode(Uint8Array.of(0xa1, 0xa1, 0xa0)), 'too-deep', 2);
    refused(decoder.decode(Uint8Array.of(0xe0, 0x01, 0x00, 0xa1, 0xa0)), 'too-deep', 4);
    refused(decoder.decode(Uint8Array.of(0xce, 0x01, 0x81, 0x61, 0xce, 0x01, 0x81, 0x62, 0xa0)), 'too-deep', 8);
    // Siblings are one level each, however many.
    expect(decoder.decode(Uint8Array.of(0xa4, 0xa0, 0xa0, 0xe0, 0x00, 0xce, 0x00)).ok).toBe(true);
    expect(decoder.decode(Uint8Array.of(0xa4, 0xce, 0x00, 0xd0, 0xd0, 0xa0)).ok).toBe(true);
  });

  it('decodes a value inside a larger buffer from where it starts to where it ends', () => {
    const decoder = new ValueDecoder();
    const bytes = Uint8Array.of(0xee, 0xee, 0x82, 0x68, 0x69, 0xee);
    expect(decoder.decode(bytes, 2, 5)).toEqual({ ok: true, value: 'hi' });
    refused(decoder.decode(bytes, 2, 4), 'truncated', 4);
    refused(decoder.decode(bytes, 2), 'trailing-bytes', 5);
    // Nothing past the end is read, even when the buffer goes on.
    refused(decoder.decode(Uint8Array.of(0xc6, 0x80, 0x01), 0, 2), 'truncated', 2);
    refused(decoder.decode(Uint8Array.of(0xc8, 0x81, 0x01), 0, 2), 'truncated', 2);
    refused(decoder.decode(Uint8Array.of(0x01, 0x02), 0, 0), 'truncated', 0);
  });

  it('keeps a "__proto__" key as data, whether the shape is new or seen before', () => {
    const bytes = Uint8Array.of(0xa3, 0xce, 0x01, 0x89, ...utf8('__proto__'), 0xce, 0x01, 0x81, 0x78, 0x01, 0xd0, 0x05, 0xd0, 0x06);
    const decoder = new ValueDecoder();
    for (let round = 0; round < 3; round++) {
      const back = decoder.decode(bytes);
      expect(back.ok).toBe(true);
      const objects = (back.ok ? back.value : []) as Record<string, unknown>[];
      expect(objects).toHaveLength(3);
      for (const [i, o] of objects.entries()) {
        expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
        expect(Object.keys(o)).toEqual(['__proto__']);
        expect(Object.getOwnPropertyDescriptor(o, '__proto__')).toEqual({ value: i === 0 ? { x: 1 } : i + 4, writable: true, enumerable: true, configurable: true });
      }
    }
  });
});
