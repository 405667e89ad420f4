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
 */
export class Fifo<T> {
  private items: (T | undefined)[] = EMPTY;
  /** Capacity − 1; the capacity is 0 (nothing allocated yet) or a power of two. */
  private mask = -1;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    if (this.count === 0) {
      this.head = 0;
      if (this.mask >= KEPT_CAPACITY) this.reset();
    }
    return item;
  }

  clear(): void {
    this.reset();
  }

  /** Removes every item for which `drop` is true, keeping order. */
  removeWhere(drop: (item: T) => boolean): number {
    const kept: T[] = [];
    let removed = 0;
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.head + i) & this.mask] as T;
      if (drop(item)) removed++;
      else kept.push(item);
    }
    this.reset();
    for (const item of kept) this.push(item);
    return removed;
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, (this.mask + 1) * 2);
    const grown = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.count; i++) grown[i] = this.items[(this.head + i) & this.mask];
    this.items = grown;
    this.mask = capacity - 1;
    this.head = 0;
  }

  private reset(): void {
    this.items = EMPTY;
    this.mask = -1;
    this.head = 0;
    this.count = 0;
  }
}
