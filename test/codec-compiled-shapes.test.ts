import { describe, expect, it } from 'vitest';
import { CompiledShapes } from '../src/codec/compile.js';
import { createPacketCodec } from '../src/codec/packet-codec.js';

describe("compiled shape accessors, each encoder's and decoder's own", () => {
  it('builds one accessor per key list and hands the same one to every asker', () => {
    const built: string[][] = [];
    const shapes = new CompiledShapes<() => string>(8, (keys) => {
      built.push([...keys]);
      return { params: [], body: `return ${JSON.stringify(keys.join('+'))};` };
    });
    const first = shapes.for(['x', 'y']);
    expect(shapes.for(['x', 'y'])).toBe(first);
    expect(first?.()).toBe('x+y');
    // A key containing the separator of a naive join is still its own list.
    expect(shapes.for(['x,y'])).not.toBe(first);
    expect(built).toEqual([['x', 'y'], ['x,y']]);
  });

  it('stops compiling at its limit, keeps what it has, and remembers a refusal', () => {
    let builds = 0;
    const shapes = new CompiledShapes<() => number>(2, (keys) => {
      builds++;
      return keys.includes('__proto__') ? undefined : { params: [], body: `return ${keys.length};` };
    });
    expect(shapes.for(['__proto__'])).toBeUndefined();
    const a = shapes.for(['a']);
    expect(a).toBeDefined();
    expect(shapes.for(['b'])).toBeUndefined();
    expect(shapes.for(['a'])).toBe(a);
    expect(shapes.for(['__proto__'])).toBeUndefined();
    expect(builds).toBe(2);
  });

  it('decodes correctly across more key lists than the budget (interpreted past it)', () => {
    // One codec, 600 key lists: past its 512 compiled readers and writers, the rest are interpreted.
    const codec = createPacketCodec();
    for (let i = 0; i < 600; i++) {
      const key = `k${i}`;
      for (let n = 0; n < 3; n++) {
        const value = { [key]: n, tick: i };
        const frame = codec.encode(value);
        if (!frame.ok) throw new Error(frame.detail);
        const decoded = codec.decode(frame.value);
        expect(decoded.ok && decoded.value.kind === 'application' ? decoded.value.value : decoded).toEqual(value);
      }
    }
  });
});

describe('remembered shape definitions', () => {
  it('decodes streams that mix several message types, nested shapes included, exactly', () => {
    const codec = createPacketCodec();
    const messages = [
      (i: number) => ({ tick: i, x: i * 2, y: -i }),
      (i: number) => ({ event: 'score', by: i % 8, at: i }),
      (i: number) => ({ tick: i, players: [{ id: i, hp: 100 - i }, { id: i + 1, hp: 3 }] }),
      (i: number) => ({ event: 'chat', by: i, text: `t${i}`, extra: { x: i } }),
    ];
    const seen: unknown[] = [];
    const sent: unknown[] = [];
    for (let i = 0; i < 200; i++) {
      // Two types alternating, then three, then four: each pattern reuses and displaces remembered definitions.
      const kinds = i < 60 ? 2 : i < 120 ? 3 : 4;
      const value = messages[(i * 7) % kinds]!(i);
      const frame = codec.encode(value);
      if (!frame.ok) throw new Error(frame.detail);
      const decoded = codec.decode(frame.value);
      sent.push(value);
      seen.push(decoded.ok && decoded.value.kind === 'application' ? decoded.value.value : decoded);
    }
    expect(seen).toEqual(sent);
  });
});

describe('a codec whose shape caches a hostile sender has filled', () => {
  it('still decodes a message type it first sees afterwards, exactly (on the interpreted path)', () => {
    const codec = createPacketCodec();
    // Far past the trie's 4,096 nodes and the 512 compiled readers: each junk shape twice, with fresh keys.
    for (let i = 0; i < 6_000; i++) {
      const junk = { [`j${i}a`]: i, [`j${i}b`]: -i };
      for (let n = 0; n < 2; n++) {
        const frame = codec.encode(junk);
        if (!frame.ok) throw new Error(frame.detail);
        expect(codec.decode(frame.value).ok).toBe(true);
      }
    }
    for (let i = 0; i < 5; i++) {
      const value = { late: i, type: 'arrived after the flood', nested: { depth: i } };
      const frame = codec.encode(value);
      if (!frame.ok) throw new Error(frame.detail);
      const decoded = codec.decode(frame.value);
      expect(decoded.ok && decoded.value.kind === 'application' ? decoded.value.value : decoded).toEqual(value);
    }
  });
});
