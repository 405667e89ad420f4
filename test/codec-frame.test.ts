import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameKind,
  PayloadCodecId,
  encodeFrameHeader,
  frameHeaderLength,
  peekChannel,
  readFrameHeader,
  writeFrameHeader,
} from '../src/codec/frame.js';

const kinds = [FrameKind.application, FrameKind.control, FrameKind.chat] as const;
const codecIds = [PayloadCodecId.value, PayloadCodecId.json, PayloadCodecId.raw, PayloadCodecId.user] as const;

describe('frame header', () => {
  it('is two bytes for an uncompressed frame on a channel below 128', () => {
    const header = encodeFrameHeader({ kind: FrameKind.application, channel: 127, codecId: PayloadCodecId.value });
    expect(header.length).toBe(2);
    expect(header[0]! >>> 6).toBe(1);
  });

  it('round-trips every field and reports where the payload starts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(...codecIds),
        fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: undefined }),
        (kind, channel, codecId, uncompressedLength) => {
          const compressed = uncompressedLength !== undefined;
          const fields = { kind, channel, codecId, compressed, uncompressedLength };
          const bytes = new Uint8Array(frameHeaderLength(fields) + 3);
          const payloadOffset = writeFrameHeader(bytes, 0, fields);
          const read = readFrameHeader(bytes);
          expect(read).toEqual({
            ok: true,
            value: { version: 1, kind, channel, codecId, compressed, payloadOffset, ...(compressed ? { uncompressedLength } : {}) },
          });
          expect(peekChannel(bytes)).toBe(channel);
        },
      ),
      { seed: 20240501, numRuns: 500 },
    );
  });

  it('rejects versions 0, 2 and 3 as unknown-version', () => {
    for (const version of [0, 2, 3]) {
      const bytes = Uint8Array.of(version << 6, 0);
      expect(readFrameHeader(bytes)).toMatchObject({ ok: false, code: 'unknown-version', offset: 0 });
      expect(peekChannel(bytes)).toBeUndefined();
    }
  });

  it('rejects kinds 3..7 as unknown-kind', () => {
    for (let kind = 3; kind <= 7; kind++) {
      const bytes = Uint8Array.of((1 << 6) | (kind << 3), 0);
      expect(readFrameHeader(bytes)).toMatchObject({ ok: false, code: 'unknown-kind' });
      expect(peekChannel(bytes)).toBeUndefined();
    }
  });

  it('reports truncation inside the channel and inside the length', () => {
    expect(readFrameHeader(new Uint8Array(0))).toMatchObject({ ok: false, code: 'truncated' });
    expect(readFrameHeader(Uint8Array.of(0x40))).toMatchObject({ ok: false, code: 'truncated' });
    expect(readFrameHeader(Uint8Array.of(0x40, 0x80))).toMatchObject({ ok: false, code: 'truncated' });
    expect(readFrameHeader(Uint8Array.of(0x44, 0x00))).toMatchObject({ ok: false, code: 'truncated' });
    expect(peekChannel(Uint8Array.of(0x44, 0x00))).toBeUndefined();
  });

  it('rejects channels over 31 bits and non-minimal varints', () => {
    expect(readFrameHeader(Uint8Array.of(0x40, 0xff, 0xff, 0xff, 0xff, 0x0f))).toMatchObject({ code: 'bad-payload', offset: 1 });
    expect(readFrameHeader(Uint8Array.of(0x40, 0x81, 0x00))).toMatchObject({ code: 'bad-payload' });
    expect(readFrameHeader(Uint8Array.of(0x44, 0x00, 0xff, 0xff, 0xff, 0xff, 0x7f))).toMatchObject({ code: 'oversize', offset: 2 });
  });
});
