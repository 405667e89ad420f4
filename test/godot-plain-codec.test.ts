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
  godotToPlain,
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
