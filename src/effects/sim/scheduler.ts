/**
 * The simulated network's timetable: every future happening (a datagram's arrival, a server's answer, a timeout)
 * behind one clock timer. A happening that throws is reported in `errors` and never run again, so one broken timer
 * cannot stop the others or throw into the clock's `advance`.
 */
import type { LobbyClock } from '../clock.js';
import { MinHeap } from '../min-heap.js';

/** Something the simulated network does at a virtual time. Packets implement it themselves (no closure each). */
export interface Scheduled {
  due: number;
  seq: number;
  fire(): void;
}

/** A scheduled happening threw: what the simulated Steam reports instead of throwing into the game's clock. */
export interface SimulatedSteamError {
  readonly code: 'timer-threw';
  /** The virtual time it was due, ms. */
  readonly atMs: number;
  /** The thrown error's message. */
  readonly detail: string;
  readonly error: unknown;
}

/** Errors kept for inspection: the first ones, which name the cause; later ones are only counted. */
const MAX_KEPT_ERRORS = 100;

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
  private readonly thrown: SimulatedSteamError[] = [];
  private thrownCount = 0;

  constructor(private readonly clock: LobbyClock) {}

  now(): number {
    return this.clock.now();
  }

  get size(): number {
    return this.count;
  }

  /** The first happenings that threw (at most 100), in the order they threw. */
  get errors(): readonly SimulatedSteamError[] {
    return this.thrown;
  }

  /** How many happenings threw in all. */
  get errorCount(): number {
    return this.thrownCount;
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
        // Items scheduled for this same time while it fires are appended and run in this loop too. An item is
        // counted out before it fires, and a throw resumes the loop after it, so nothing fires twice.
        let i = 0;
        while (i < bucket.length) {
          try {
            while (i < bucket.length) {
              const item = bucket[i++]!;
              this.count--;
              item.fire();
            }
          } catch (error) {
            this.report(time, error);
          }
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

  private report(atMs: number, error: unknown): void {
    this.thrownCount++;
    if (this.thrown.length >= MAX_KEPT_ERRORS) return;
    const detail = error instanceof Error ? error.message : String(error);
    this.thrown.push({ code: 'timer-threw', atMs, detail, error });
  }
}
