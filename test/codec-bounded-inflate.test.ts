import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';

// Record how many input bytes each inflate is handed: deflate expands at most ~1032:1, so the input handed over
// bounds the work done, and a bomb must be stopped long before its whole stream is inflated.
const fed: number[] = [];
vi.mock('fflate', async (importOriginal) => {
  const real = await importOriginal<typeof import('fflate')>();
  return {
    ...real,
    inflateSync: (data: Uint8Array, opts?: { out?: Uint8Array }) => {
      fed.push(data.length);
      return real.inflateSync(data, opts);
    },
  };
});

const { inflateBounded } = await import('../src/codec/bounded-inflate.js');

describe('inflateBounded', () => {
  it('gives back exactly what was deflated, whatever its size and compressibility', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 100_000 }).map((n) => new Uint8Array(n).fill(7))),
        (original) => {
          const result = inflateBounded(deflateSync(original), original.length);
          expect(result.ok && Array.from(result.bytes)).toEqual(Array.from(original));
        },
      ),
      { seed: 20261125, numRuns: 60 },
    );
  });

  it('stops a bomb that announces 100 bytes after a few hundred input bytes, not its whole stream', () => {
    const bomb = deflateSync(new Uint8Array(16 << 20));
    fed.length = 0;
    const result = inflateBounded(bomb, 100);
    expect(result).toMatchObject({ ok: false, problem: 'oversize' });
    expect(bomb.length).toBeGreaterThan(15_000);
    expect(fed.reduce((a, b) => a + b, 0)).toBeLessThan(1024);
  });

  it('bounds the work for a bomb announcing the full 1 MiB cap to a small multiple of the cap', () => {
    const bomb = deflateSync(new Uint8Array(32 << 20));
    fed.length = 0;
    const result = inflateBounded(bomb, 1 << 20);
    expect(result).toMatchObject({ ok: false, problem: 'oversize' });
    // Each prefix at most doubles; the last one inflated can hold at most ~2× (cap + slack) of output.
    const maxOutputWork = fed.reduce((a, b) => a + b, 0) * 1032;
    expect(maxOutputWork).toBeLessThan(8 * (1 << 20));
    expect(fed.at(-1)!).toBeLessThan(bomb.length);
  });

  it('reports a stream shorter than announced as a length mismatch', () => {
    const result = inflateBounded(deflateSync(new Uint8Array(50).fill(1)), 80);
    expect(result).toMatchObject({ ok: false, problem: 'length-mismatch' });
  });

  it('reports bytes that are not deflate as corrupt, and never throws on random input', () => {
    expect(inflateBounded(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 10)).toMatchObject({ ok: false, problem: 'corrupt' });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat({ max: 4000 }), (junk, announced) => {
        const result = inflateBounded(junk, announced);
        if (result.ok) expect(result.bytes.length).toBe(announced);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
