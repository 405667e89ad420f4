import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BENCH = fileURLToPath(new URL('../bench/index.ts', import.meta.url));

/** A small scale run in a child node with --expose-gc, as `npm run bench -- scale` makes one, read from its --json line. */
function smallScaleRun(players: number, seconds: number): Record<string, unknown> {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', BENCH, 'scale', `--players=${players}`, `--seconds=${seconds}`, '--source', '--json'],
    { encoding: 'utf8', env: { ...process.env, LOBBYKIT_BENCH_CHILD: '1' } },
  );
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

// The hand-written baseline runs first and gives each player a 64 KB off-heap output buffer. V8 hands such memory
// back some time after its owner dies: dropped before the runtimes were built, the buffers of a short run were still
// counted in the "before" figure and gone from the "after" one, and 80 players read −64,499 B off-heap per runtime.
describe('scale bench memory figures', () => {
  it("counts no part of the baseline's off-heap buffers in a short run's off-heap bytes per runtime", () => {
    const result = smallScaleRun(80, 1);
    expect(result['scale.baselineSameWork']).toBe(true);
    const offHeap = result['scale.offHeapBytesPerRuntime'] as number;
    expect(offHeap).toBeGreaterThanOrEqual(0);
    expect(offHeap).toBeLessThan(64 * 1024);
    expect(result['scale.bytesPerPeerSession'] as number).toBeGreaterThan(0);
  }, 60_000);
});
