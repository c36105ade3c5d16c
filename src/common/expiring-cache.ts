/**
 * A bounded map whose entries run out after a TTL, for caches that an invalidation must be able to overtake:
 * `generation` changes at every delete and clear, and a `set` with a generation read before one stores
 * nothing (what was read from the database before a change committed is never kept after it). Past
 * `maxEntries` the oldest entry makes room (Map order is insertion order; a set re-inserts last).
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private invalidations = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The value stored within the TTL, else undefined (an expired entry is dropped). */
  get(key: K, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Read it before the database read whose answer `set` is to store. */
  get generation(): number {
    return this.invalidations;
  }

  set(key: K, value: V, now: number, generation: number): void {
    if (generation !== this.invalidations) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    this.invalidations += 1;
    this.entries.delete(key);
  }

  clear(): void {
    this.invalidations += 1;
    this.entries.clear();
  }

  /** Drops expired entries. */
  sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
