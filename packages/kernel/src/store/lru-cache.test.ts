/**
 * The bounded LRU: never holds more than its size, and evicts the least recently used entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruCache } from './lru-cache.ts';

void describe('LruCache', () => {
  void it('evicts the least recently used entry when full', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1); // a is now the most recent
    cache.set('c', 3);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c'), cache.size], [1, undefined, 3, 2]);
  });

  void it('creates a missing entry once and reuses it', () => {
    const cache = new LruCache<string, object>(8);
    let created = 0;
    const make = (): object => ({ n: ++created });
    assert.equal(cache.getOrCreate('k', make), cache.getOrCreate('k', make));
    assert.equal(created, 1);
  });

  void it('refuses a size below 1', () => {
    assert.throws(() => new LruCache(0), RangeError);
  });
});
