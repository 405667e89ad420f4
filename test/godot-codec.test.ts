/** Godot 3 wire format without the engine: round-trip properties, hostile bytes, limits and the plain/JSON mappings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGodot3,
  decodeGodotPlain,
  encodeGodot3,
  godotValueFromJson,
  godotValueToJson,
  type GodotValue,
} from '../src/codec/godot/index.js';
import { CodecEncodeError, type CodecErrorCode } from '../src/codec/result.js';
import { godotValue } from './godot/arbitraries.js';

const SEED = 0x60d07;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
/** The tagged JSON is exact (ints as strings, NaN and -0 spelled out), so it is also a precise equality. */
const asJson = (value: GodotValue): string => JSON.stringify(godotValueToJson(value));

const DECODE_CODES: readonly CodecErrorCode[] = ['truncated', 'unknown-type', 'bad-utf8', 'too-deep', 'trailing-bytes', 'oversize', 'bad-payload'];

function expectTypedOutcome(bytes: Uint8Array): void {
  const result = decodeGodot3(bytes);
  if (result.ok) return;
  expect(DECODE_CODES).toContain(result.code);
  expect(result.detail).not.toMatch(/internal/);
  expect(result.offset).toBeGreaterThanOrEqual(0);
  expect(result.offset).toBeLessThanOrEqual(bytes.length);
}

