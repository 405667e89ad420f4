/**
 * The data plane's Godot codecs, plain JS ↔ bytes without the GodotValue tree, are the composed ones exactly:
 * encodeGodotPlain(x, v) is encodeGodot(godotFromPlain(x, v), v) and decodeGodotPlain(b, v) is
 * godotToPlain(decodeGodot(b, v)), results and errors alike, in both versions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGodot,
  decodeGodotPlain,
  encodeGodot,
  encodeGodotPlain,
  godotFromPlain,
  godotInt,
  godotIntWidth,
  godotToPlain,
  nodePathText,
  type GodotValue,
  type GodotVersion,
} from '../src/codec/godot/index.js';
import { CodecEncodeError, type CodecResult } from '../src/codec/result.js';
import { godotText, godotValue, godotValue4 } from './godot/arbitraries.js';

const SEED = 0x91a1;
const VERSIONS = [3, 4] as const satisfies readonly GodotVersion[];

/** Plain JS a game sends, with every kind godotFromPlain maps and some it refuses. */
const plainValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, NaN, Infinity, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 63, -(2 ** 63)),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
    fc.oneof(godotText, fc.string({ maxLength: 6 })),
    fc.uint8Array({ maxLength: 5 }),
    fc.int32Array({ maxLength: 3 }),
    fc.float32Array({ maxLength: 3 }),
    fc.bigInt64Array({ maxLength: 2 }),
    fc.float64Array({ maxLength: 2 }),
    fc.constant(new Uint16Array(1)),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(godotText, fc.constantFrom('__proto__', '1', 'constructor')), tie('v'), { maxKeys: 4 }),
    fc.array(fc.tuple(tie('v'), tie('v')), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
})).v;

function outcome(run: () => Uint8Array): string {
  try {
    return Buffer.from(run()).toString('hex');
  } catch (error) {
    expect(error).toBeInstanceOf(CodecEncodeError);
    return `throws ${(error as CodecEncodeError).code}`;
  }
}

function expectSameResult(actual: CodecResult<unknown>, expected: CodecResult<GodotValue>): void {
  if (expected.ok) {
    expect(actual.ok).toBe(true);
    if (actual.ok) expect(actual.value).toEqual(godotToPlain(expected.value));
  } else {
    expect(actual).toMatchObject({ ok: false, code: expected.code, offset: expected.offset });
  }
}

describe('encodeGodotPlain is encodeGodot ∘ godotFromPlain', () => {
  it.each(VERSIONS)('Godot %i: same bytes, or the same refusal', (version) => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(outcome(() => encodeGodotPlain(value, version))).toBe(outcome(() => encodeGodot(godotFromPlain(value, version), version)));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('refuses a cycle and a version that is neither 3 nor 4', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeGodotPlain(cyclic, 4)).toThrow(CodecEncodeError);
    expect(() => encodeGodotPlain(1, 5 as 4)).toThrow(CodecEncodeError);
  });
});

