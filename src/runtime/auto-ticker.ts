/**
 * A game loop for apps without one: ticks the runtime on its own clock.
 */
import type { LobbyClock } from '../effects/clock.js';

/**
 * For apps without a game loop: calls `tick` every `1000 / hz` ms on the runtime's clock (virtual time in tests,
 * so an auto-ticked runtime replays exactly). Returns the function that stops it.
 */
export function startAutoTicker(clock: LobbyClock, hz: number, tick: () => void): () => void {
  const periodMs = 1000 / (Number.isFinite(hz) && hz > 0 ? hz : 60);
  let timer: unknown;
  let running = true;
  const step = () => {
    if (!running) return;
    tick();
    if (running) timer = clock.setTimeout(step, periodMs);
  };
  timer = clock.setTimeout(step, periodMs);
  return () => {
    running = false;
    clock.clearTimeout(timer);
  };
}
