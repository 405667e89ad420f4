import { VirtualClock, type LobbyClock } from '../../src/effects/clock.js';

/** A clock over `virtual` (a new one by default) that records the delay of every timer asked of it. */
export function recordingClock(virtual = new VirtualClock()): { clock: LobbyClock; virtual: VirtualClock; delays: number[] } {
  const delays: number[] = [];
  const clock: LobbyClock = {
    now: () => virtual.now(),
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return virtual.setTimeout(fn, ms);
    },
    clearTimeout: (id) => virtual.clearTimeout(id),
  };
  return { clock, virtual, delays };
}
