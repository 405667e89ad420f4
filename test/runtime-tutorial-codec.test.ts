// How a tutorial packet names its engine and compression (docs/godot.md): GZIP by its magic bytes 1f 8b (RFC 1952
// §2.3.1), and var2bytes(Dictionary) by Godot's 4-byte little-endian type header (core/io/marshalls.cpp): type 18
// in Godot 3, 27 in Godot 4, no flag bits, so the three bytes after the type byte are zero. The bytes here are
// written by hand from that format, not made by our encoder.
import { describe, expect, it } from 'vitest';
import { godotCompress } from '../src/codec/godot/index.js';
import { tutorialWire } from '../src/runtime/peer-wire.js';
import { decodeTutorialPacket, encodeTutorialVariant } from '../src/runtime/tutorial-codec.js';

const LIMITS = { maxBytes: 1 << 20 };
/** var2bytes({}) : the Dictionary header, then an entry count of 0. */
const emptyDictionary = (tag: number) => Uint8Array.of(tag, 0, 0, 0, 0, 0, 0, 0);

describe('decodeTutorialPacket: what a packet says about its sender', () => {
  it.each([
    [3, 18],
    [4, 27],
  ] as const)('reads Godot %i from the Dictionary tag %i, plain or GZIP\'d', (godot, tag) => {
    expect(decodeTutorialPacket(emptyDictionary(tag), undefined, LIMITS)).toEqual({
      ok: true,
      value: { kind: 'message', wire: tutorialWire(godot, false), value: {} },
    });
    expect(decodeTutorialPacket(godotCompress(emptyDictionary(tag), 'gzip'), undefined, LIMITS)).toEqual({
      ok: true,
      value: { kind: 'message', wire: tutorialWire(godot, true), value: {} },
    });
  });

  it.each([
    ['flag bits in the second byte', Uint8Array.of(18, 1, 0, 0, 0, 0, 0, 0)],
    ['flag bits in the third byte', Uint8Array.of(18, 0, 1, 0, 0, 0, 0, 0)],
    ['flag bits in the fourth byte', Uint8Array.of(18, 0, 0, 1, 0, 0, 0, 0)],
    ['flag bits in Godot 4 Dictionary headers', Uint8Array.of(27, 0, 1, 0, 0, 0, 0, 0)],
    ["Godot 3's Array", Uint8Array.of(19, 0, 0, 0, 0, 0, 0, 0)],
    ["Godot 4's Array", Uint8Array.of(28, 0, 0, 0, 0, 0, 0, 0)],
    // GZIP is both magic bytes: either one alone starts a plain packet, and no Dictionary starts that way.
    ['the first GZIP magic byte alone', Uint8Array.of(0x1f, 0, 0, 0, 0, 0, 0, 0)],
    ['the second GZIP magic byte alone', Uint8Array.of(18, 0x8b, 0, 0, 0, 0, 0, 0)],
  ])('refuses a packet that is no var2bytes(Dictionary) as bad-payload: %s', (_, bytes) => {
    expect(decodeTutorialPacket(bytes, undefined, LIMITS)).toMatchObject({ ok: false, code: 'bad-payload' });
  });

  it("refuses a packet in another engine than the member's wire, plain or GZIP'd", () => {
    expect(decodeTutorialPacket(emptyDictionary(27), tutorialWire(3, false), LIMITS)).toMatchObject({ ok: false, code: 'bad-payload' });
    expect(decodeTutorialPacket(emptyDictionary(18), tutorialWire(4, true), LIMITS)).toMatchObject({ ok: false, code: 'bad-payload' });
    expect(decodeTutorialPacket(emptyDictionary(18), tutorialWire(3, true), LIMITS)).toMatchObject({ ok: true, value: { wire: tutorialWire(3, true) } });
  });
});

/**
 * var2bytes({"a": "x" * length}) in Godot 3 (godot-wire-format.md): the Dictionary header, an entry count of 1, then
 * each String as type 4, a u32 byte length and its UTF-8, zero-padded to 4. `length` is a multiple of 4: no padding.
 */
function dictionaryOfOneString(length: number): Uint8Array {
  const bytes = new Uint8Array(28 + length).fill(0x78);
  bytes.set([18, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 4, 0, 0, 0]);
  new DataView(bytes.buffer).setUint32(24, length, true);
  return bytes;
}

describe('decodeTutorialPacket: the limit is the runtime\'s, not the codec\'s default', () => {
  // TutorialLimits.maxBytes is the largest packet after inflation; the codec's own default is 1 MiB.
  const LENGTH = 3 * (1 << 19);
  const packet = dictionaryOfOneString(LENGTH);

  it('accepts a packet past the 1 MiB default when the runtime allows 2 MiB, plain or GZIP\'d', () => {
    const limits = { maxBytes: 2 * (1 << 20) };
    const value = { a: 'x'.repeat(LENGTH) };
    expect(decodeTutorialPacket(packet, undefined, limits)).toEqual({ ok: true, value: { kind: 'message', wire: tutorialWire(3, false), value } });
    expect(decodeTutorialPacket(godotCompress(packet, 'gzip'), undefined, limits)).toEqual({
      ok: true,
      value: { kind: 'message', wire: tutorialWire(3, true), value },
    });
  });

  it('refuses a packet above a limit below the default as oversize, plain or GZIP\'d', () => {
    const small = dictionaryOfOneString(64);
    expect(decodeTutorialPacket(small, undefined, { maxBytes: 64 })).toMatchObject({ ok: false, code: 'oversize' });
    expect(decodeTutorialPacket(godotCompress(small, 'gzip'), undefined, { maxBytes: 64 })).toMatchObject({ ok: false, code: 'oversize' });
  });
});

describe('encodeTutorialVariant: a tutorial peer reads every packet as a Dictionary', () => {
  it.each([3, 4] as const)('encodes a plain object and a Map as Godot %i\'s empty Dictionary', (godot) => {
    const tag = godot === 3 ? 18 : 27;
    expect(encodeTutorialVariant({}, godot)).toEqual({ ok: true, value: emptyDictionary(tag) });
    expect(encodeTutorialVariant(new Map(), godot)).toEqual({ ok: true, value: emptyDictionary(tag) });
  });

  // The file never throws: null and undefined, which have no prototype to look at, are refused like the rest.
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an int', 5],
    ['a String', 'handshake'],
    ['an Array', [1, 2]],
    ['a class instance', new Date(0)],
  ])('refuses %s as unencodable, without throwing', (_, value) => {
    for (const godot of [3, 4] as const) {
      expect(encodeTutorialVariant(value, godot)).toMatchObject({ ok: false, code: 'unencodable' });
    }
  });
});
