/** An array-backed FIFO that shifts in O(1) amortised (Array#shift is O(n) on long queues). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }

  /** Removes every item for which `drop` is true, keeping order. */
  removeWhere(drop: (item: T) => boolean): number {
    const kept: (T | undefined)[] = [];
    let removed = 0;
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (drop(item)) removed++;
      else kept.push(item);
    }
    this.items = kept;
    this.head = 0;
    return removed;
  }
}
