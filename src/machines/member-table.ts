/**
 * An immutable map from Steam ID to a value, cheap to update: members are spread over 64 buckets, and an update
 * copies only the bucket array and the one bucket it touches.
 *
 * Why: the root's member map changes on every member event; copying a whole Map each time makes filling a
 * lobby O(n²) (bench/spawn.bench.ts measured it), while mutating in place would corrupt earlier snapshots that
 * model-based tests and the inspector keep. This keeps snapshots immutable at O(n/64) per update.
 */
const BUCKETS = 64;
const bucketOf = (id: bigint): number => Number(BigInt.asUintN(6, id));

export class MemberTable<V> implements ReadonlyMap<bigint, V> {
  /**
   * What `keysWith` last answered: a table never changes, so the answer holds for as long as the table lives. A
   * #private field, so JSON of a snapshot (xstate/graph state keys, the inspector) does not change with it.
   */
  #keysWithCache: { readonly value: V; readonly keys: readonly bigint[] } | undefined = undefined;

  private constructor(
    private readonly buckets: readonly (ReadonlyMap<bigint, V> | undefined)[],
    readonly size: number,
  ) {}

  static empty<V>(): MemberTable<V> {
    return new MemberTable<V>(new Array<undefined>(BUCKETS).fill(undefined), 0);
  }

  static from<V>(entries: Iterable<readonly [bigint, V]>): MemberTable<V> {
    const buckets: (Map<bigint, V> | undefined)[] = new Array<undefined>(BUCKETS).fill(undefined);
    let size = 0;
    for (const [id, value] of entries) {
      const bucket = (buckets[bucketOf(id)] ??= new Map());
      if (!bucket.has(id)) size++;
      bucket.set(id, value);
    }
    return new MemberTable<V>(buckets, size);
  }

  get(id: bigint): V | undefined {
    return this.buckets[bucketOf(id)]?.get(id);
  }

  has(id: bigint): boolean {
    return this.buckets[bucketOf(id)]?.has(id) ?? false;
  }

  /** A table with `id` set to `value`; this one is unchanged. */
  with(id: bigint, value: V): MemberTable<V> {
    const index = bucketOf(id);
    const old = this.buckets[index];
    if (old?.get(id) === value && old.has(id)) return this;
    const bucket = new Map(old ?? []);
    bucket.set(id, value);
    const buckets = [...this.buckets];
    buckets[index] = bucket;
    return new MemberTable(buckets, this.size + (old?.has(id) === true ? 0 : 1));
  }

  /** A table without `id`; this one is unchanged. */
  without(id: bigint): MemberTable<V> {
    const index = bucketOf(id);
    const old = this.buckets[index];
    if (old === undefined || !old.has(id)) return this;
    const bucket = new Map(old);
    bucket.delete(id);
    const buckets = [...this.buckets];
    buckets[index] = bucket.size > 0 ? bucket : undefined;
    return new MemberTable(buckets, this.size - 1);
  }

  /**
   * The ids whose value is `value`, in iteration order. The root asks for its connected members at every heartbeat
   * (twice: for the heartbeats and for the liveness check), and members change far less often, so the last answer
   * is kept: most heartbeats get the same array, with no generator walk of the buckets.
   */
  keysWith(value: V): readonly bigint[] {
    const cached = this.#keysWithCache;
    if (cached !== undefined && cached.value === value) return cached.keys;
    const keys: bigint[] = [];
    for (const bucket of this.buckets) {
      if (bucket === undefined) continue;
      for (const [id, v] of bucket) if (v === value) keys.push(id);
    }
    this.#keysWithCache = { value, keys };
    return keys;
  }

  *entries(): MapIterator<[bigint, V]> {
    for (const bucket of this.buckets) if (bucket !== undefined) yield* bucket.entries();
  }

  *keys(): MapIterator<bigint> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[bigint, V]> {
    return this.entries();
  }

  /** Entries with ids as `"<digits>n"`, in iteration order: what JSON (a snapshot's context, a graph key) shows. */
  toJSON(): [string, V][] {
    return [...this.entries()].map(([id, value]) => [`${id}n`, value]);
  }

  forEach(callback: (value: V, key: bigint, map: ReadonlyMap<bigint, V>) => void, thisArg?: unknown): void {
    for (const [id, value] of this.entries()) callback.call(thisArg, value, id, this);
  }
}
