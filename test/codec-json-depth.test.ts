// The JSON payload codec holds JSON to the same nesting limit as the value codec: a member once delivered an array
// nested 519,999 deep through it, which JSON.stringify in the game could not walk. The limit is checked against
// the value codec itself (same depths accepted and refused, default and custom), and the deep payloads are made
// here byte by byte, plain and deflated.
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../src/codec/frame.js';
import { createPacketCodec } from '../src/codec/packet-codec.js';

const nested = (depth: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
};

/** A JSON application frame on channel 1 around `payload`, deflated when asked. */
function jsonFrame(payload: Uint8Array, compressed = false): Uint8Array {
  const body = compressed ? deflateSync(payload) : payload;
  const header = encodeFrameHeader({
    kind: FrameKind.application,
    channel: 1,
    codecId: PayloadCodecId.json,
    ...(compressed ? { compressed: true, uncompressedLength: payload.length } : {}),
  });
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('the JSON payload codec: nesting limit', () => {
  it.each([undefined, 8, 200])('accepts and refuses the same depths as the value codec (maxDepth %s)', (maxDepth) => {
    const codec = createPacketCodec(maxDepth === undefined ? {} : { maxDepth });
    const sender = createPacketCodec({ maxDepth: 10_000 });
    const limit = maxDepth ?? 64;
    for (const depth of [1, limit - 1, limit, limit + 1, limit + 2]) {
      const value = nested(depth);
      const byValue = codec.decode(unwrap(sender.encode(value, { compress: false })));
      const byJson = codec.decode(unwrap(sender.encode(value, { codec: 'json', compress: false })));
      expect(byJson.ok, `depth ${depth}`).toBe(byValue.ok);
      expect(byJson.ok ? undefined : byJson.code, `depth ${depth}`).toBe(byValue.ok ? undefined : byValue.code);
      if (byJson.ok && byJson.value.kind === 'application') expect(byJson.value.value).toEqual(value);
      // Encoding refuses what decoding would: nothing is sent that every receiver drops.
      const encoded = codec.encode(value, { codec: 'json' });
      expect(encoded.ok, `encode depth ${depth}`).toBe(depth <= limit);
      if (!encoded.ok) expect(encoded.code).toBe('too-deep');
    }
  });

  it('refuses an array nested 519,999 deep as too-deep without building it, plain and deflated (a JSON bomb)', () => {
    const codec = createPacketCodec();
    const depth = 519_999;
    const payload = text('['.repeat(depth) + ']'.repeat(depth));
    for (const compressed of [false, true]) {
      const bytes = jsonFrame(payload, compressed);
      if (compressed) expect(bytes.length).toBeLessThan(payload.length / 100);
      let decoded: ReturnType<typeof codec.decode> | undefined;
      expect(() => (decoded = codec.decode(bytes))).not.toThrow();
      expect(decoded).toMatchObject({ ok: false, code: 'too-deep' });
    }
    // Unbalanced and hostile: only opening brackets.
    expect(codec.decode(jsonFrame(text('{"a":'.repeat(100_000))))).toMatchObject({ ok: false, code: 'too-deep' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const codec = createPacketCodec();
    const tricky = ['['.repeat(1000), '\\"' + '{'.repeat(500), 'a"b[c'];
    const decoded = codec.decode(unwrap(codec.encode(tricky, { codec: 'json', compress: false })));
    expect(decoded).toMatchObject({ ok: true, value: { kind: 'application', value: tricky } });
    // The same by hand: a string whose escaped quote would end it early for a naive scan.
    const hand = codec.decode(jsonFrame(text('["\\"' + '['.repeat(100) + '"]')));
    expect(hand).toMatchObject({ ok: true, value: { value: ['"' + '['.repeat(100)] } });
  });

  it('refuses to encode a value too deep for the stack as too-deep, not as a throw', () => {
    const codec = createPacketCodec();
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const encoded = codec.encode(deep, { codec: 'json' });
    expect(encoded).toMatchObject({ ok: false, code: 'too-deep' });
  });
});

function unwrap(result: { ok: true; value: Uint8Array } | { ok: false; detail: string }): Uint8Array {
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}
