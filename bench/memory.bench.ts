// `npm run bench -- memory [--json]`: what one dependent memory load costs on this machine, by working-set size.
// It is the measure behind the scale bench's cost per message at many runtimes (docs/benchmarks.md): a message's
// path is a chain of loads, each one's address read by the one before (runtime → router → inbox → queue →
// packet → slot …), so a miss costs its full latency and the CPU cannot overlap it with the next.
//
// A pointer chase does the same on purpose: N 64-byte lines in one seeded random cycle, each holding the index of
// the next. Two layouts:
//   - packed: the lines side by side, so the working set is N × 64 B;
//   - one per page: each line on a 4 KB page of its own, so the chase also needs N TLB entries.
// Reported as ns per load and as a ratio to the smallest packed set (cache-resident), measured in the same process.
// `memory.effectiveCacheBytes` is the largest packed set below the first that costs a third of the largest set's
// load or more (128 MB, which no cache here holds): what this process got of the caches while it ran, which on a
// shared VM is far less than the L3 that lscpu reports, and moves from run to run.
import { createRandom } from '../src/effects/sim/random.js';
import { round } from './round.js';

const LINE_BYTES = 64;
const PAGE_BYTES = 4096;
const MEASURED_LOADS = 2_000_000;
/** The packed working sets timed, in KiB, smallest first; the last stands for DRAM. */
export const PACKED_KIB: readonly number[] = [256, 1024, 2048, 4096, 8192, 32768, 131072];
const PAGED_LINES = [1024, 4096, 16384];
/** A set whose load costs at least this share of the largest set's is going to DRAM like the largest. */
const DRAM_SHARE = 1 / 3;

/**
 * A chase over `lines` lines that are `strideBytes` apart: an Int32Array in which the word at each line's position
 * holds the position of the next line in one seeded random cycle through all of them. Returns it with the first
 * position. Within a page-sized stride the line sits at a seeded offset, so the lines do not all map to the same
 * cache sets.
 */
export function chaseCycle(lines: number, strideBytes: number, seed: number): { readonly words: Int32Array; readonly start: number } {
  // The simulator's seeded generator: a fixed seed gives the same cycle on every run.
  const random = createRandom(seed);
  const order = Array.from({ length: lines }, (_, i) => i);
  for (let i = lines - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const linesPerStride = strideBytes / LINE_BYTES;
  const position = order.map((slot) => (slot * strideBytes + random.int(linesPerStride) * LINE_BYTES) / 4);
  const words = new Int32Array((lines * strideBytes) / 4);
  for (let i = 0; i < lines; i++) words[position[i]!] = position[(i + 1) % lines]!;
  return { words, start: position[0]! };
}

/**
 * The largest set, of sets timed smallest first, below the first one whose load costs a third of the largest set's
 * or more; 0 when even the smallest does.
 */
export function effectiveCacheBytes(sets: readonly { readonly bytes: number; readonly ns: number }[]): number {
  const dram = sets.at(-1)?.ns ?? 0;
  // Never -1 for a non-empty list: the largest set costs at least a third of itself.
  const cliff = sets.findIndex((set) => set.ns >= DRAM_SHARE * dram);
  return cliff <= 0 ? 0 : sets[cliff - 1]!.bytes;
}

/** ns per load over `lines` lines `strideBytes` apart, after one full lap to bring them in. */
function chase(lines: number, strideBytes: number, loads = MEASURED_LOADS): number {
  const { words, start } = chaseCycle(lines, strideBytes, 2000 + lines);
  let at = start;
  for (let i = 0; i < lines; i++) at = words[at]!;
  const began = performance.now();
  for (let i = 0; i < loads; i++) at = words[at]!;
  const ns = ((performance.now() - began) * 1e6) / loads;
  // The walk must end on a line of the cycle; using `at` also keeps the loop from being optimised away.
  if (at < 0 || at >= words.length) throw new Error('memory bench: the chase left its array');
  return ns;
}

/** The packed sets timed smallest first, `loads` loads each, after a warm-up of the loop. */
function timePackedSets(loads: number): { readonly bytes: number; readonly ns: number }[] {
  // The first chase also runs while the loop is still being compiled: warm it up, or the smallest set reads slow.
  chase(PACKED_KIB[0]! * 16, LINE_BYTES, loads);
  return PACKED_KIB.map((kib) => {
    const bytes = kib * 1024;
    return { bytes, ns: chase(bytes / LINE_BYTES, LINE_BYTES, loads) };
  });
}

/**
 * A quick reading of the effective cache (a quarter of the loads per set), for a bench that wants to say which host
 * its figures came from: the scale run's wall time moves with the host, and this is one side of it
 * (docs/benchmarks.md).
 */
export function probeEffectiveCacheBytes(): number {
  return effectiveCacheBytes(timePackedSets(MEASURED_LOADS / 4));
}

function label(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)}MiB` : `${bytes / 1024}KiB`;
}

export async function run(flags: readonly string[]): Promise<void> {
  const packed = timePackedSets(MEASURED_LOADS);
  // The same number of lines packed, so the ratio is what spreading them over pages costs (the TLB).
  const paged = PAGED_LINES.map((lines) => ({ lines, ns: chase(lines, PAGE_BYTES), packedNs: chase(lines, LINE_BYTES) }));
  const fastest = packed[0]!.ns;
  const effective = effectiveCacheBytes(packed);
  const result: Record<string, number> = { 'memory.effectiveCacheBytes': effective };
  for (const p of packed) {
    result[`memory.packed${label(p.bytes)}.nsPerLoad`] = round(p.ns, 2);
    result[`memory.packed${label(p.bytes)}.overSmallest`] = round(p.ns / fastest, 2);
  }
  for (const p of paged) {
    result[`memory.onePerPage${p.lines}.nsPerLoad`] = round(p.ns, 2);
    result[`memory.onePerPage${p.lines}.overPacked`] = round(p.ns / p.packedNs, 2);
  }
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines = [
    `memory: one dependent load (a pointer chase over 64 B lines in a random cycle), ${MEASURED_LOADS.toLocaleString('en-US')} loads per set`,
    ...packed.map((p) => `  packed ${label(p.bytes).padStart(7)}: ${p.ns.toFixed(1).padStart(6)} ns  (${(p.ns / fastest).toFixed(1)}× the smallest)`),
    ...paged.map(
      (p) =>
        `  ${String(p.lines).padStart(5)} lines, one per 4 KB page (${label(p.lines * PAGE_BYTES)}): ${p.ns.toFixed(1)} ns  (${(p.ns / p.packedNs).toFixed(1)}× packed)`,
    ),
    `  effective cache: ${effective === 0 ? 'none' : label(effective)} (the largest packed set below the first that costs a third of the ${label(packed.at(-1)!.bytes)} set's load or more)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
