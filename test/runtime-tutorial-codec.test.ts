// How a tutorial packet names its engine and compression (docs/godot.md): GZIP by its magic bytes 1f 8b (RFC 1952
// §2.3.1), and var2bytes(Dictionary) by Godot's 4-byte little-endian type header (core/io/marshalls.cpp): type 18
// in Godot 3, 27 in Godot 4, no flag bits, so the three bytes after the type byte are zero. The bytes here are
// written by hand from that format, not made by our encoder.
import { describe, expect, it } from 'vitest';
import { godotCompress } from '../src/codec/godot/index.js';
import { tutorialWire } from '../src/runtime/peer-wire.js';
import { decodeTutorialPacket } from '../src/runtime/tutorial-codec.js';

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
