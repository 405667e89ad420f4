/**
 * The clock every part of lobbykit reads: XState's clock plus `now()`, on real time in games and virtual time in
 * tests and the simulator.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';
import { MinHeap } from './min-heap.js';

/** XState's clock interface (not exported by name from 'xstate'). */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/**
 * The one clock lobbykit reads. It is XState's `Clock` (so actors' `after` delays run on it) plus `now()`,
 * so the runtime, the simulated network and every machine agree on time.
 */
export interface LobbyClock extends Clock {
  now(): number;
}

/** Wall-clock time for games: `performance.now()` and the platform timers. */
export function createSystemClock(): LobbyClock {
  return {
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  };
}

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Cleared timers the heap may hold beyond twice the live ones before it is compacted. */
const COMPACT_SLACK = 64;

function earlier(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}

/**
 * Virtual time for tests, the simulated network and demos: nothing happens until `advance()` is called, and
 * timers fire in due order, each with `now()` equal to its due time, so runs replay exactly.
 *
 * XState's own `SimulatedClock` sorts every pending timer on each step and fires them all at the final time;
 * with thousands of peer timers that costs O(n log n) per frame, so this one keeps a binary heap instead.
 */
export class VirtualClock implements LobbyClock {
  private current: number;
  private nextId = 1;
  private readonly heap = new MinHeap<Timer>(earlier);
  /** Ids of timers not yet fired nor cleared; the heap may still hold cleared ones, skipped when popped. */
  private readonly live = new Set<number>();
  private firedCount = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** How many timers have fired since the clock was made (cleared ones never count): a measure of timer load. */
  get fired(): number {
    return this.firedCount;
  }

  /** How many timers are waiting (cancelled ones excluded). */
  get pending(): number {
    return this.live.size;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.nextId++;
    const delay = Number.isFinite(timeout) && timeout > 0 ? timeout : 0;
    this.live.add(id);
    this.heap.push({ id, due: this.current + delay, fn });
    return id;
  }

  /**
   * Timers the clock still holds, cleared ones included until they fall due or the heap is compacted: bounded by
   * twice the live timers (plus a little), so a cleared timer's closure is not kept for as long as its delay.
   */
  get held(): number {
    return this.heap.size;
  }

  clearTimeout(id: unknown): void {
    if (typeof id !== 'number' || !this.live.delete(id)) return;
    // Cleared timers wait in the heap until popped; once they outnumber the live ones, drop them all at once.
    if (this.heap.size > 2 * this.live.size + COMPACT_SLACK) this.heap.retain((timer) => this.live.has(timer.id));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock.advance: ms must be ≥ 0, got ${ms}`);
    this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `time` (never back), firing due timers in order. */
  advanceTo(time: number): void {
    if (time < this.current) throw new RangeError(`VirtualClock cannot go back from ${this.current} to ${time}`);
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.due > time) break;
      this.heap.pop();
      if (!this.live.delete(top.id)) continue;
      this.current = top.due;
      this.firedCount++;
      top.fn();
    }
    this.current = time;
  }

  /** Fires timers until none is left (or `limitMs` of virtual time has passed); returns the time reached. */
  runAll(limitMs = 24 * 60 * 60 * 1000): number {
    const end = this.current + limitMs;
    while (this.pending > 0) {
      const top = this.heap.peek();
      if (top === undefined || top.due > end) break;
      this.advanceTo(top.due);
    }
    return this.current;
  }
}
