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
