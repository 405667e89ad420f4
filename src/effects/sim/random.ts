/**
 * A seeded PRNG (mulberry32): tiny, fast, and good enough for fault injection. Same seed, same run.
 * Not for anything security-related.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability `p`; consumes no randomness when p ≤ 0 or p ≥ 1, so adding a zero fault changes nothing. */
  chance(p: number): boolean;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p) => (p <= 0 ? false : p >= 1 ? true : next() < p),
    int: (n) => Math.floor(next() * n),
  };
}
