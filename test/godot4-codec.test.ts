/**
 * Godot 4 wire format without the engine: round-trip properties, and hostile bytes from generators that know what
 * they broke (the expected error code and offset come from the generator, never from running the decoder).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGodot,
  decodeGodotPlain,
  encodeGodot,
  encodeGodotPlain,
  GODOT_MAX_ENCODE_DEPTH,
  godotCompress,
  godotDecompress,
  godotFromPlain,
  godotToPlain,
  godotValueFromJson,
  godotValueToJson,
  type GodotValue,
} from '../src/codec/godot/index.js';
import { CodecEncodeError, type CodecErrorCode } from '../src/codec/result.js';
import { int64FromWords, plainInt64FromWords, wordAt } from '../src/codec/godot/bits.js';
import { godotByteLength } from '../src/codec/godot/size.js';
import { godotValue, godotValue4 } from './godot/arbitraries.js';

const SEED = 0x60d04;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const asJson = (value: GodotValue): string => JSON.stringify(godotValueToJson(value));
const decode4 = (bytes: Uint8Array, options?: Parameters<typeof decodeGodot>[2]) => decodeGodot(bytes, 4, options);

/** Little-endian u32 words, for packets a generator builds by hand. */
function words(...values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return bytes;
}

const DECODE_CODES: readonly CodecErrorCode[] = ['truncated', 'unknown-type', 'bad-utf8', 'too-deep', 'trailing-bytes', 'oversize', 'bad-payload'];

function expectTypedOutcome(bytes: Uint8Array): void {
  const result = decode4(bytes);
  if (result.ok) return;
  expect(DECODE_CODES).toContain(result.code);
  expect(result.detail).not.toMatch(/internal/);
  expect(result.offset).toBeGreaterThanOrEqual(0);
  expect(result.offset).toBeLessThanOrEqual(bytes.length);
}

