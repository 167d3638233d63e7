import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nestsDeeperThan } from './json-depth.ts';

const bytes = (text: string): Uint8Array => Buffer.from(text);

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

test('nesting is measured on arrays and objects alike', () => {
  assert.equal(nestsDeeperThan(bytes('[[[]]]'), 3), false);
  assert.equal(nestsDeeperThan(bytes('[[[[]]]]'), 3), true);
  assert.equal(nestsDeeperThan(bytes('{"a":{"b":{"c":{}}}}'), 3), true);
  assert.equal(nestsDeeperThan(bytes('['.repeat(1_000_000)), 64), true);
});

test('brackets inside strings, escaped quotes included, do not count', () => {
  assert.equal(nestsDeeperThan(bytes(JSON.stringify({ a: '[[[[[[[[', b: '\\"[[[[[[', c: '"{{{{{' })), 2), false);
});

test('the scan agrees with the parsed depth of any JSON value', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
      const text = JSON.stringify(value);
      assert.equal(nestsDeeperThan(bytes(text), max), depthOf(value) > max);
      assert.equal(nestsDeeperThan(text, max), depthOf(value) > max);
    }),
  );
});
