/**
 * A small bounded LRU map (prepared statements, rewritten SQL). Bounded everything (DESIGN §1.4): the
 * least recently used entry is dropped when the cache is full.
 */

export class LruCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('LruCache size must be a positive integer');
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
  }

  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create(key);
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.#map.clear();
  }
}
