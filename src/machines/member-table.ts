/**
 * An immutable map from Steam ID to a value, cheap to update and small to keep. A lobby of a few players is one flat
 * pair of arrays (an update copies them: a handful of slots); past SMALL members it is spread over 64 buckets, and
 * an update copies only the bucket array and the one bucket it touches.
 *
 * Why: the root's member tables change on every member event; copying a whole Map each time makes filling a big
 * lobby O(n²) (bench/spawn.bench.ts shows it), while mutating in place would corrupt earlier snapshots that
 * model-based tests and the inspector keep. Most lobbies are small, and a Map or a 64-slot array per table per
 * runtime would be most of a small lobby's memory.
 */
const BUCKETS = 64;
/** Up to this many entries a table is flat; above it, bucketed. */
const SMALL = 32;
const bucketOf = (id: bigint): number => Number(BigInt.asUintN(6, id));

type Bucket<V> = ReadonlyMap<bigint, V>;
const NO_KEYS: readonly bigint[] = Object.freeze([]);

export class MemberTable<V> implements ReadonlyMap<bigint, V> {
  /**
   * What `keysWith` last answered: a table never changes, so the answer holds for as long as the table lives. A
   * #private field, so JSON of a snapshot (xstate/graph state keys, the inspector) does not change with it.
   */
  #keysWithCache: { readonly value: V; readonly keys: readonly bigint[] } | undefined = undefined;

  private constructor(
    /** Flat form: ids and their values at the same index (undefined when bucketed). */
    private readonly ids: readonly bigint[] | undefined,
    private readonly vals: readonly V[] | undefined,
    /** Bucketed form (undefined when flat). */
    private readonly buckets: readonly (Bucket<V> | undefined)[] | undefined,
    readonly size: number,
  ) {}

  static empty<V>(): MemberTable<V> {
    return new MemberTable<V>(NO_KEYS, [], undefined, 0);
  }

  static from<V>(entries: Iterable<readonly [bigint, V]>): MemberTable<V> {
    const list = [...entries];
    if (list.length > SMALL) return MemberTable.bucketed(list);
    let table = MemberTable.empty<V>();
    for (const [id, value] of list) table = table.with(id, value);
    return table;
  }

  get(id: bigint): V | undefined {
    const ids = this.ids;
    if (ids !== undefined) {
      const at = ids.indexOf(id);
      return at < 0 ? undefined : this.vals![at];
    }
    return this.buckets![bucketOf(id)]?.get(id);
  }

  has(id: bigint): boolean {
    const ids = this.ids;
    return ids !== undefined ? ids.includes(id) : (this.buckets![bucketOf(id)]?.has(id) ?? false);
  }

  /** A table with `id` set to `value`; this one is unchanged. */
  with(id: bigint, value: V): MemberTable<V> {
    const ids = this.ids;
    if (ids !== undefined) {
      const at = ids.indexOf(id);
      if (at >= 0 && this.vals![at] === value) return this;
      if (at >= 0) {
        const vals = [...this.vals!];
        vals[at] = value;
        return new MemberTable(ids, vals, undefined, this.size);
      }
      if (ids.length < SMALL) return new MemberTable([...ids, id], [...this.vals!, value], undefined, this.size + 1);
      return MemberTable.bucketed<V>(this.entries()).with(id, value);
    }
    const index = bucketOf(id);
    const old = this.buckets![index];
    if (old?.get(id) === value && old.has(id)) return this;
    const bucket = new Map(old ?? []);
    bucket.set(id, value);
    const buckets = [...this.buckets!];
    buckets[index] = bucket;
    return new MemberTable(undefined, undefined, buckets, this.size + (old?.has(id) === true ? 0 : 1));
  }

  /** A table without `id`; this one is unchanged. */
  without(id: bigint): MemberTable<V> {
    const ids = this.ids;
    if (ids !== undefined) {
      const at = ids.indexOf(id);
      if (at < 0) return this;
      return new MemberTable(
        ids.filter((_, i) => i !== at),
        this.vals!.filter((_, i) => i !== at),
        undefined,
        this.size - 1,
      );
    }
    const index = bucketOf(id);
    const old = this.buckets![index];
    if (old === undefined || !old.has(id)) return this;
    const bucket = new Map(old);
    bucket.delete(id);
    const buckets = [...this.buckets!];
    buckets[index] = bucket.size > 0 ? bucket : undefined;
    return new MemberTable(undefined, undefined, buckets, this.size - 1);
  }

  /**
   * The ids whose value is `value`, in iteration order. The root asks for its connected members at every heartbeat
   * (twice: for the heartbeats and for the liveness check), and members change far less often, so the last answer
   * is kept: most heartbeats get the same array, with no walk of the entries.
   */
  keysWith(value: V): readonly bigint[] {
    if (this.size === 0) return NO_KEYS;
    const cached = this.#keysWithCache;
    if (cached !== undefined && cached.value === value) return cached.keys;
    const keys: bigint[] = [];
    for (const [id, v] of this.entries()) if (v === value) keys.push(id);
    this.#keysWithCache = { value, keys };
    return keys;
  }

  *entries(): MapIterator<[bigint, V]> {
    const ids = this.ids;
    if (ids !== undefined) {
      for (let i = 0; i < ids.length; i++) yield [ids[i]!, this.vals![i]!];
      return;
    }
    for (const bucket of this.buckets!) if (bucket !== undefined) yield* bucket.entries();
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

  private static bucketed<V>(entries: Iterable<readonly [bigint, V]>): MemberTable<V> {
    const buckets: (Map<bigint, V> | undefined)[] = new Array<undefined>(BUCKETS).fill(undefined);
    let size = 0;
    for (const [id, value] of entries) {
      const bucket = (buckets[bucketOf(id)] ??= new Map());
      if (!bucket.has(id)) size++;
      bucket.set(id, value);
    }
    return new MemberTable<V>(undefined, undefined, buckets, size);
  }
}