describe('decodeGodotPlain is godotToPlain ∘ decodeGodot', () => {
  it.each([
    [3, godotValue],
    [4, godotValue4],
  ] as const)('Godot %i: the same plain value for every valid packet', (version, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        const bytes = encodeGodot(value, version);
        expectSameResult(decodeGodotPlain(bytes, version), decodeGodot(bytes, version));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it.each(VERSIONS)('Godot %i: the same error code and offset for cut, flipped and random bytes', (version) => {
    const packets = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.tuple(version === 4 ? godotValue4 : godotValue, fc.nat(), fc.nat()).map(([value, at, bit]) => {
        const bytes = encodeGodot(value, version);
        bytes[at % bytes.length]! ^= 1 << (bit % 8);
        return bytes;
      }),
      fc.tuple(version === 4 ? godotValue4 : godotValue, fc.nat()).map(([value, cut]) => {
        const bytes = encodeGodot(value, version);
        return bytes.subarray(0, cut % bytes.length);
      }),
    );
    fc.assert(
      fc.property(packets, fc.integer({ min: 1, max: 6 }), (bytes, maxDepth) => {
        expectSameResult(decodeGodotPlain(bytes, version, { maxDepth }), decodeGodot(bytes, version, { maxDepth }));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('keeps a "__proto__" key from the wire as data and reads a Dictionary with a non-String key as a Map', () => {
    const bytes = encodeGodotPlain(new Map<unknown, unknown>([['__proto__', 1], [2, 'two']]), 4);
    const decoded = decodeGodotPlain(bytes, 4);
    expect(decoded.ok && decoded.value).toEqual(new Map<unknown, unknown>([['__proto__', 1], [2, 'two']]));
    const object = decodeGodotPlain(encodeGodotPlain(JSON.parse('{"__proto__": {"polluted": true}}'), 4), 4);
    expect(object.ok && Object.getPrototypeOf(object.value)).toBe(Object.prototype);
    expect(object.ok && Object.keys(object.value as object)).toEqual(['__proto__']);
  });
});

/** What a call throws: its CodecEncodeError code, or the other error's name (a crash, not a refusal). */
function refusal(run: () => unknown): string {
  try {
    run();
    return 'no throw';
  } catch (error) {
    return error instanceof CodecEncodeError ? error.code : (error as Error).name;
  }
}

/** `n` containers each holding the next (`inner` the innermost): nesting `n` deep. */
function nest(n: number, wrap: (inner: unknown) => unknown, inner: unknown): unknown {
  let value = inner;
  for (let i = 1; i < n; i++) value = wrap(value);
  return value;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const nullProto = (inner: unknown): unknown => Object.assign(Object.create(null) as object, { a: inner });

describe('the mapping at its edges, from the rules (var2bytes layout written by hand)', () => {
  it.each(VERSIONS)('Godot %i: int32 and int64 ends of bigints take the width and bytes Godot gives them', (version) => {
    // Header: type 2 (int in both versions), bit 16 set for 64 bits; then the value little-endian.
    expect(hex(encodeGodotPlain(-(2n ** 31n), version))).toBe('0200000000000080');
    expect(hex(encodeGodotPlain(2n ** 31n - 1n, version))).toBe('02000000ffffff7f');
    expect(hex(encodeGodotPlain(-(2n ** 63n), version))).toBe('020001000000000000000080');
    expect(hex(encodeGodotPlain(2n ** 63n - 1n, version))).toBe('02000100ffffffffffffff7f');
    expect(refusal(() => encodeGodotPlain(2n ** 63n, version))).toBe('unencodable');
    expect(refusal(() => encodeGodotPlain(-(2n ** 63n) - 1n, version))).toBe('unencodable');
  });

  it('godotIntWidth and godotInt: 32 bits exactly within int32, 64 to the int64 ends, refused beyond and for non-integers', () => {
    expect(godotIntWidth(-(2n ** 31n))).toBe(32);
    expect(godotIntWidth(2n ** 31n - 1n)).toBe(32);
    expect(godotIntWidth(2n ** 31n)).toBe(64);
    expect(godotInt(2n ** 63n - 1n)).toEqual({ type: 'int', value: 2n ** 63n - 1n, bits: 64 });
    expect(godotInt(-(2n ** 63n))).toEqual({ type: 'int', value: -(2n ** 63n), bits: 64 });
    expect(refusal(() => godotInt(-(2n ** 63n) - 1n))).toBe('unencodable');
    expect(refusal(() => godotInt(2n ** 63n))).toBe('unencodable');
    expect(refusal(() => godotInt(1.5))).toBe('unencodable');
    expect(refusal(() => godotInt(NaN))).toBe('unencodable');
  });

  it('256 nested containers go, the 257th is refused, whichever kinds hold which', () => {
    // 256 Arrays (type 19 in Godot 3): each a header and a count of 1, the innermost empty.
    expect(hex(encodeGodotPlain(nest(256, (x) => [x], []), 3))).toBe('1300000001000000'.repeat(255) + '1300000000000000');
    expect(godotFromPlain(nest(256, (x) => [x], []), 3).type).toBe('Array');
    const deep: unknown[] = [
      nest(257, (x) => [x], []),
      [nest(256, (x) => ({ a: x }), {})],
      [nest(256, nullProto, Object.create(null))],
      { a: nest(256, (x) => [x], []) },
    ];
    for (const version of VERSIONS) {
      for (const value of deep) {
        expect(refusal(() => encodeGodotPlain(value, version))).toBe('unencodable');
        expect(refusal(() => godotFromPlain(value, version))).toBe('unencodable');
      }
    }
  });

  it('a value that contains itself is refused as unencodable, never a stack overflow', () => {
    const array: unknown[] = [];
    array.push(array);
    const object: Record<string, unknown> = {};
    object.self = object;
    const byKey = new Map<unknown, unknown>();
    byKey.set(byKey, 1);
    const byValue = new Map<unknown, unknown>();
    byValue.set('self', byValue);
    for (const version of VERSIONS) {
      for (const value of [array, object, byKey, byValue, [byKey], { m: byValue }]) {
        expect(refusal(() => encodeGodotPlain(value, version))).toBe('unencodable');
        expect(refusal(() => godotFromPlain(value, version))).toBe('unencodable');
      }
    }
  });

  it('godotToPlain: String arrays stay arrays of strings; a "__proto__" key is an ordinary own property', () => {
    expect(godotToPlain({ type: 'PoolStringArray', value: ['ab', 'c'] })).toEqual(['ab', 'c']);
    expect(godotToPlain({ type: 'PackedStringArray', value: ['ab', 'c'] })).toEqual(['ab', 'c']);
    const out = godotToPlain({ type: 'Dictionary', value: [[{ type: 'String', value: '__proto__' }, { type: 'int', value: 1n, bits: 32 }]] });
    // What JSON.parse, the usual reader of plain data, makes of the same key.
    const expected = Object.getOwnPropertyDescriptor(JSON.parse('{"__proto__": 1}'), '__proto__');
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual(expected);
  });

  it('nodePathText: a relative path has no leading "/"', () => {
    expect(nodePathText({ absolute: false, names: ['Main', 'Player'], subnames: ['position'] })).toBe('Main/Player:position');
    expect(nodePathText({ absolute: true, names: ['root', 'Main'], subnames: [] })).toBe('/root/Main');
  });
});
