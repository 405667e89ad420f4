import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTaggedJson, toTaggedJson } from '../src/codec/tagged-json.js';

const { value: valueArb } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.double(),
    fc.bigInt(),
    fc.string(),
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 8 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('$bigint', '$object', '$x')), tie('value'), { maxKeys: 4 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
  ),
}));

function viaText(value: unknown): unknown {
  return JSON.parse(JSON.stringify(toTaggedJson(value))) as unknown;
}

describe('tagged JSON', () => {
  it('survives JSON text and reads back an equal value, key and Map order included', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const back = fromTaggedJson(viaText(value));
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(back.value).toEqual(value);
        expect(JSON.stringify(toTaggedJson(back.value))).toBe(JSON.stringify(toTaggedJson(value)));
      }),
      { seed: 77, numRuns: 400 },
    );
  });

  it('spells the special values as documented', () => {
    expect(toTaggedJson({ id: 76561198000000001n, b: Uint8Array.of(1, 2, 255), n: [-0, NaN, Infinity, -Infinity, 1.5, 2], u: undefined })).toEqual({
      id: { $bigint: '76561198000000001' },
      b: { $bytes: 'AQL/' },
      n: [{ $number: '-0' }, { $number: 'NaN' }, { $number: 'Infinity' }, { $number: '-Infinity' }, 1.5, 2],
      u: { $undefined: true },
    });
    expect(toTaggedJson(new Map<unknown, unknown>([[1n, 'a'], ['k', null]]))).toEqual({ $map: [[{ $bigint: '1' }, 'a'], ['k', null]] });
    expect(toTaggedJson({ $bigint: 'not a tag' })).toEqual({ $object: { $bigint: 'not a tag' } });
  });

  it("writes bytes as Node's own base64 does, across sizes that take several chunks, and reads them back", () => {
    // Node's Buffer is the oracle here; the codec itself uses only what browsers also have.
    for (const length of [0, 1, 2, 3, 0x7fff, 0x8000, 0x8001, 100_003]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7919 + (i >> 8)) & 0xff);
      const tagged = toTaggedJson(bytes) as { $bytes: string };
      expect(tagged.$bytes).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromTaggedJson(tagged)).toEqual({ ok: true, value: bytes });
    }
  });

  it('names the path of a malformed tag instead of throwing', () => {
    expect(fromTaggedJson({ a: [1, { $bytes: 'abc' }] })).toMatchObject({ ok: false, code: 'bad-payload', detail: expect.stringContaining('$.a[1]') as unknown });
    expect(fromTaggedJson({ $what: 1 })).toMatchObject({ ok: false, code: 'bad-payload' });
    expect(fromTaggedJson({ $map: [[1]] })).toMatchObject({ ok: false, code: 'bad-payload' });
    expect(fromTaggedJson({ $number: 'zero' })).toMatchObject({ ok: false, code: 'bad-payload' });
  });
});

describe('tagged JSON: each tag read as documented (src/codec/tagged-json.ts)', () => {
  const bad = (json: unknown, ...mentions: string[]) => {
    const result = fromTaggedJson(json);
    expect(result).toMatchObject({ ok: false, code: 'bad-payload' });
    if (!result.ok) for (const m of mentions) expect(result.detail).toContain(m);
  };

  it('reads the four $number spellings back to the numbers JSON cannot write', () => {
    const back = fromTaggedJson([{ $number: 'NaN' }, { $number: 'Infinity' }, { $number: '-Infinity' }, { $number: '-0' }]);
    expect(back.ok).toBe(true);
    const [nan, inf, negInf, negZero] = (back.ok ? back.value : []) as number[];
    expect(Number.isNaN(nan)).toBe(true);
    expect(inf).toBe(Infinity);
    expect(negInf).toBe(-Infinity);
    expect(Object.is(negZero, -0)).toBe(true);
    bad({ $number: '' }, '$number');
    bad({ $number: 'nan' }, '$number');
  });

  it('refuses each malformed tag, naming the tag and the path to it', () => {
    bad({ a: { $bigint: 12 } }, '$bigint', '$.a');
    bad({ $bigint: '012' }, '$bigint');
    bad({ $bytes: 'abc' }, '$bytes');
    bad({ $map: {} }, '$map', '$');
    bad({ $map: [[1, 2, 3]] }, 'pair', '$.$map[0]');
    bad({ $map: [[{ $bytes: 'x' }, 1]] }, '$.$map[0][0]');
    bad({ $map: [[1, { $bytes: 'x' }]] }, '$.$map[0][1]');
    bad({ $undefined: false }, '$undefined');
    bad({ $undefined: 'true' }, '$undefined');
    for (const body of [5, 'x', null, [], [1]]) bad({ $object: body }, '$object');
    bad({ $object: { a: { $bytes: 'x' } } }, '$.$object.a');
    bad({ $what: 1 }, '$what');
  });

  it('refuses values no JSON text can hold', () => {
    bad(5n, 'bigint');
    bad([() => 1], 'function', '$[0]');
    bad({ s: Symbol('s') }, 'symbol', '$.s');
  });

  it('spells what the value codec cannot carry as $unsupported with its type', () => {
    expect(toTaggedJson([Symbol('s'), () => 1])).toEqual([{ $unsupported: 'symbol' }, { $unsupported: 'function' }]);
  });

  it('keeps a "__proto__" key as an own key in both directions, as JSON.parse does, prototype untouched', () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    const tagged = toTaggedJson(parsed) as Record<string, unknown>;
    const back = fromTaggedJson(parsed);
    for (const out of [tagged, back.ok ? (back.value as Record<string, unknown>) : {}]) {
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.keys(out)).toEqual(['__proto__', 'y']);
      expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual({ ...Object.getOwnPropertyDescriptor(parsed, '__proto__'), value: { x: 1 } });
      expect((out as { x?: unknown }).x).toBeUndefined();
    }
  });
});
