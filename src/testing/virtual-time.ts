/**
 * Virtual-time helpers for a game's tests: move a VirtualClock frame by frame, ticking runtimes like a game loop,
 * and let promise callbacks run between frames (runtime commands resolve through promises).
 */
import type { VirtualClock } from '../effects/clock.js';

/** Anything with a `tick()`: a LobbyRuntime, or a bot. */
export interface Tickable {
  tick(): void;
}

export interface AdvanceOptions {
  /** Give up after this much virtual time (default 10 000 ms). */
  readonly maxMs?: number;
  /** Virtual time per frame (default 1000/60 ms). */
  readonly stepMs?: number;
  /** Ticked once per frame, after the clock moves. */
  readonly tick?: readonly Tickable[];
}

export const DEFAULT_FRAME_MS = 1000 / 60;

/** Lets pending promise callbacks run (a macrotask boundary), without moving virtual time. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Advances `clock` a frame at a time (ticking `options.tick`) until `predicate()` holds; resolves to whether it did
 * within `maxMs`. The predicate is checked before the first frame, so an already-true condition costs no time.
 */
export async function advanceUntil(clock: VirtualClock, predicate: () => boolean, options: AdvanceOptions = {}): Promise<boolean> {
  const maxMs = options.maxMs ?? 10_000;
  const stepMs = options.stepMs ?? DEFAULT_FRAME_MS;
  const end = clock.now() + maxMs;
  await flushPromises();
  while (!predicate()) {
    if (clock.now() >= end) return false;
    clock.advance(Math.min(stepMs, end - clock.now()));
    for (const t of options.tick ?? []) t.tick();
    await flushPromises();
  }
  return true;
}

/** Runs `ms` of virtual time as game-loop frames: the clock moves, then every runtime ticks. */
export async function tickFor(clock: VirtualClock, runtimes: readonly Tickable[], ms: number, stepMs = DEFAULT_FRAME_MS): Promise<void> {
  await advanceUntil(clock, () => false, { maxMs: ms, stepMs, tick: runtimes });
}
