/**
 * Canonical JSON is what the audit chain hashes, so it must be one exact text per value: independent of
 * key order, stable through a JSON round trip (as stored in the database), and refusing what JSON
 * cannot carry rather than changing it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.ts';

function reorder(value: unknown, reverse: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, reverse));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value).sort();
  if (reverse) keys.reverse();
  return Object.fromEntries(keys.map((key) => [key, reorder((value as Record<string, unknown>)[key], reverse)]));
}

void describe('canonicalJson', () => {
  void it('is stable through a JSON round trip and equal to what JSON.parse reads back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        assert.equal(canonicalJson(JSON.parse(text)), text);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  void it('does not depend on the order keys were inserted in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.equal(canonicalJson(reorder(value, true)), canonicalJson(reorder(value, false)));
      }),
      { numRuns: 500 },
    );
  });

  void it('sorts keys, drops undefined members and writes dates as ISO strings', () => {
    assert.equal(canonicalJson({ b: 1, a: [true, null, undefined], c: undefined, d: new Date(0) }), '{"a":[true,null,null],"b":1,"d":"1970-01-01T00:00:00.000Z"}');
  });

  void it('refuses values JSON cannot represent faithfully, naming where they are', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), /\$\.n: NaN/);
    assert.throws(() => canonicalJson({ list: [1, Infinity] }), /\$\.list\[1\]/);
    assert.throws(() => canonicalJson({ big: 1n }), /bigint/);
    assert.throws(() => canonicalJson({ map: new Map() }), /plain objects/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), /deeper than 64 levels \(or cyclic\)/);
  });
});