describe('Godot 4 round trips (fast-check, fixed seed)', () => {
  it('decode(encode(v)) is v, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(godotValue4, (value) => {
        const bytes = encodeGodot(value, 4);
        expect(bytes.length % 4).toBe(0);
        const decoded = decode4(bytes);
        if (!decoded.ok) throw new Error(`${decoded.code} at ${decoded.offset}: ${decoded.detail}`);
        expect(asJson(decoded.value)).toBe(asJson(value));
        expect(hex(encodeGodot(decoded.value, 4))).toBe(hex(bytes));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('the tagged JSON survives JSON.stringify/parse and encodes to the same bytes', () => {
    fc.assert(
      fc.property(godotValue4, (value) => {
        const back = godotValueFromJson(JSON.parse(JSON.stringify(godotValueToJson(value))));
        if (!back.ok) throw new Error(back.detail);
        expect(hex(encodeGodot(back.value, 4))).toBe(hex(encodeGodot(value, 4)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("the tutorial's handshake differs from Godot 3's only in byte 0 (Dictionary is 0x12 in Godot 3, 0x1b in Godot 4)", () => {
    const handshake = { message: 'handshake', from: 76561198000000000n };
    const v3 = encodeGodot(godotFromPlain(handshake, 3), 3);
    const v4 = encodeGodot(godotFromPlain(handshake, 4), 4);
    expect([v3[0], v4[0]]).toEqual([0x12, 0x1b]);
    expect(hex(v3.subarray(1))).toBe(hex(v4.subarray(1)));
  });
});

describe('Godot 4 hostile bytes never throw', () => {
  it('random bytes give a value or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => expectTypedOutcome(bytes)), { seed: SEED, numRuns: 2000 });
  });

  it('random bytes behind every type id and flag combination give a value or a typed error', () => {
    const flags = fc.constantFrom(0, 1 << 16, 2 << 16, 3 << 16, 0xf << 16, 1 << 8, 1 << 20);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 45 }), flags, fc.uint8Array({ maxLength: 48 }), (id, flag, body) => {
        const bytes = new Uint8Array(4 + body.length);
        new DataView(bytes.buffer).setUint32(0, id | flag, true);
        bytes.set(body, 4);
        expectTypedOutcome(bytes);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('bit flips of valid packets give a value or a typed error', () => {
    fc.assert(
      fc.property(godotValue4, fc.nat(), fc.integer({ min: 0, max: 7 }), (value, at, bit) => {
        const bytes = encodeGodot(value, 4);
        bytes[at % bytes.length]! ^= 1 << bit;
        expectTypedOutcome(bytes);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('every strict prefix of a valid packet is reported truncated', () => {
    fc.assert(
      fc.property(godotValue4, (value) => {
        const bytes = encodeGodot(value, 4);
        for (let end = 0; end < bytes.length; end++) {
          const result = decode4(bytes.subarray(0, end));
          expect(result.ok ? 'ok' : result.code).toBe('truncated');
        }
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('bytes appended to a valid packet are trailing bytes at its end, unless allowed as bytes_to_var allows them', () => {
    fc.assert(
      fc.property(godotValue4, fc.uint8Array({ minLength: 1, maxLength: 9 }), (value, extra) => {
        const bytes = encodeGodot(value, 4);
        const glued = new Uint8Array([...bytes, ...extra]);
        expect(decode4(glued)).toMatchObject({ ok: false, code: 'trailing-bytes', offset: bytes.length });
        const lenient = decode4(glued, { allowTrailingBytes: true });
        expect(lenient.ok && asJson(lenient.value)).toBe(asJson(value));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  // Each packet announces 2^31 − 1 elements (or bytes) right after its header(s); the length field is at `at`.
  it.each([
    ['Array', words(0x1c, 0x7fffffff, 0), 4],
    ['typed Array[int]', words(0x1c | (1 << 16), 2, 0x7fffffff, 0), 8],
    ['Dictionary', words(0x1b, 0x7fffffff, 0), 4],
    ['typed Dictionary[String, int]', words(0x1b | (5 << 16), 4, 2, 0x7fffffff), 12],
    ['String', words(0x04, 0x7fffffff, 0), 4],
    ['StringName', words(0x15, 0x7fffffff, 0), 4],
    ['PackedByteArray', words(0x1d, 0x7fffffff, 0), 4],
    ['PackedInt32Array', words(0x1e, 0x7fffffff, 0), 4],
    ['PackedInt64Array', words(0x1f, 0x7fffffff, 0), 4],
    ['PackedFloat32Array', words(0x20, 0x7fffffff, 0), 4],
    ['PackedFloat64Array', words(0x21, 0x7fffffff, 0), 4],
    ['PackedStringArray', words(0x22, 0x7fffffff, 0), 4],
    ['PackedVector2Array', words(0x23, 0x7fffffff, 0), 4],
    ['PackedVector3Array as doubles', words(0x24 | (1 << 16), 0x7fffffff, 0), 4],
    ['PackedColorArray', words(0x25, 0x7fffffff, 0), 4],
    ['PackedVector4Array', words(0x26, 0x7fffffff, 0), 4],
  ])('a tiny %s announcing 2^31 elements is truncated at its length field, without allocating', (_name, packet, at) => {
    const result = decode4(packet);
    expect(result).toMatchObject({ ok: false, code: 'truncated' });
    expect(result.ok ? -1 : result.offset).toBeLessThanOrEqual(at);
  });

  it('a NodePath announcing 2^31 names is truncated at its header', () => {
    expect(decode4(words(0x16, 0xffffffff, 0, 0))).toMatchObject({ ok: false, code: 'truncated', offset: 0 });
  });

  it('caps nesting depth (default 64, configurable) for Arrays, typed Arrays and Dictionaries alike', () => {
    const container = fc.constantFrom(
      { header: [0x1c, 1] }, // Array of one element
      { header: [0x1b, 1, 0] }, // Dictionary {null: …}
      { header: [0x1b | (1 << 16), 2, 1, 2, 0] }, // Dictionary[int, Variant] {0: …}
    );
    fc.assert(
      fc.property(fc.array(container, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 70 }), (levels, maxDepth) => {
        const packet = words(...levels.flatMap((l) => l.header), 0);
        const result = decode4(packet, { maxDepth });
        if (levels.length <= maxDepth) {
          expect(result.ok).toBe(true);
        } else {
          const offset = levels.slice(0, maxDepth).reduce((n, l) => n + 4 * l.header.length, 0);
          expect(result).toMatchObject({ ok: false, code: 'too-deep', offset });
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    const deep = new Uint8Array(100_000 * 8 + 4);
    for (let i = 0; i < 100_000; i++) deep.set(words(0x1c, 1), i * 8);
    expect(decode4(deep, { maxBytes: Infinity })).toMatchObject({ ok: false, code: 'too-deep', offset: 64 * 8 });
  });

  it('refuses RID, Object and Signal (what var_to_bytes writes for them) with a typed reason at their header', () => {
    const refused = [
      ['RID', '17000000 00000000 12000000'],
      ['Object as id', '18000100 14050066 05000000'],
      ['Signal', '1a000000 05000000 72656164 79000000 14050066 05000000'],
    ] as const;
    for (const [name, packet] of refused) {
      const inArray = new Uint8Array([...words(0x1c, 1), ...unhex(packet)]);
      expect(decode4(unhex(packet)), name).toMatchObject({ ok: false, code: 'bad-payload', offset: 0 });
      expect(decode4(inArray), name).toMatchObject({ ok: false, code: 'bad-payload', offset: 8 });
    }
  });

  it('names type ids past PackedVector4Array and flag bits Godot 4 never writes, at the header', () => {
    fc.assert(
      fc.property(fc.integer({ min: 39, max: 255 }), (id) => {
        expect(decode4(words(id, 0, 0, 0))).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
      }),
      { seed: SEED, numRuns: 100 },
    );
    // The 64-bit flag on a String, Color or Vector2i; a typed-container kind on a PackedByteArray; byte 1.
    for (const header of [0x04 | (1 << 16), 0x14 | (1 << 16), 0x06 | (1 << 16), 0x1d | (1 << 16), 0x1c | (1 << 8), 0x1c | (1 << 18)]) {
      expect(decode4(words(header, 0, 0, 0, 0, 0)), header.toString(16)).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
    }
    expect(decode4(words(0x1c | (1 << 16), 99, 0))).toMatchObject({ ok: false, code: 'unknown-type', offset: 4 });
  });

  it('refuses a typed container holding another type (Godot drops such elements) at that element', () => {
    // Array[float] holding an int, Dictionary[String, int] with a StringName key, Array[Node] holding an int.
    expect(decode4(words(0x1c | (1 << 16), 3, 1, 2, 5))).toMatchObject({ ok: false, code: 'bad-payload', offset: 12 });
    expect(decode4(words(0x1b | (5 << 16), 4, 2, 1, 0x15, 1, 0x61, 2, 1))).toMatchObject({ ok: false, code: 'bad-payload', offset: 16 });
    const nodes = new Uint8Array([...words(0x1c | (2 << 16), 4), ...new TextEncoder().encode('Node'), ...words(1, 2, 7)]);
    expect(decode4(nodes)).toMatchObject({ ok: false, code: 'bad-payload', offset: 16 });
    expect(decode4(words(0x1c | (1 << 16), 0, 0))).toMatchObject({ ok: false, code: 'bad-payload', offset: 4 });
  });

  it('reports invalid UTF-8 at the string bytes, and reads a string as Godot does, cut at a NUL', () => {
    expect(decode4(unhex('15000000 02000000 ff610000'))).toMatchObject({ ok: false, code: 'bad-utf8', offset: 8 });
    const cut = decode4(unhex('04000000 03000000 61006200'));
    expect(cut.ok && cut.value).toEqual({ type: 'String', value: 'a' });
  });

  it('refuses input over maxBytes before reading it', () => {
    expect(decode4(new Uint8Array(16), { maxBytes: 8 })).toMatchObject({ ok: false, code: 'oversize', offset: 0 });
  });

  it('a GZIP bomb around a Godot 4 packet stops at the inflate cap, before any decoding', () => {
    const size = 1.25 * 1024 * 1024;
    const inflated = new Uint8Array(8 + size);
    inflated.set(words(0x1d, size));
    const bomb = godotCompress(inflated, 'gzip');
    expect(bomb.length).toBeLessThan(10_000);
    expect(godotDecompress(bomb, 'gzip')).toMatchObject({ ok: false, code: 'oversize' });
  });

  it('is told the version, never guesses it: Godot 3 bytes read as Godot 4 are not a Dictionary, and a bad version is a typed error', () => {
    const v3 = encodeGodot(godotFromPlain({ message: 'handshake', from: 76561198000000000n }, 3), 3);
    const misread = decode4(v3, { allowTrailingBytes: true });
    // As Godot 4 does: the Dictionary id of Godot 3 (18) is Transform3D in Godot 4.
    expect(misread.ok && misread.value.type).toBe('Transform3D');
    expect(decodeGodot(v3, 5 as 4)).toMatchObject({ ok: false, code: 'unknown-version' });
  });
});

describe('encodeGodot(value, 4) refuses what Godot 4 cannot hold', () => {
  const refuses = (value: unknown, version: 3 | 4 = 4): void => {
    let thrown: unknown;
    try {
      encodeGodot(value as GodotValue, version);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodecEncodeError);
    expect((thrown as CodecEncodeError).code).toBe('unencodable');
  };

  it.each([
    ["Godot 3's Quat", { type: 'Quat', value: [0, 0, 0, 1] }],
    ["Godot 3's PoolByteArray", { type: 'PoolByteArray', value: new Uint8Array(1) }],
    ['a Vector2i component beyond int32', { type: 'Vector2i', value: [2 ** 31, 0] }],
    ['a fractional Vector3i component', { type: 'Vector3i', value: [0.5, 0, 0] }],
    ['a Projection of 15 components', { type: 'Projection', value: new Array(15).fill(0) }],
    ['a 64-bit Color', { type: 'Color', value: [1, 1, 1, 1], bits: 64 }],
    ['an int element in an Array[float]', { type: 'Array', elementType: { kind: 'builtin', type: 'float' }, value: [{ type: 'int', value: 1n, bits: 32 }] }],
    ['a container typed Nil', { type: 'Array', elementType: { kind: 'builtin', type: 'Nil' }, value: [] }],
    ['a container typed with an unknown type', { type: 'Array', elementType: { kind: 'builtin', type: 'Sprite' }, value: [] }],
    ['a non-null element in an object-typed Array', { type: 'Array', elementType: { kind: 'class', name: 'Node' }, value: [{ type: 'bool', value: true }] }],
    ['a String key in a Dictionary[int, …]', { type: 'Dictionary', keyType: { kind: 'builtin', type: 'int' }, value: [[{ type: 'String', value: 'a' }, { type: 'Nil' }]] }],
    ['a NUL in a StringName', { type: 'StringName', value: 'a\u0000' }],
    ['RID, Object and Signal', { type: 'RID', value: 1n }],
    ['a PackedInt64Array of numbers', { type: 'PackedInt64Array', value: [1, 2] }],
  ])('%s', (_name, value) => refuses(value));

  it.each([
    ["Godot 4's Vector2i", { type: 'Vector2i', value: [1, 2] }],
    ["Godot 4's StringName", { type: 'StringName', value: 'x' }],
    ['a 64-bit Vector2', { type: 'Vector2', value: [1, 2], bits: 64 }],
    ['a typed Array', { type: 'Array', elementType: { kind: 'builtin', type: 'int' }, value: [] }],
    // Present but not a type: refused as Godot 4 refuses it, not taken for an untyped container.
    ['an Array whose element type is null', { type: 'Array', elementType: null, value: [] }],
    ['an Array whose element type is 0', { type: 'Array', elementType: 0, value: [] }],
    ['a Dictionary whose value type is null', { type: 'Dictionary', valueType: null, value: [] }],
  ])('and Godot 3 refuses %s', (_name, value) => refuses(value, 3));

  it('names the successor of a Godot 3 type, and nothing for a type name that is an Object.prototype key', () => {
    expect(() => encodeGodot({ type: 'Quat', value: [0, 0, 0, 1] }, 4)).toThrow(/^"Quat" is not a Godot 4 type \(Godot 4 calls it Quaternion\)$/);
    for (const type of ['toString', '__proto__', 'constructor']) {
      expect(() => encodeGodot({ type, value: [] } as unknown as GodotValue, 4)).toThrow(new RegExp(`^"${type}" is not a Godot 4 type$`));
    }
  });

  it('a cyclic Array, and a version that is neither 3 nor 4', () => {
    const items: GodotValue[] = [];
    items.push({ type: 'Array', value: items });
    refuses({ type: 'Array', value: items });
    expect(() => encodeGodot({ type: 'Nil' }, 2 as 3)).toThrow(CodecEncodeError);
  });
});

describe('godotFromPlain / godotToPlain with version 4', () => {
  it('maps typed arrays to the Godot 4 packed arrays, and the rest as in Godot 3', () => {
    const value = godotFromPlain(
      {
        bytes: new Uint8Array([1]),
        i32: Int32Array.from([2]),
        i64: BigInt64Array.from([3n]),
        f32: Float32Array.from([0.5]),
        f64: Float64Array.from([0.1]),
        id: 76561198000000000n,
        list: [1, 'a'],
      },
      4,
    );
    const types = value.type === 'Dictionary' ? value.value.map(([, v]) => v.type) : [];
    expect(types).toEqual(['PackedByteArray', 'PackedInt32Array', 'PackedInt64Array', 'PackedFloat32Array', 'PackedFloat64Array', 'int', 'Array']);
    expect(godotFromPlain(new Uint8Array(1), 3).type).toBe('PoolByteArray');
    expect(() => godotFromPlain(BigInt64Array.from([1n]), 3)).toThrow(CodecEncodeError);
    expect(() => godotFromPlain(Float64Array.from([1]), 3)).toThrow(CodecEncodeError);
    expect(() => godotFromPlain(new Uint16Array(1), 4)).toThrow(CodecEncodeError);
    expect(() => godotFromPlain(1, 5 as 4)).toThrow(CodecEncodeError);
  });

  it('round-trips plain data through the Godot 4 bytes', () => {
    const plain = { message: 'state', tick: 7, pos: [1.5, 0.1], id: 76561198000000000n, raw: new Uint8Array([9]), ids: BigInt64Array.from([-1n]) };
    const decoded = decode4(encodeGodot(godotFromPlain(plain, 4), 4));
    expect(decoded.ok && godotToPlain(decoded.value)).toEqual(plain);
  });

  it('renders the Godot 4-only types as plain data', () => {
    const value: GodotValue = {
      type: 'Array',
      elementType: { kind: 'builtin', type: 'Array' },
      value: [
        {
          type: 'Array',
          value: [
            { type: 'StringName', value: 'jump' },
            { type: 'Vector2i', value: [1, -2] },
            { type: 'Projection', value: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], bits: 64 },
            { type: 'Callable' },
            { type: 'PackedVector4Array', value: [[1, 2, 3, 4]] },
            { type: 'PackedFloat64Array', value: Float64Array.from([0.1]) },
          ],
        },
      ],
    };
    expect(godotToPlain(value)).toEqual([['jump', [1, -2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], null, [[1, 2, 3, 4]], Float64Array.from([0.1])]]);
  });
});

describe('godotByteLength sizes the output exactly, so an encode allocates once', () => {
  it('equals the encoded length for every value of either version', () => {
    fc.assert(fc.property(godotValue4, (value) => godotByteLength(value) === encodeGodot(value, 4).length), { seed: SEED, numRuns: 300 });
    fc.assert(fc.property(godotValue, (value) => godotByteLength(value) === encodeGodot(value, 3).length), { seed: SEED, numRuns: 300 });
  });

  it("counts a string's UTF-8 bytes at every width boundary (expected from Node's own UTF-8 length)", () => {
    // Each edge character after 0-3 ASCII ones, so a byte miscounted shows through the padding to 4.
    const edges = ['\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\ud800\udc00', '\udbff\udfff'];
    for (const edge of edges) {
      for (const text of ['', 'a', 'aa', 'aaa'].map((ascii) => ascii + edge)) {
        const utf8 = Buffer.from(text, 'utf8');
        const expected = 4 + 4 + ((utf8.length + 3) & ~3);
        expect(godotByteLength({ type: 'String', value: text }), JSON.stringify(text)).toBe(expected);
        // Header, u32 byte length, the UTF-8 bytes, zero padding (docs/wire-format.md's String).
        const encoded = encodeGodot({ type: 'String', value: text }, 4);
        expect(hex(encoded), JSON.stringify(text)).toBe(hex(words(4, utf8.length)) + utf8.toString('hex') + '00'.repeat(expected - 8 - utf8.length));
      }
    }
  });
});

describe('containers nest at most GODOT_MAX_ENCODE_DEPTH deep in every encoder (its documentation)', () => {
  // n containers, the innermost empty: the depth is the containers', whatever is (or is not) inside the last.
  const arrays = (n: number): GodotValue => {
    let value: GodotValue = { type: 'Array', value: [] };
    for (let i = 1; i < n; i++) value = { type: 'Array', value: [value] };
    return value;
  };
  const dictionaries = (n: number): GodotValue => {
    let value: GodotValue = { type: 'Dictionary', value: [] };
    for (let i = 1; i < n; i++) value = { type: 'Dictionary', value: i % 2 === 0 ? [[value, { type: 'Nil' }]] : [[{ type: 'Nil' }, value]] };
    return value;
  };
  const plain = (n: number): unknown => {
    let value: unknown = [];
    for (let i = 1; i < n; i++) value = [value];
    return value;
  };
  const encoders: readonly (readonly [string, (n: number) => unknown])[] = [
    ['encodeGodot 3, Arrays', (n) => encodeGodot(arrays(n), 3)],
    ['encodeGodot 4, Arrays', (n) => encodeGodot(arrays(n), 4)],
    ['encodeGodot 4, Dictionaries through keys and values', (n) => encodeGodot(dictionaries(n), 4)],
    ['encodeGodotPlain', (n) => encodeGodotPlain(plain(n), 4)],
    ['godotFromPlain', (n) => godotFromPlain(plain(n), 3)],
  ];
  it.each(encoders)('%s: as deep is written, one container more is refused as unencodable', (_name, encode) => {
    expect(() => encode(GODOT_MAX_ENCODE_DEPTH)).not.toThrow();
    let thrown: unknown;
    try {
      encode(GODOT_MAX_ENCODE_DEPTH + 1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodecEncodeError);
    expect(thrown).toMatchObject({ code: 'unencodable', message: expect.stringContaining(`deeper than ${GODOT_MAX_ENCODE_DEPTH}`) });
  });

  it('godotValueFromJson reads as deep, and refuses one container more as bad-payload at its path', () => {
    expect(godotValueFromJson(godotValueToJson(arrays(GODOT_MAX_ENCODE_DEPTH)))).toEqual({ ok: true, value: arrays(GODOT_MAX_ENCODE_DEPTH) });
    const refused = godotValueFromJson(godotValueToJson(arrays(GODOT_MAX_ENCODE_DEPTH + 1)));
    expect(refused).toMatchObject({ ok: false, code: 'bad-payload', detail: expect.stringContaining(`deeper than ${GODOT_MAX_ENCODE_DEPTH}`) });
    expect(refused.ok ? '' : refused.detail).toMatch(new RegExp(`^\\$(\\.value\\[0\\]){${GODOT_MAX_ENCODE_DEPTH}}(?!\\.value)`));
  });

  it('a value inside the deepest container is written: only containers count', () => {
    let value: GodotValue = { type: 'int', value: 1n, bits: 32 };
    for (let i = 0; i < GODOT_MAX_ENCODE_DEPTH; i++) value = { type: 'Array', value: [value] };
    expect(decode4(encodeGodot(value, 4), { maxDepth: GODOT_MAX_ENCODE_DEPTH })).toEqual({ ok: true, value });
  });
});

describe('ints read by hand (bits.ts) agree with DataView', () => {
  it('for every 64-bit pattern: the bigint, and the plain number exactly when it is a safe integer', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0, 5), (n, at) => {
        const bytes = new Uint8Array(16);
        new DataView(bytes.buffer).setBigInt64(at, n, true);
        expect(int64FromWords(wordAt(bytes, at), wordAt(bytes, at + 4))).toBe(n);
        const plain = plainInt64FromWords(wordAt(bytes, at), wordAt(bytes, at + 4));
        expect(plain).toBe(Number.isSafeInteger(Number(n)) ? Number(n) : n);
      }),
      { seed: SEED, numRuns: 2000, examples: [[2n ** 53n - 1n, 0], [-(2n ** 53n), 0], [-(2n ** 53n) + 1n, 0], [-1n, 5], [2n ** 63n - 1n, 0], [-(2n ** 63n), 5]] },
    );
  });
});

describe('bad arguments are typed errors too', () => {
  it('null options mean the defaults; bytes that are not a Uint8Array are bad-payload, in both versions and both forms', () => {
    const packet = encodeGodot({ type: 'int', value: 5n, bits: 32 }, 4);
    expect(decodeGodot(packet, 4, null)).toEqual({ ok: true, value: { type: 'int', value: 5n, bits: 32 } });
    for (const version of [3, 4] as const) {
      for (const bytes of [null, undefined, 'abc', [1, 2, 3, 4]]) {
        expect(decodeGodot(bytes as unknown as Uint8Array, version)).toMatchObject({ ok: false, code: 'bad-payload' });
        expect(decodeGodotPlain(bytes as unknown as Uint8Array, version, null)).toMatchObject({ ok: false, code: 'bad-payload' });
      }
    }
  });
});

// Expected bytes from Godot 4's marshalls.cpp: a typed container's header carries the element type's kind (0 none,
// 1 builtin, 2 class name, 3 script) in bits 16-17 (an Array's, a Dictionary's key) and 18-19 (a Dictionary's value),
// then per typed slot the builtin's type id (String 4, int 2) or the class name / script path as a String; ids
// Dictionary 27 (0x1b), Array 28 (0x1c), Vector2 5; flag bits other than these and the 64-bit flag are never written.
describe('Godot 4 typed containers and malformed values, by hand from the format', () => {
  const cases: readonly (readonly [string, GodotValue, string])[] = [
    ['a Dictionary typed on its key only', { type: 'Dictionary', keyType: { kind: 'builtin', type: 'String' }, value: [] }, '1b000100 04000000 00000000'],
    ['a Dictionary typed on its value only', { type: 'Dictionary', valueType: { kind: 'builtin', type: 'int' }, value: [] }, '1b000400 02000000 00000000'],
    ['an Array typed by a script', { type: 'Array', elementType: { kind: 'script', path: 'res://a.gd' }, value: [] }, '1c000300 0a000000 7265733a2f2f612e67640000 00000000'],
  ];
  it.each(cases)('%s encodes to the engine layout and decodes back', (_name, value, bytes) => {
    expect(hex(encodeGodot(value, 4))).toBe(hex(unhex(bytes)));
    expect(decode4(unhex(bytes))).toEqual({ ok: true, value });
  });

  it('a Vector2 without bits, or with bits 32, is float32 components', () => {
    expect(hex(encodeGodot({ type: 'Vector2', value: [1, 2] }, 4))).toBe('050000000000803f00000040');
    expect(hex(encodeGodot({ type: 'Vector2', value: [1, 2], bits: 32 }, 4))).toBe('050000000000803f00000040');
  });

  it('refuses flag bits Godot never writes, on an int in both versions and on a Dictionary', () => {
    expect(decode4(words(0x00020002, 1))).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
    expect(decodeGodot(words(0x00020002, 1), 3)).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
    // Bit 20 is beyond a Dictionary's two kind fields (bits 16-19).
    expect(decode4(words(0x0010001b, 0))).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
  });

  const refuses = (value: unknown): void => {
    let thrown: unknown;
    try {
      encodeGodot(value as GodotValue, 4);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodecEncodeError);
    expect((thrown as CodecEncodeError).code).toBe('unencodable');
  };
  const nil: GodotValue = { type: 'Nil' };
  const nest = (inKey: boolean): GodotValue => {
    let v: GodotValue = nil;
    for (let i = 0; i < 300; i++) v = { type: 'Dictionary', value: [inKey ? [v, nil] : [nil, v]] };
    return v;
  };
  const functionType = Object.assign(() => undefined, { kind: 'builtin', type: 'int' });
  it.each([
    ['a Dictionary whose value is not an array', { type: 'Dictionary' }],
    ['an Array whose value is not an array', { type: 'Array' }],
    ['a Dictionary entry of three values', { type: 'Dictionary', value: [[nil, nil, nil]] }],
    ['a null element of an untyped Array', { type: 'Array', value: [null] }],
    ['a null element of an Array[int]', { type: 'Array', elementType: { kind: 'builtin', type: 'int' }, value: [null] }],
    ['a null container type', { type: 'Array', elementType: null, value: [] }],
    ['a container type that is not an object', { type: 'Array', elementType: functionType, value: [] }],
    ['a container type of an unknown kind', { type: 'Array', elementType: { kind: 'tuple', type: 'int' }, value: [] }],
    ['an element that is a function, not an object', { type: 'Array', value: [Object.assign(() => undefined, { type: 'Nil' })] }],
    ['a NodePath without names', { type: 'NodePath', value: {} }],
    ['a NodePath without subnames', { type: 'NodePath', value: { names: [], absolute: false } }],
    ['a Vector2 of three components', { type: 'Vector2', value: [1, 2, 3] }],
    ['a Vector2i of three components', { type: 'Vector2i', value: [1, 2, 3] }],
    ['a fractional Vector2i component', { type: 'Vector2i', value: [1.5, 2] }],
    ['a Vector2i component below int32', { type: 'Vector2i', value: [-(2 ** 31) - 1, 0] }],
    ['a String whose value is not a string', { type: 'String', value: 5 }],
    ['Dictionaries nested 300 deep through keys', nest(true)],
    ['Dictionaries nested 300 deep through values', nest(false)],
  ])('refuses %s', (_name, value) => refuses(value));
});

describe('edges the wire-format doc states', () => {
  it('reads an Object-typed Array holding null (Godot writes builtin type 24 = OBJECT, then one Nil)', () => {
    // header 0x0001001c: ARRAY (28) with container kind 1 (builtin) at bit 16; element type 24; count 1; Nil.
    const bytes = unhex('1c000100 18000000 01000000 00000000');
    expect(decode4(bytes)).toEqual({ ok: true, value: { type: 'Array', elementType: { kind: 'builtin', type: 'Object' }, value: [{ type: 'Nil' }] } });
  });

  it('refuses the 64-bit flag on a PackedColorArray (Color is always float32) but takes it on PackedVector2Array', () => {
    expect(decode4(unhex('25000100 00000000'))).toMatchObject({ ok: false, code: 'unknown-type', offset: 0 });
    expect(decode4(unhex('23000100 00000000'))).toMatchObject({ ok: true, value: { type: 'PackedVector2Array', value: [] } });
  });

  it('says which version it wanted when given neither 3 nor 4', () => {
    const result = decodeGodot(unhex('00000000'), 5 as 4);
    expect(result).toMatchObject({ ok: false, code: 'unknown-version' });
    expect(result.ok ? '' : result.detail).toMatch(/5/);
  });

  it('refuses a String whose value is not a string with CodecEncodeError, and says why', () => {
    for (const value of [{ type: 'String', value: 5 }, { type: 'String', value: 'a\u0000b' }, { type: 'String', value: '\ud800' }]) {
      expect(() => encodeGodot(value as unknown as GodotValue, 4)).toThrow(CodecEncodeError);
      expect(() => encodeGodot(value as unknown as GodotValue, 4)).toThrow(/./);
    }
  });

  it('godotByteLength never throws on malformed or cyclic values (its contract: a hint that counts what it can)', () => {
    const cyclicKey: { type: 'Dictionary'; value: unknown[] } = { type: 'Dictionary', value: [] };
    cyclicKey.value.push([cyclicKey, { type: 'Nil' }]);
    const cyclicValue: { type: 'Dictionary'; value: unknown[] } = { type: 'Dictionary', value: [] };
    cyclicValue.value.push([{ type: 'Nil' }, cyclicValue]);
    const malformed: unknown[] = [
      null,
      cyclicKey,
      cyclicValue,
      { type: 'Dictionary', value: [null] },
      { type: 'Array' },
      { type: 'Array', value: [], elementType: null },
      { type: 'NodePath' },
      { type: 'NodePath', value: undefined },
      { type: 'PackedByteArray' },
      { type: 'PackedInt32Array' },
      { type: 'PackedFloat64Array' },
    ];
    for (const value of malformed) expect(typeof godotByteLength(value as GodotValue)).toBe('number');
  });
});
