/**
 * The simulated network's timetable: every future happening (a datagram's arrival, a server's answer, a timeout)
 * behind one clock timer.
 */
import type { LobbyClock } from '../clock.js';
import { MinHeap } from '../min-heap.js';

/** Something the simulated network does at a virtual time. Packets implement it themselves (no closure each). */
export interface Scheduled {
  due: number;
  seq: number;
  fire(): void;
}

/**
 * Every future happening of the simulated network behind ONE clock timer armed for the earliest. Happenings are
 * bucketed by due time (packets sent in one tick mostly share one), and only the distinct due times sit in a
 * binary heap — so thousands of packets in flight cost O(1) each plus O(log t) per distinct time, not a timer
 * each. Within a due time, happenings fire in scheduling order.
 */
export class Scheduler {
  private readonly buckets = new Map<number, Scheduled[]>();
  /** The distinct due times that have a bucket, earliest first. */
  private readonly times = new MinHeap<number>((a, b) => a < b);
  private seq = 0;
  private count = 0;
  private armedFor = Infinity;
  private timer: unknown = undefined;
  private firing = false;
  /** The bucket the last item went into: the packets of one tick mostly share a due time, so skip the Map then. */
  private lastDue = NaN;
  private lastBucket: Scheduled[] | undefined = undefined;

  constructor(private readonly clock: LobbyClock) {}

  now(): number {
    return this.clock.now();
  }

  get size(): number {
    return this.count;
  }

  /** Queues `item` at `due` (clamped to now). */
  schedule(item: Scheduled, due: number): void {
    const now = this.clock.now();
    item.due = due > now ? due : now;
    item.seq = this.seq++;
    let bucket = item.due === this.lastDue ? this.lastBucket : this.buckets.get(item.due);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(item.due, bucket);
      this.times.push(item.due);
    }
    this.lastDue = item.due;
    this.lastBucket = bucket;
    bucket.push(item);
    this.count++;
    if (!this.firing && item.due < this.armedFor) this.arm();
  }

  /** Runs `action` at `due`: for rare happenings (lobby operations), where a closure is fine. */
  at(due: number, action: () => void): void {
    this.schedule({ due: 0, seq: 0, fire: action }, due);
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const top = this.times.peek();
    if (top === undefined) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = top;
    this.timer = this.clock.setTimeout(() => this.run(), top - this.clock.now());
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    this.firing = true;
    try {
      const now = this.clock.now();
      for (;;) {
        const time = this.times.peek();
        if (time === undefined || time > now) break;
        const bucket = this.buckets.get(time)!;
        // Items scheduled for this same time while it fires are appended and run in this loop too.
        for (let i = 0; i < bucket.length; i++) {
          const item = bucket[i]!;
          this.count--;
          item.fire();
        }
        this.buckets.delete(time);
        this.times.pop();
        if (time === this.lastDue) {
          this.lastDue = NaN;
          this.lastBucket = undefined;
        }
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  }
}
