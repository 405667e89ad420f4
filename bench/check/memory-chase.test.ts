import { describe, expect, it } from 'vitest';
import { chaseCycle, effectiveCacheBytes } from '../memory.bench.js';

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
  const timed = (...pairs: [number, number][]) => pairs.map(([bytes, ns]) => ({ bytes, ns }));

  for (const { name, sets, expected } of [
    {
      name: 'is the last set before the loads jump to the DRAM level',
      sets: timed([256 * KB, 8], [1 * MB, 20], [2 * MB, 38], [4 * MB, 190], [128 * MB, 300]),
      expected: 2 * MB,
    },
    {
      name: 'stops at the first jump even if a later set reads fast again (a quiet moment on a shared machine)',
      sets: timed([256 * KB, 8], [1 * MB, 200], [4 * MB, 20], [128 * MB, 300]),
      expected: 256 * KB,
    },
    { name: 'is 0 when even the smallest set costs what DRAM does', sets: timed([256 * KB, 150], [128 * MB, 300]), expected: 0 },
    { name: 'is 0 when nothing was timed', sets: timed(), expected: 0 },
  ]) {
    it(name, () => expect(effectiveCacheBytes(sets)).toBe(expected));
  }
});
