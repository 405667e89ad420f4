// Heap figures need `--expose-gc`; these helpers get it (re-running the suite in a child node when it is missing)
// and read the heap after a forced collection, for every suite that reports memory.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function gcOrUndefined(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === 'function' ? gc : undefined;
}

export function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Re-runs this suite in a child node with `--expose-gc`, passing its output through; true when it ran. */
export function rerunWithGc(suite: string, flags: readonly string[]): boolean {
  if (gcOrUndefined() !== undefined || process.env.LOBBYKIT_BENCH_CHILD === '1') return false;
  const index = fileURLToPath(new URL('./index.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', index, suite, ...flags], {
    stdio: 'inherit',
    env: { ...process.env, LOBBYKIT_BENCH_CHILD: '1' },
  });
  if (child.status !== 0) throw new Error(`${suite} bench: child run failed (status ${String(child.status)})`);
  return true;
}
