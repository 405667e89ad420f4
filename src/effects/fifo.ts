/** A queue that has room for this many items before its first growth. */
const INITIAL_CAPACITY = 8;
/** An emptied queue larger than this gives its memory back (a flood once must not pin its peak size for good). */
const KEPT_CAPACITY = 1024;
/** Shared by every queue that has not allocated yet; never written (a push allocates first). */
const EMPTY: never[] = [];

/**
 * A FIFO on a ring buffer: push and shift are O(1) (Array#shift is O(n) on long queues), and a queue that is
 * emptied and refilled every frame — an inbox read down to zero each tick — keeps its array instead of
 * reallocating it on each refill.
 *
 * The oldest item is kept out of the ring, in a field of its own. A sender's inbox queue mostly holds one packet
 * at a time (one per tick or fewer), so its pushes and shifts never touch the array, which a process with many
 * runtimes keeps out of the cache.
 */
export class Fifo<T> {
  private front: T | undefined = undefined;
  /** Everything after `front`, oldest first. */
  private items: (T | undefined)[] = EMPTY;
  /** Capacity − 1; the capacity is 0 (nothing allocated yet) or a power of two. */
  private mask = -1;
  private head = 0;
  /** Items in the ring (the queue's length is one more when it is not empty). */
  private rest = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count++ === 0) {
      this.front = item;
      return;
    }
    if (this.rest > this.mask) this.grow();
    this.items[(this.head + this.rest) & this.mask] = item;
    this.rest++;
  }

  peek(): T | undefined {
    return this.front;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.front;
    this.count--;
    if (this.rest === 0) {
      this.front = undefined;
      return item;
    }
    this.front = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.rest--;
    if (this.rest === 0) {
      this.head = 0;
      if (this.mask >= KEPT_CAPACITY) this.releaseRing();
    }
    return item;
  }

  clear(): void {
    this.front = undefined;
    this.count = 0;
    this.releaseRing();
  }

  /** Removes every item for which `drop` is true, keeping order. */
  removeWhere(drop: (item: T) => boolean): number {
    const kept: T[] = [];
    let removed = 0;
    for (let i = 0; i < this.count; i++) {
      const item = (i === 0 ? this.front : this.items[(this.head + i - 1) & this.mask]) as T;
      if (drop(item)) removed++;
      else kept.push(item);
    }
    this.clear();
    for (const item of kept) this.push(item);
    return removed;
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, (this.mask + 1) * 2);
    const grown = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.rest; i++) grown[i] = this.items[(this.head + i) & this.mask];
    this.items = grown;
    this.mask = capacity - 1;
    this.head = 0;
  }

  private releaseRing(): void {
    this.items = EMPTY;
    this.mask = -1;
    this.head = 0;
    this.rest = 0;
  }
}
