import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staleFiles } from './generate.ts';

test('docs/protocol.md and the SDK contract types match the registry (run `npm run docs` when this fails)', async () => {
  assert.deepEqual(await staleFiles(), []);
});