describe('Godot 3 round trips (fast-check, fixed seed)', () => {
  it('decode(encode(v)) is v, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(godotValue, (value) => {
        const bytes = encodeGodot3(value);
        expect(bytes.length % 4).toBe(0);
        const decoded = decodeGodot3(bytes);
        if (!decoded.ok) throw new Error(`${decoded.code} at ${decoded.offset}: ${decoded.detail}`);
        expect(asJson(decoded.value)).toBe(asJson(value));
        expect(hex(encodeGodot3(decoded.value))).toBe(hex(bytes));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('the tagged JSON survives JSON.stringify/parse and encodes to the same bytes', () => {
    fc.assert(
      fc.property(godotValue, (value) => {
        const text = JSON.stringify(godotValueToJson(value));
        const back = godotValueFromJson(JSON.parse(text));
        if (!back.ok) throw new Error(back.detail);
        expect(hex(encodeGodot3(back.value))).toBe(hex(encodeGodot3(value)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('keeps what Godot distinguishes: widths, key types and order, pools vs arrays', () => {
    const value: GodotValue = {
      type: 'Dictionary',
      value: [
        [{ type: 'int', value: 1n, bits: 64 }, { type: 'float', value: 1, bits: 64 }],
        [{ type: 'String', value: '1' }, { type: 'PoolIntArray', value: Int32Array.from([1]) }],
        [{ type: 'float', value: 1, bits: 32 }, { type: 'Array', value: [{ type: 'int', value: 1n, bits: 32 }] }],
      ],
    };
    const decoded = decodeGodot3(encodeGodot3(value));
    expect(decoded.ok && decoded.value).toEqual(value);
  });
});

describe('Godot 3 hostile bytes never throw', () => {
  it('random bytes give a value or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => expectTypedOutcome(bytes)), {
      seed: SEED,
      numRuns: 2000,
    });
  });

  it('random bytes behind every valid type header give a value or a typed error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.boolean(), fc.uint8Array({ maxLength: 48 }), (id, wide, body) => {
        const bytes = new Uint8Array(4 + body.length);
        new DataView(bytes.buffer).setUint32(0, id | (wide ? 1 << 16 : 0), true);
        bytes.set(body, 4);
        expectTypedOutcome(bytes);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('bit flips of valid packets give a value or a typed error', () => {
    fc.assert(
      fc.property(godotValue, fc.nat(), fc.integer({ min: 0, max: 7 }), (value, at, bit) => {
        const bytes = encodeGodot3(value);
        bytes[at % bytes.length]! ^= 1 << bit;
        expectTypedOutcome(bytes);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('every strict prefix of a valid packet is reported truncated', () => {
    fc.assert(
      fc.property(godotValue, (value) => {
        const bytes = encodeGodot3(value);
        for (let end = 0; end < bytes.length; end++) {
          const result = decodeGodot3(bytes.subarray(0, end));
          expect(result.ok ? 'ok' : result.code).toBe('truncated');
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it.each([
    ['Array', '13000000 ffffff7f 00000000'],
    ['Dictionary', '12000000 ffffff7f 00000000'],
    ['PoolByteArray', '14000000 ffffff7f 00000000'],
    ['PoolIntArray', '15000000 ffffff7f 00000000'],
    ['PoolRealArray', '16000000 ffffff7f 00000000'],
    ['PoolStringArray', '17000000 ffffff7f 00000000'],
    ['PoolVector2Array', '18000000 ffffff7f 00000000'],
    ['PoolVector3Array', '19000000 ffffff7f 00000000'],
    ['PoolColorArray', '1a000000 ffffff7f 00000000'],
    ['String', '04000000 ffffff7f 00000000'],
    ['NodePath', '0f000000 ffffffff 00000000 00000000'],
  ])('a tiny %s announcing 2^31 elements is truncated at its length field, without allocating', (_type, packet) => {
    const result = decodeGodot3(unhex(packet));
    expect(result).toMatchObject({ ok: false, code: 'truncated' });
    expect(result.ok ? -1 : result.offset).toBeLessThanOrEqual(8);
  });

  it('caps nesting depth (default 64, configurable) instead of recursing without end', () => {
    const nested = (depth: number): Uint8Array => {
      const bytes = new Uint8Array(depth * 8 + 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < depth; i++) {
        view.setUint32(i * 8, 19, true);
        view.setUint32(i * 8 + 4, 1, true);
      }
      return bytes; // innermost element is Nil (all zeros)
    };
    expect(decodeGodot3(nested(64)).ok).toBe(true);
    expect(decodeGodot3(nested(65))).toMatchObject({ ok: false, code: 'too-deep', offset: 64 * 8 });
    expect(decodeGodot3(nested(100_000), { maxBytes: Infinity })).toMatchObject({ ok: false, code: 'too-deep' });
    expect(decodeGodot3(nested(3), { maxDepth: 2 })).toMatchObject({ ok: false, code: 'too-deep', offset: 16 });
  });

  it('refuses Object and RID with a typed reason', () => {
    expect(decodeGodot3(unhex('11000000 00000000'))).toMatchObject({ ok: false, code: 'bad-payload', offset: 0 });
    expect(decodeGodot3(unhex('13000000 01000000 10000000'))).toMatchObject({ ok: false, code: 'bad-payload', offset: 8 });
  });

  it('names unknown type ids and flag bits Godot never writes', () => {
    expect(decodeGodot3(unhex('1b000000'))).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
    expect(decodeGodot3(unhex('05000100 0000803f 00000040'))).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
  });

  it('reports invalid UTF-8 at the string bytes', () => {
    expect(decodeGodot3(unhex('04000000 02000000 ff610000'))).toMatchObject({ ok: false, code: 'bad-utf8', offset: 8 });
  });

  it('reports trailing bytes unless told to ignore them like bytes2var does', () => {
    const packet = unhex('02000000 05000000 ffffffff');
    expect(decodeGodot3(packet)).toMatchObject({ ok: false, code: 'trailing-bytes', offset: 8 });
    const lenient = decodeGodot3(packet, { allowTrailingBytes: true });
    expect(lenient.ok && lenient.value).toEqual({ type: 'int', value: 5n, bits: 32 });
  });

  it('refuses input over maxBytes before reading it', () => {
    expect(decodeGodot3(new Uint8Array(16), { maxBytes: 8 })).toMatchObject({ ok: false, code: 'oversize' });
  });

  it('reads what Godot accepts leniently: any non-zero bool, the shared bit, pool strings cut at NUL', () => {
    const bool = decodeGodot3(unhex('01000000 02000000'));
    expect(bool.ok && bool.value).toEqual({ type: 'bool', value: true });
    const shared = decodeGodot3(unhex('13000000 01000080 00000000'));
    expect(shared.ok && shared.value).toEqual({ type: 'Array', value: [{ type: 'Nil' }] });
    const pool = decodeGodot3(unhex('17000000 01000000 03000000 61006200'));
    expect(pool.ok && pool.value).toEqual({ type: 'PoolStringArray', value: ['a'] });
  });
});

describe('decodeGodot3 on a shared packet buffer', () => {
  it('reads at a non-zero byteOffset and copies pool bytes out of the caller buffer', () => {
    const packet = encodeGodot3({ type: 'PoolByteArray', value: new Uint8Array([1, 2, 3]) });
    const network = Buffer.alloc(packet.length + 5);
    network.set(packet, 5);
    const decoded = decodeGodot3(network.subarray(5));
    if (!decoded.ok || decoded.value.type !== 'PoolByteArray') throw new Error('expected a PoolByteArray');
    network.fill(0);
    expect(Array.from(decoded.value.value)).toEqual([1, 2, 3]);
  });
});

describe('encodeGodot3 refuses what Godot cannot hold', () => {
  const refuses = (value: unknown): void => {
    let thrown: unknown;
    try {
      encodeGodot3(value as GodotValue);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodecEncodeError);
    expect((thrown as CodecEncodeError).code).toBe('unencodable');
  };

  it.each([
    ['an int beyond 32 bits marked 32', { type: 'int', value: 2n ** 31n, bits: 32 }],
    ['an int beyond 64 bits', { type: 'int', value: 2n ** 63n, bits: 64 }],
    ['an int below int32 marked 32', { type: 'int', value: -(2n ** 31n) - 1n, bits: 32 }],
    ['an int below int64', { type: 'int', value: -(2n ** 63n) - 1n, bits: 64 }],
    ['a number where an int needs a bigint', { type: 'int', value: 5, bits: 32 }],
    ['a NUL inside a String', { type: 'String', value: 'a\u0000b' }],
    ['a lone surrogate', { type: 'String', value: 'a\ud800' }],
    ['a Vector3 with two components', { type: 'Vector3', value: [1, 2] }],
    ['an unknown type', { type: 'Object', value: 1 }],
    ['a Dictionary entry that is not a pair', { type: 'Dictionary', value: [[{ type: 'Nil' }]] }],
  ])('%s', (_name, value) => refuses(value));

  it('a cyclic Array', () => {
    const items: GodotValue[] = [];
    items.push({ type: 'Array', value: items });
    refuses({ type: 'Array', value: items });
  });
});

describe('godotValueFromJson', () => {
  it('fills in Godot widths when bits is left out and accepts JSON integers', () => {
    const parsed = godotValueFromJson({
      type: 'Array',
      value: [
        { type: 'int', value: 7 },
        { type: 'int', value: '76561198000000000' },
        { type: 'float', value: 0.5 },
        { type: 'float', value: 0.1 },
      ],
    });
    expect(parsed.ok && parsed.value).toEqual({
      type: 'Array',
      value: [
        { type: 'int', value: 7n, bits: 32 },
        { type: 'int', value: 76561198000000000n, bits: 64 },
        { type: 'float', value: 0.5, bits: 32 },
        { type: 'float', value: 0.1, bits: 64 },
      ],
    });
  });

  it.each([
    [{ type: 'Vector2', value: [1] }, '$.value'],
    [{ type: 'Array', value: [{ type: 'int', value: 1.5 }] }, '$.value[0].value'],
    [{ type: 'int', bits: 32, value: '4294967296' }, '$.value'],
    [{ type: 'Dictionary', value: [[{ type: 'Nil' }]] }, '$.value[0]'],
    [{ type: 'PoolByteArray', value: 'abc' }, '$.value'],
    [{ type: 'Sprite' }, '$.type'],
    [{ type: 'String', value: 'a\u0000' }, '$.value'],
    ['not an object', '$'],
  ])('rejects %j with a path to the problem', (json, path) => {
    const result = godotValueFromJson(json);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('bad-payload');
      expect(result.detail.startsWith(`${path}:`)).toBe(true);
    }
  });
});

/**
 * Hostile and boundary bytes built by hand from Godot 3's binary serialization rules (docs/godot-wire-format.md,
 * Godot's "Binary serialization API"): each case knows what it broke, so the expected value, code and offset come
 * from the format, never from the decoder. Type ids: String 4, NodePath 15, Dictionary 18, PoolVector2Array 24.
 */
describe('Godot 3 reader edges from the format rules', () => {
  const le32 = (n: number): string => Buffer.from(Uint32Array.of(n >>> 0).buffer).toString('hex');
  /** A String Variant: header 4, byte length, the bytes, then `pad` as the padding to a multiple of 4. */
  const stringVariant = (body: number[], pad?: number[]): Uint8Array => {
    const padding = pad ?? new Array<number>((4 - (body.length % 4)) % 4).fill(0);
    return unhex(le32(4) + le32(body.length) + Buffer.from([...body, ...padding]).toString('hex'));
  };
  const both = (bytes: Uint8Array, options?: Parameters<typeof decodeGodot3>[1]) =>
    [decodeGodot3(bytes, options), decodeGodotPlain(bytes, 3, options)] as const;

  it('accepts a packet of exactly maxBytes and refuses one byte more as oversize at 0', () => {
    const int7 = unhex('02000000 07000000');
    expect(decodeGodot3(int7, { maxBytes: 8 })).toEqual({ ok: true, value: { type: 'int', value: 7n, bits: 32 } });
    expect(decodeGodotPlain(int7, 3, { maxBytes: 8 })).toEqual({ ok: true, value: 7 });
    for (const result of both(int7, { maxBytes: 7 })) expect(result).toMatchObject({ ok: false, code: 'oversize', offset: 0 });
  });

  it('ignores whatever the padding bytes hold: only the announced length is text', () => {
    // "hello" (5 bytes) padded with "xyz" instead of zeros; "a" padded with "bcd" and trailing "efgh" allowed.
    const [value, plain] = both(stringVariant([...Buffer.from('hello')], [...Buffer.from('xyz')]));
    expect(value).toEqual({ ok: true, value: { type: 'String', value: 'hello' } });
    expect(plain).toEqual({ ok: true, value: 'hello' });
    const glued = unhex(hex(stringVariant([0x61], [...Buffer.from('bcd')])) + Buffer.from('efgh').toString('hex'));
    expect(decodeGodotPlain(glued, 3, { allowTrailingBytes: true })).toEqual({ ok: true, value: 'a' });
  });

  it('reads every ASCII length exactly, and cuts at a NUL wherever it sits', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
    for (let length = 0; length <= 70; length++) {
      const text = Array.from({ length }, (_, i) => alphabet[(i * 7) % alphabet.length]!).join('');
      expect(decodeGodotPlain(stringVariant([...Buffer.from(text)]), 3)).toEqual({ ok: true, value: text });
      for (let nul = 0; nul < length; nul++) {
        const body = [...Buffer.from(text)];
        body[nul] = 0;
        // Godot's parse_utf8 stops at the first NUL: the text is what came before it.
        expect(decodeGodotPlain(stringVariant(body), 3)).toEqual({ ok: true, value: text.slice(0, nul) });
      }
    }
  });

  it('refuses lone UTF-8 continuation bytes (0x80) at the start of the text, whatever their count', () => {
    for (let length = 1; length <= 20; length++) {
      const bytes = stringVariant(new Array<number>(length).fill(0x80));
      for (const result of both(bytes)) expect(result).toMatchObject({ ok: false, code: 'bad-utf8', offset: 8 });
      // The same after an ASCII prefix of every alignment: the text still starts at byte 8.
      for (let prefix = 1; prefix <= 9; prefix++) {
        const mixed = stringVariant([...new Array<number>(prefix).fill(0x61), ...new Array<number>(length).fill(0x80)]);
        for (const result of both(mixed)) expect(result).toMatchObject({ ok: false, code: 'bad-utf8', offset: 8 });
      }
    }
  });

  it('counts string-keyed Dictionaries toward maxDepth: the one past it is too-deep at its header', () => {
    const key = le32(4) + le32(1) + '61000000';
    const dict = (inner: string): string => le32(18) + le32(1) + key + inner;
    const two = unhex(dict(dict(le32(2) + le32(1))));
    expect(decodeGodotPlain(two, 3, { maxDepth: 2 })).toEqual({ ok: true, value: { a: { a: 1 } } });
    // Outer header at 0 (20 bytes to its value), the second at 20, the third at 40.
    const three = unhex(dict(dict(dict(le32(2) + le32(1)))));
    for (const result of both(three, { maxDepth: 2 })) expect(result).toMatchObject({ ok: false, code: 'too-deep', offset: 40 });
  });

  it('keeps a "__proto__" key as an ordinary own data property, as JSON.parse does', () => {
    const bytes = unhex(le32(18) + le32(1) + le32(4) + le32(9) + Buffer.from('__proto__\0\0\0').toString('hex') + le32(2) + le32(5));
    const decoded = decodeGodotPlain(bytes, 3);
    if (!decoded.ok) throw new Error(decoded.detail);
    const out = decoded.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual(
      Object.getOwnPropertyDescriptor(JSON.parse('{"__proto__":5}') as object, '__proto__'),
    );
  });

  it('refuses a NodePath in the pre-3.0 format (no new-format bit) as bad-payload at its header', () => {
    const bytes = unhex(le32(15) + le32(1) + le32(0) + le32(0) + le32(1) + '61000000');
    for (const result of both(bytes)) expect(result).toMatchObject({ ok: false, code: 'bad-payload', offset: 0 });
  });

  it('reads the extra property subname that NodePath flag bit 1 announces', () => {
    // Godot's marshalls.cpp: `if (np_flags & 2) subnamecount++` (the old property field).
    const name = (c: string): string => le32(1) + Buffer.from(c).toString('hex') + '000000';
    const bytes = unhex(le32(15) + le32(0x80000001) + le32(1) + le32(2 | 1) + name('a') + name('b') + name('c'));
    expect(decodeGodot3(bytes)).toEqual({
      ok: true,
      value: { type: 'NodePath', value: { absolute: true, names: ['a'], subnames: ['b', 'c'] } },
    });
  });

  it('refuses a NodePath announcing more names than remain before reading any, at its header', () => {
    // 1 name + 2 subnames need at least 12 bytes; only one empty name (4 bytes) follows.
    const bytes = unhex(le32(15) + le32(0x80000001) + le32(2) + le32(0) + le32(0));
    for (const result of both(bytes)) expect(result).toMatchObject({ ok: false, code: 'truncated', offset: 0 });
  });

  it('refuses a vector array announcing more vectors than remain, at its count word', () => {
    // Two Vector2s need 16 bytes; only one (8 bytes) follows the count at offset 4.
    const bytes = unhex(le32(24) + le32(2) + '0000803f 00000040');
    for (const result of both(bytes)) expect(result).toMatchObject({ ok: false, code: 'truncated', offset: 4 });
    expect(decodeGodot3(unhex(le32(24) + le32(1) + '0000803f 00000040'))).toEqual({
      ok: true,
      value: { type: 'PoolVector2Array', value: [[1, 2]] },
    });
  });
});

/** The refusal's documented shape: 'bad-payload' whose detail opens with the JSON path to the problem. */
function refusedAt(json: unknown, path: string): void {
  const result = godotValueFromJson(json);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe('bad-payload');
  expect(result.detail.slice(0, path.length + 1)).toBe(`${path}:`);
}

function accepted(json: unknown): GodotValue {
  const result = godotValueFromJson(json);
  expect(result.ok).toBe(true);
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}

/** `depth` containers nested through `wrap`, around an int. */
function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let json: unknown = { type: 'int', value: 1 };
  for (let i = 0; i < depth; i++) json = wrap(json);
  return json;
}

describe('godotValueToJson: the shapes docs/godot-wire-format.md prints', () => {
  it('leaves "bits" out of a single-precision math value and spells PackedInt64/Float64 arrays as documented', () => {
    expect(godotValueToJson({ type: 'Vector2', value: [1.5, -2] })).toStrictEqual({ type: 'Vector2', value: [1.5, -2] });
    expect(godotValueToJson({ type: 'Vector3', bits: 64, value: [0.1, 0.2, 0.3] })).toStrictEqual({
      type: 'Vector3',
      bits: 64,
      value: [0.1, 0.2, 0.3],
    });
    expect(godotValueToJson({ type: 'PackedInt64Array', value: BigInt64Array.of(76561198000000000n) })).toStrictEqual({
      type: 'PackedInt64Array',
      value: ['76561198000000000'],
    });
    expect(godotValueToJson({ type: 'PackedFloat64Array', value: Float64Array.of(0.1, -Infinity) })).toStrictEqual({
      type: 'PackedFloat64Array',
      value: [0.1, '-Infinity'],
    });
  });
});

describe('godotValueFromJson: what Godot cannot hold is refused at its path', () => {
  it('int: the 64-bit range, and the 32-bit range when bits is 32', () => {
    for (const v of ['9223372036854775807', '-9223372036854775808']) expect(accepted({ type: 'int', value: v })).toEqual({ type: 'int', value: BigInt(v), bits: 64 });
    refusedAt({ type: 'int', value: '9223372036854775808' }, '$.value');
    refusedAt({ type: 'int', value: '-9223372036854775809' }, '$.value');
    for (const v of ['2147483647', '-2147483648']) expect(accepted({ type: 'int', bits: 32, value: v })).toEqual({ type: 'int', value: BigInt(v), bits: 32 });
    refusedAt({ type: 'int', bits: 32, value: '-2147483649' }, '$.value');
    refusedAt({ type: 'int', bits: 16, value: '1' }, '$.bits');
    refusedAt({ type: 'int', value: '12abc' }, '$.value');
    refusedAt({ type: 'int', value: 'abc12' }, '$.value');
  });

  it('PackedInt64Array and PackedInt32Array/PoolIntArray elements in their ranges', () => {
    expect(accepted({ type: 'PackedInt64Array', value: ['9223372036854775807', '-9223372036854775808'] })).toEqual({
      type: 'PackedInt64Array',
      value: BigInt64Array.of(2n ** 63n - 1n, -(2n ** 63n)),
    });
    refusedAt({ type: 'PackedInt64Array', value: ['1', '9223372036854775808'] }, '$.value[1]');
    refusedAt({ type: 'PackedInt64Array', value: ['1', '-9223372036854775809'] }, '$.value[1]');
    refusedAt({ type: 'PackedInt64Array', value: ['1', 'x'] }, '$.value[1]');
    for (const type of ['PackedInt32Array', 'PoolIntArray']) {
      expect(accepted({ type, value: [2 ** 31 - 1, -(2 ** 31)] })).toEqual({ type, value: Int32Array.of(2 ** 31 - 1, -(2 ** 31)) });
      refusedAt({ type, value: [0, 2 ** 31] }, '$.value[1]');
      refusedAt({ type, value: [0, -(2 ** 31) - 1] }, '$.value[1]');
      refusedAt({ type, value: [0, 1.5] }, '$.value[1]');
    }
  });

  it('Vector2i/Vector3i components are 32-bit ints', () => {
    expect(accepted({ type: 'Vector2i', value: [2 ** 31 - 1, -(2 ** 31)] })).toEqual({ type: 'Vector2i', value: [2 ** 31 - 1, -(2 ** 31)] });
    refusedAt({ type: 'Vector2i', value: [0, 2 ** 31] }, '$.value[1]');
    refusedAt({ type: 'Vector2i', value: [0, -(2 ** 31) - 1] }, '$.value[1]');
    refusedAt({ type: 'Vector3i', value: [0, 0, 1.5] }, '$.value[2]');
    refusedAt({ type: 'Vector2i', value: [0, 'x'] }, '$.value[1]');
  });

  it('float components: paths of bad numbers, and Color is float32 in every build', () => {
    refusedAt({ type: 'Vector2', value: [0, 'x'] }, '$.value[1]');
    refusedAt({ type: 'PackedVector2Array', value: [[0, 0], [1]] }, '$.value[1]');
    refusedAt({ type: 'PackedFloat64Array', value: [0, 'x'] }, '$.value[1]');
    refusedAt({ type: 'PackedFloat32Array', value: [0, 'x'] }, '$.value[1]');
    refusedAt({ type: 'PoolRealArray', value: [0, 'x'] }, '$.value[1]');
    refusedAt({ type: 'Color', bits: 64, value: [0, 0, 0, 1] }, '$.bits');
    refusedAt({ type: 'Vector2', bits: 16, value: [0, 0] }, '$.bits');
    expect(accepted({ type: 'Vector2', bits: 64, value: [0.1, 0.2] })).toEqual({ type: 'Vector2', bits: 64, value: [0.1, 0.2] });
  });

  it('strings: a lone surrogate has no UTF-8 form, so cannot reach Godot', () => {
    refusedAt({ type: 'String', value: 'a\uD800' }, '$.value');
    refusedAt({ type: 'PackedStringArray', value: ['a', 'b\uDC00'] }, '$.value[1]');
    refusedAt({ type: 'PoolStringArray', value: ['a', 5] }, '$.value[1]');
    expect(accepted({ type: 'String', value: '\u{1F600}' })).toEqual({ type: 'String', value: '\u{1F600}' });
  });

  it('top level, bool, hex and unknown type', () => {
    refusedAt(null, '$');
    refusedAt([], '$');
    refusedAt({ value: 1 }, '$.type');
    refusedAt({ type: 'bool', value: 1 }, '$.value');
    refusedAt({ type: 'PackedByteArray', value: 'zz' }, '$.value');
    refusedAt({ type: 'PoolByteArray', value: '00zz' }, '$.value');
    refusedAt({ type: 'PoolByteArray', value: 'zz00' }, '$.value');
    expect(accepted({ type: 'PackedByteArray', value: '00fF' })).toEqual({ type: 'PackedByteArray', value: Uint8Array.of(0, 255) });
  });

  it('NodePath: its object, absolute flag, names and subnames each at their path', () => {
    refusedAt({ type: 'NodePath', value: 'root/Main' }, '$.value');
    refusedAt({ type: 'NodePath', value: 5 }, '$.value');
    refusedAt({ type: 'NodePath', value: null }, '$.value');
    refusedAt({ type: 'NodePath', value: { absolute: 'yes', names: [], subnames: [] } }, '$.value.absolute');
    refusedAt({ type: 'NodePath', value: { absolute: true, names: 'root', subnames: [] } }, '$.value.names');
    refusedAt({ type: 'NodePath', value: { absolute: true, names: ['root', 5], subnames: [] } }, '$.value.names[1]');
    refusedAt({ type: 'NodePath', value: { absolute: true, names: [], subnames: 'x' } }, '$.value.subnames');
    refusedAt({ type: 'NodePath', value: { absolute: true, names: [], subnames: ['a', 5] } }, '$.value.subnames[1]');
  });

  it('Dictionary and Array entries at their paths', () => {
    refusedAt({ type: 'Dictionary', value: [[{ type: 'Nil' }, { type: 'Nil' }], 'x'] }, '$.value[1]');
    refusedAt({ type: 'Dictionary', value: [[{ type: 'Nil' }, { type: 'Nil' }, { type: 'Nil' }]] }, '$.value[0]');
    refusedAt({ type: 'Dictionary', value: [[{ type: 'Sprite' }, { type: 'Nil' }]] }, '$.value[0][0].type');
    refusedAt({ type: 'Dictionary', value: [[{ type: 'Nil' }, { type: 'Sprite' }]] }, '$.value[0][1].type');
    refusedAt({ type: 'Array', value: [{ type: 'Nil' }, { type: 'Sprite' }] }, '$.value[1].type');
  });

  it('typed containers: builtin, class and script element types; anything else refused at its field', () => {
    const script = { kind: 'script', path: 'res://player.gd' };
    expect(accepted({ type: 'Array', elementType: script, value: [] })).toEqual({ type: 'Array', elementType: script, value: [] });
    expect(accepted({ type: 'Array', elementType: { kind: 'builtin', type: 'int' }, value: [] })).toEqual({
      type: 'Array',
      elementType: { kind: 'builtin', type: 'int' },
      value: [],
    });
    refusedAt({ type: 'Array', elementType: 'int', value: [] }, '$.elementType');
    refusedAt({ type: 'Array', elementType: null, value: [] }, '$.elementType');
    refusedAt({ type: 'Array', elementType: { kind: 'builtin', type: 'Nil' }, value: [] }, '$.elementType.type');
    refusedAt({ type: 'Array', elementType: { kind: 'builtin', type: 'Sprite' }, value: [] }, '$.elementType.type');
    refusedAt({ type: 'Array', elementType: { kind: 'builtin', type: 5 }, value: [] }, '$.elementType.type');
    refusedAt({ type: 'Array', elementType: { kind: 'class', name: 5 }, value: [] }, '$.elementType.name');
    refusedAt({ type: 'Array', elementType: { kind: 'script', path: 5 }, value: [] }, '$.elementType.path');
    refusedAt({ type: 'Array', elementType: { kind: 'bogus' }, value: [] }, '$.elementType.kind');
    refusedAt({ type: 'Dictionary', keyType: { kind: 'bogus' }, value: [] }, '$.keyType.kind');
    refusedAt({ type: 'Dictionary', valueType: { kind: 'bogus' }, value: [] }, '$.valueType.kind');
  });

  it('refuses nesting too deep for any stack with a path, never an internal error, through Arrays and Dictionary keys and values', () => {
    const deep = 50_000;
    for (const wrap of [
      (inner: unknown) => ({ type: 'Array', value: [inner] }),
      (inner: unknown) => ({ type: 'Dictionary', value: [[inner, { type: 'Nil' }]] }),
      (inner: unknown) => ({ type: 'Dictionary', value: [[{ type: 'Nil' }, inner]] }),
    ]) {
      const result = godotValueFromJson(nested(deep, wrap));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.code).toBe('bad-payload');
        expect(result.detail).toMatch(/^\$\.value\[0\]/);
        expect(result.detail).not.toMatch(/internal/);
      }
    }
    expect(accepted(nested(3, (inner) => ({ type: 'Array', value: [inner] })))).toBeTruthy();
    // The documented bound (godotValueFromJson): 256 containers deep are read, one more is refused.
    expect(godotValueFromJson(nested(256, (inner) => ({ type: 'Array', value: [inner] }))).ok).toBe(true);
    expect(godotValueFromJson(nested(257, (inner) => ({ type: 'Array', value: [inner] }))).ok).toBe(false);
  });
});

describe('Godot 3 math width', () => {
  // Godot 3's Vector2 is type id 5 with two float32 components (Godot's binary serialization docs).
  it('a Vector2 without bits, or with bits 32, is written as float32 components', () => {
    expect(hex(encodeGodot3({ type: 'Vector2', value: [1, 2] }))).toBe('050000000000803f00000040');
    expect(hex(encodeGodot3({ type: 'Vector2', value: [1, 2], bits: 32 }))).toBe('050000000000803f00000040');
  });
});
