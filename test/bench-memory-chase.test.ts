import { describe, expect, it } from 'vitest';
import { chaseCycle, effectiveCacheBytes } from '../bench/memory.bench.js';

// The memory bench is only as good as its chase: one cycle through every line, each line inside its own stride, so
// the set it measures is the set it says.
describe('memory bench chase', () => {
  for (const [lines, stride] of [
    [1, 64],
    [2, 64],
    [1000, 64],
    [300, 4096],
  ] as const) {
    it(`visits each of ${lines} lines ${stride} B apart exactly once per lap`, () => {
      const { words, start } = chaseCycle(lines, stride, 7);
      expect(words.length * 4).toBe(lines * stride);
      const seen = new Set<number>();
      let at = start;
      for (let i = 0; i < lines; i++) {
        const line = Math.floor((at * 4) / stride);
        expect(line).toBeGreaterThanOrEqual(0);
        expect(line).toBeLessThan(lines);
        expect((at * 4) % 64).toBe(0);
        seen.add(line);
        at = words[at]!;
      }
      expect(seen.size).toBe(lines);
      expect(at).toBe(start);
    });
  }

  it('is the same cycle for the same seed and a different one for another seed', () => {
    const a = chaseCycle(500, 64, 1);
    expect(Array.from(chaseCycle(500, 64, 1).words)).toEqual(Array.from(a.words));
    expect(Array.from(chaseCycle(500, 64, 2).words)).not.toEqual(Array.from(a.words));
  });

  it('spreads lines over a page instead of one fixed offset, so they do not share cache sets', () => {
    const { words, start } = chaseCycle(256, 4096, 3);
    const offsets = new Set<number>();
    let at = start;
    for (let i = 0; i < 256; i++) {
      offsets.add((at * 4) % 4096);
      at = words[at]!;
    }
    expect(offsets.size).toBeGreaterThan(16);
  });
});

describe('memory bench effective cache', () => {
  const KB = 1024;
  const MB = 1024 * KB;

  it('is the last set before the loads jump to the DRAM level', () => {
    const sets = [
      { bytes: 256 * KB, ns: 8 },
      { bytes: 1 * MB, ns: 20 },
      { bytes: 2 * MB, ns: 38 },
      { bytes: 4 * MB, ns: 190 },
      { bytes: 128 * MB, ns: 300 },
    ];
    expect(effectiveCacheBytes(sets)).toBe(2 * MB);
  });

  it('stops at the first jump even if a later set reads fast again (a quiet moment on a shared machine)', () => {
    const sets = [
      { bytes: 256 * KB, ns: 8 },
      { bytes: 1 * MB, ns: 200 },
      { bytes: 4 * MB, ns: 20 },
      { bytes: 128 * MB, ns: 300 },
    ];
    expect(effectiveCacheBytes(sets)).toBe(256 * KB);
  });

  it('is 0 when even the smallest set costs what DRAM does, or when nothing was timed', () => {
    expect(effectiveCacheBytes([{ bytes: 256 * KB, ns: 150 }, { bytes: 128 * MB, ns: 300 }])).toBe(0);
    expect(effectiveCacheBytes([])).toBe(0);
  });
});
