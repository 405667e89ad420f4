/** The seed's GZIP wrapper (bombs, corruption) and the GDScript-like mapping of plain JS values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGodot3,
  encodeGodot3,
  godotCompress,
  godotDecompress,
  godotFromPlain,
  godotToPlain,
  type GodotValue,
} from '../src/codec/godot/index.js';
import { CodecEncodeError } from '../src/codec/result.js';

const SEED = 0x9a1b;

describe('godotCompress / godotDecompress', () => {
  it('round-trips any bytes and writes the header Godot writes (no name, mtime 0, Unix)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const packed = godotCompress(bytes, 'gzip');
        expect(Array.from(packed.subarray(0, 10))).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
        const back = godotDecompress(packed, 'gzip');
        expect(back.ok && Array.from(back.value)).toEqual(Array.from(bytes));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('stops a gzip bomb at the cap instead of inflating it', () => {
    const bomb = godotCompress(new Uint8Array(64 * 1024 * 1024), 'gzip');
    expect(bomb.length).toBeLessThan(100_000);
    const result = godotDecompress(bomb, 'gzip');
    expect(result).toMatchObject({ ok: false, code: 'oversize' });
    // It stopped early: the offset where it gave up is far from the end of the compressed input.
    expect(result.ok ? Infinity : (result.offset ?? Infinity)).toBeLessThan(bomb.length / 8);
  });

  it('honours maxBytes exactly: at the cap is fine, one byte over is oversize', () => {
    const data = new Uint8Array(5000).fill(7);
    const packed = godotCompress(data, 'gzip');
    expect(godotDecompress(packed, 'gzip', { maxBytes: 5000 }).ok).toBe(true);
    expect(godotDecompress(packed, 'gzip', { maxBytes: 4999 })).toMatchObject({ ok: false, code: 'oversize' });
  });

  it('checks the CRC-32 and length in the trailer like zlib', () => {
    const packed = godotCompress(new TextEncoder().encode('handshake handshake handshake'), 'gzip');
    const badCrc = packed.slice();
    badCrc[packed.length - 8]! ^= 1;
    expect(godotDecompress(badCrc, 'gzip')).toMatchObject({ ok: false, code: 'bad-compression' });
    const badLength = packed.slice();
    badLength[packed.length - 4]! ^= 1;
    expect(godotDecompress(badLength, 'gzip')).toMatchObject({ ok: false, code: 'length-mismatch' });
  });

  it('names wrong magic, cut input and corrupt bodies', () => {
    const packed = godotCompress(new Uint8Array(100).map((_, i) => i), 'gzip');
    expect(godotDecompress(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'gzip')).toMatchObject({ code: 'bad-compression', offset: 0 });
    for (let end = 0; end < packed.length; end++) {
      const result = godotDecompress(packed.subarray(0, end), 'gzip');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(['truncated', 'bad-compression', 'length-mismatch']).toContain(result.code);
    }
  });

  it('never throws on random or bit-flipped input', () => {
    const valid = godotCompress(encodeGodot3(godotFromPlain({ message: 'state', tick: 1, pos: [1.5, 2.5] })), 'gzip');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (random, at, bit) => {
        const withGzipMagic = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...random]);
        for (const bytes of [random, withGzipMagic]) {
          const result = godotDecompress(bytes, 'gzip');
          if (!result.ok) expect(result.detail).toBeTruthy();
        }
        const flipped = valid.slice();
        flipped[at % flipped.length]! ^= 1 << bit;
        const result = godotDecompress(flipped, 'gzip');
        if (result.ok) expect(decodeGodot3(result.value)).toBeDefined();
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('godotFromPlain follows GDScript and Godot 3 widths', () => {
  it('maps each JS kind to its Godot type', () => {
    const value = godotFromPlain({
      nil: null,
      undef: undefined,
      yes: true,
      small: -7,
      big: 2 ** 40,
      id: 76561198000000000n,
      half: 0.5,
      tenth: 0.1,
      name: 'x',
      bytes: new Uint8Array([1]),
      list: [1],
      map: new Map<unknown, unknown>([[3, 'three']]),
    });
    const entries = value.type === 'Dictionary' ? value.value : [];
    const byKey = new Map(entries.map(([k, v]) => [k.type === 'String' ? k.value : '?', v]));
    expect(byKey.get('nil')).toEqual({ type: 'Nil' });
    expect(byKey.get('undef')).toEqual({ type: 'Nil' });
    expect(byKey.get('yes')).toEqual({ type: 'bool', value: true });
    expect(byKey.get('small')).toEqual({ type: 'int', value: -7n, bits: 32 });
    expect(byKey.get('big')).toEqual({ type: 'int', value: 2n ** 40n, bits: 64 });
    expect(byKey.get('id')).toEqual({ type: 'int', value: 76561198000000000n, bits: 64 });
    expect(byKey.get('half')).toEqual({ type: 'float', value: 0.5, bits: 32 });
    expect(byKey.get('tenth')).toEqual({ type: 'float', value: 0.1, bits: 64 });
    expect(byKey.get('name')).toEqual({ type: 'String', value: 'x' });
    expect(byKey.get('bytes')).toEqual({ type: 'PoolByteArray', value: new Uint8Array([1]) });
    expect(byKey.get('list')).toEqual({ type: 'Array', value: [{ type: 'int', value: 1n, bits: 32 }] });
    expect(byKey.get('map')).toEqual({
      type: 'Dictionary',
      value: [[{ type: 'int', value: 3n, bits: 32 }, { type: 'String', value: 'three' }]],
    });
    expect(entries.map(([k]) => (k.type === 'String' ? k.value : '?'))).toEqual([
      'nil', 'undef', 'yes', 'small', 'big', 'id', 'half', 'tenth', 'name', 'bytes', 'list', 'map',
    ]);
  });

  it('chooses the 32-bit int width exactly for int32 values', () => {
    fc.assert(
      fc.property(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), (n) => {
        const value = godotFromPlain(n) as Extract<GodotValue, { type: 'int' }>;
        expect(value.bits).toBe(n >= -(2n ** 31n) && n < 2n ** 31n ? 32 : 64);
      }),
      { seed: SEED },
    );
  });

  it('chooses the 32-bit float width exactly when float32 holds the value', () => {
    fc.assert(
      fc.property(fc.double({ noInteger: true }), (n) => {
        const value = godotFromPlain(n) as Extract<GodotValue, { type: 'float' }>;
        expect(value.type).toBe('float');
        const viaFloat32 = new Float32Array([n])[0]!;
        expect(value.bits).toBe(viaFloat32 === n ? 32 : 64);
      }),
      { seed: SEED },
    );
  });

  it('godotToPlain gives plain data back: exact ints as numbers, the rest as bigint', () => {
    const plainValue = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n)),
        fc.bigInt({ min: 2n ** 60n, max: 2n ** 63n - 1n }),
        fc.string(),
        fc.uint8Array({ maxLength: 4 }),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(plainValue, (plain) => {
        expect(godotToPlain(godotFromPlain(plain))).toEqual(plain);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('keeps a "__proto__" key from the wire as data', () => {
    const value: GodotValue = {
      type: 'Dictionary',
      value: [[{ type: 'String', value: '__proto__' }, { type: 'String', value: 'polluted' }]],
    };
    const plain = godotToPlain(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__']);
  });

  it('renders non-String-keyed Dictionaries as Maps and NodePaths as text', () => {
    expect(
      godotToPlain({
        type: 'Array',
        value: [
          { type: 'Dictionary', value: [[{ type: 'int', value: 1n, bits: 32 }, { type: 'Nil' }]] },
          { type: 'NodePath', value: { absolute: true, names: ['root', 'Main'], subnames: ['position', 'x'] } },
        ],
      }),
    ).toEqual([new Map([[1, null]]), '/root/Main:position:x']);
  });

  it.each([
    ['a function', () => 1],
    ['a class instance', new Date(0)],
    ['a symbol', Symbol('s')],
    ['an int beyond 64 bits', 2n ** 64n],
  ])('refuses %s with CodecEncodeError', (_name, value) => {
    expect(() => godotFromPlain(value)).toThrow(CodecEncodeError);
  });

  it('refuses a cycle but allows the same object twice side by side', () => {
    const shared = { a: 1 };
    expect(godotFromPlain([shared, shared]).type).toBe('Array');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => godotFromPlain(cyclic)).toThrow(CodecEncodeError);
  });
});

/** RFC 1952 members written by hand: header bytes, a deflate body, then CRC-32 and ISIZE little-endian. */
describe('godotDecompress reads the gzip header by RFC 1952', () => {
  const head = (flags: number): number[] => [0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3];
  // A final stored block (BTYPE 00) holding "abc"; CRC-32("abc") = 0x352441c2 (RFC 1952 check value table).
  const abcBody = [0x01, 0x03, 0x00, 0xfc, 0xff, 0x61, 0x62, 0x63];
  const abcTrailer = [0xc2, 0x41, 0x24, 0x35, 3, 0, 0, 0];
  const member = (flags: number, extra: number[]): Uint8Array => new Uint8Array([...head(flags), ...extra, ...abcBody, ...abcTrailer]);
  const text = (result: ReturnType<typeof godotDecompress>): string | undefined => (result.ok ? new TextDecoder().decode(result.value) : undefined);

  it('skips FEXTRA (XLEN little-endian), FNAME and FCOMMENT (zero-terminated) and FHCRC (2 bytes)', () => {
    expect(text(godotDecompress(member(0, []), 'gzip'))).toBe('abc');
    expect(text(godotDecompress(member(4, [5, 0, 1, 2, 3, 4, 5]), 'gzip'))).toBe('abc');
    expect(text(godotDecompress(member(8, [0x6e, 0x61, 0x6d, 0x65, 0]), 'gzip'))).toBe('abc');
    expect(text(godotDecompress(member(16, [0x68, 0x69, 0]), 'gzip'))).toBe('abc');
    expect(text(godotDecompress(member(2, [0x12, 0x34]), 'gzip'))).toBe('abc');
    expect(text(godotDecompress(member(4 | 8 | 16 | 2, [1, 0, 9, 0x6e, 0, 0x63, 0, 0x12, 0x34]), 'gzip'))).toBe('abc');
  });

  it('refuses a wrong magic byte or method with bad-compression at that byte', () => {
    const good = member(0, []);
    for (const [at, value, offset] of [[0, 0x00, 0], [1, 0x00, 0], [2, 7, 2]] as const) {
      const bad = good.slice();
      bad[at] = value;
      const result = godotDecompress(bad, 'gzip');
      expect(result).toMatchObject({ ok: false, code: 'bad-compression', offset });
      expect(result.ok ? 'ok' : result.detail).toBeTruthy();
    }
  });

  it('names where a cut header stops: before 10 bytes, in XLEN, in an unterminated name, past the end', () => {
    for (const [bytes, offset] of [
      [[], 0],
      [[0x1f], 1],
      [[...head(4), 5], 10], // XLEN needs two bytes at offset 10
      [[...head(4), 0, 0], 12], // header ends at 12 with nothing after it: the trailer is missing
      [[...head(8), 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68], 10], // FNAME never terminated
      [[...head(4), 100, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 22], // extra field runs past the end
      [[...head(0), 0x03, 0x00, 0, 0, 0], 15], // header fine, fewer than 8 trailer bytes after it
    ] as const) {
      const result = godotDecompress(new Uint8Array(bytes), 'gzip');
      expect(result).toMatchObject({ ok: false, code: 'truncated', offset });
      expect(result.ok ? 'ok' : result.detail).toBeTruthy();
    }
  });

  it('reports a corrupt or cut deflate body at the body start, and a wrong ISIZE at the ISIZE field', () => {
    // BFINAL 1 with BTYPE 11, the reserved block type (RFC 1951 3.2.3): an error, not a cut.
    const corrupt = new Uint8Array([...head(0), 0x07, 0x00, 0x00, 0x00, ...abcTrailer]);
    expect(godotDecompress(corrupt, 'gzip')).toMatchObject({ ok: false, code: 'bad-compression', offset: 10 });
    // A non-final stored block: the stream ends with no final block.
    const cut = new Uint8Array([...head(0), 0x00, 0x03, 0x00, 0xfc, 0xff, 0x61, 0x62, 0x63, ...abcTrailer]);
    expect(godotDecompress(cut, 'gzip')).toMatchObject({ ok: false, code: 'truncated', offset: 10 });
    // No deflate block at all between header and trailer: RFC 1951 needs a block with BFINAL set, zlib reports it cut.
    const empty = new Uint8Array([...head(0), 0, 0, 0, 0, 0, 0, 0, 0]);
    const noBlock = godotDecompress(empty, 'gzip');
    expect(noBlock).toMatchObject({ ok: false, code: 'truncated', offset: 10 });
    expect(noBlock.ok ? 'ok' : noBlock.detail).toBeTruthy();
    const wrongSize = new Uint8Array([...head(0), ...abcBody, 0xc2, 0x41, 0x24, 0x35, 4, 0, 0, 0]);
    const result = godotDecompress(wrongSize, 'gzip');
    expect(result).toMatchObject({ ok: false, code: 'length-mismatch', offset: 22 });
    expect(result.ok ? 'ok' : result.detail).toBeTruthy();
  });

  it('joins a body that inflates in several pieces in order (100 kB of seeded noise)', () => {
    let state = SEED;
    const data = new Uint8Array(100_000).map(() => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    const back = godotDecompress(godotCompress(data, 'gzip'), 'gzip');
    expect(back.ok && Buffer.from(back.value).equals(Buffer.from(data))).toBe(true);
  });

  it('says why it stopped a bomb', () => {
    const result = godotDecompress(godotCompress(new Uint8Array(5000), 'gzip'), 'gzip', { maxBytes: 100 });
    expect(result).toMatchObject({ ok: false, code: 'oversize' });
    expect(result.ok ? '' : result.detail).toBeTruthy();
  });
});
