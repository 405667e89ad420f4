import type { LobbyClock } from '../clock.js';

/** Something the simulated network does at a virtual time. Packets implement it themselves (no closure each). */
export interface Scheduled {
  due: number;
  seq: number;
  fire(): void;
}

function earlier(a: Scheduled, b: Scheduled): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * Every future happening of the simulated network, in one binary heap, behind ONE clock timer armed for the
 * earliest — so thousands of packets in flight cost O(log n) each, not a timer each. Ties fire in scheduling order.
 */
export class Scheduler {
  private readonly heap: Scheduled[] = [];
  private seq = 0;
  private armedFor = Infinity;
  private timer: unknown = undefined;
  private firing = false;

  constructor(private readonly clock: LobbyClock) {}

  now(): number {
    return this.clock.now();
  }

  get size(): number {
    return this.heap.length;
  }

  /** Queues `item` at `due` (clamped to now). */
  schedule(item: Scheduled, due: number): void {
    const now = this.clock.now();
    item.due = due > now ? due : now;
    item.seq = this.seq++;
    this.push(item);
    if (!this.firing && item.due < this.armedFor) this.arm();
  }

  /** Runs `action` at `due`: for rare happenings (lobby operations), where a closure is fine. */
  at(due: number, action: () => void): void {
    this.schedule({ due: 0, seq: 0, fire: action }, due);
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const top = this.heap[0];
    if (top === undefined) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = top.due;
    this.timer = this.clock.setTimeout(() => this.run(), top.due - this.clock.now());
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    this.firing = true;
    try {
      const now = this.clock.now();
      for (;;) {
        const top = this.heap[0];
        if (top === undefined || top.due > now) break;
        this.pop();
        top.fire();
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  }

  private push(item: Scheduled): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && earlier(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && earlier(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
