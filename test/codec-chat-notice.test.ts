// lobbykit's notices in lobby chat, byte for byte. The expected bytes are written here from the layout that
// src/codec/chat-notice.ts documents (NUL 'L' 'K', version 1, kind, then big-endian fields, one exact length per
// kind), not produced by the encoder; each refusal names the one rule its bytes break.
import { describe, expect, it } from 'vitest';
import { decodeChatNotice, encodeChatNotice, isChatNotice, textLooksLikeNotice, type ChatNotice } from '../src/codec/chat-notice.js';

const TARGET = 0x0110_0001_0a0b_0c0dn; // a Steam id whose eight bytes all differ
const STARTER = 0x0110_0001_fedc_ba98n;
const VOTE = 0xa1b2_c3d4;

/** Each notice with its bytes, written from the layout. */
const TABLE: readonly (readonly [ChatNotice, readonly number[]])[] = [
  [{ kind: 'expel', target: TARGET, ban: false }, [0x00, 0x4c, 0x4b, 1, 1, 0x01, 0x10, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d, 0]],
  [{ kind: 'expel', target: TARGET, ban: true }, [0x00, 0x4c, 0x4b, 1, 1, 0x01, 0x10, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d, 1]],
  [
    { kind: 'start', voteId: VOTE, target: TARGET },
    [0x00, 0x4c, 0x4b, 1, 2, 0xa1, 0xb2, 0xc3, 0xd4, 0x01, 0x10, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d],
  ],
  ...([false, true] as const).map(
    (approve) =>
      [
        { kind: 'ballot', starter: STARTER, voteId: VOTE, target: TARGET, approve },
        [
          ...[0x00, 0x4c, 0x4b, 1, 3],
          ...[0x01, 0x10, 0x00, 0x01, 0xfe, 0xdc, 0xba, 0x98],
          ...[0xa1, 0xb2, 0xc3, 0xd4],
          ...[0x01, 0x10, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d],
          approve ? 1 : 0,
        ],
      ] as const,
  ),
];

describe('chat notices', () => {
  it.each(TABLE)('%o is the documented bytes, and reads back', (notice, bytes) => {
    expect(Array.from(encodeChatNotice(notice))).toEqual(bytes);
    expect(decodeChatNotice(Uint8Array.from(bytes))).toEqual(notice);
    expect(isChatNotice(Uint8Array.from(bytes))).toBe(true);
  });

  it('reads a notice that sits inside a larger buffer (a chat message is often a view)', () => {
    for (const [notice, bytes] of TABLE) {
      const backing = new Uint8Array(bytes.length + 7).fill(0xee);
      backing.set(bytes, 3);
      expect(decodeChatNotice(backing.subarray(3, 3 + bytes.length))).toEqual(notice);
    }
  });

  it('refuses bytes that break one rule each', () => {
    const expel = TABLE[0]![1];
    const ballot = TABLE[3]![1];
    const broken: readonly (readonly [string, readonly number[]])[] = [
      ['no NUL first', [0x01, ...expel.slice(1)]],
      ["no 'L'", [0x00, 0x4d, ...expel.slice(2)]],
      ["no 'K'", [0x00, 0x4c, 0x4a, ...expel.slice(3)]],
      ['version 0', [...expel.slice(0, 3), 0, ...expel.slice(4)]],
      ['version 2', [...expel.slice(0, 3), 2, ...expel.slice(4)]],
      ['kind 0', [...expel.slice(0, 4), 0, ...expel.slice(5)]],
      ['kind 4', [...expel.slice(0, 4), 4, ...expel.slice(5)]],
      ['an expel one byte short', expel.slice(0, -1)],
      ['an expel one byte long', [...expel, 0]],
      ['an expel with the length of a start', [...expel, 0, 0, 0]],
      ['a ban flag of 2', [...expel.slice(0, -1), 2]],
      ['a start one byte short', TABLE[2]![1].slice(0, -1)],
      ['a ballot one byte long', [...ballot, 1]],
      ['an approve of 2', [...ballot.slice(0, -1), 2]],
      ['the head alone', expel.slice(0, 5)],
    ];
    for (const [why, bytes] of broken) expect(decodeChatNotice(Uint8Array.from(bytes)), why).toBeUndefined();
  });

  it('tells a notice from text by its first three bytes, whatever follows', () => {
    expect(isChatNotice(Uint8Array.of(0x00, 0x4c, 0x4b))).toBe(true);
    expect(isChatNotice(Uint8Array.of(0x00, 0x4c, 0x4b, 9, 9))).toBe(true);
    expect(isChatNotice(Uint8Array.of(0x00, 0x4c))).toBe(false);
    expect(isChatNotice(new Uint8Array(0))).toBe(false);
    expect(isChatNotice(Uint8Array.of(0x01, 0x4c, 0x4b))).toBe(false);
    expect(isChatNotice(Uint8Array.of(0x00, 0x4b, 0x4b))).toBe(false);
    expect(isChatNotice(Uint8Array.of(0x00, 0x4c, 0x4c))).toBe(false);
    expect(isChatNotice(new TextEncoder().encode('LK gg'))).toBe(false);
    expect(textLooksLikeNotice('\u0000LK')).toBe(true);
    expect(textLooksLikeNotice('\u0000')).toBe(true);
    expect(textLooksLikeNotice('gg\u0000')).toBe(false);
    expect(textLooksLikeNotice('')).toBe(false);
  });
});
