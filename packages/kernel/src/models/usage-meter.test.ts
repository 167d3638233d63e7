/**
 * Usage accounting: totals by any grouping of agent, user and model, failures counted, and a bounded
 * number of rows whose evicted totals are kept in one row so sums stay right.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVICTED, type UsageRecord, UsageMeter } from './usage-meter.ts';

const record = (agentId: string, model: string, tokens: number, ok = true): UsageRecord => ({
  agentId,
  userId: 'user:u',
  model,
  inputTokens: tokens,
  outputTokens: tokens,
  costUsd: tokens / 1000,
  ok,
});

test('groups and filters by agent, user and model', () => {
  const meter = new UsageMeter();
  meter.record(record('agent:a', 'openai/x', 10));
  meter.record(record('agent:a', 'anthropic/y', 20));
  meter.record(record('agent:b', 'openai/x', 30, false));
  assert.deepEqual(meter.query({ groupBy: ['model'] }), [
    { model: 'openai/x', calls: 2, failures: 1, inputTokens: 40, outputTokens: 40, costUsd: 0.04 },
    { model: 'anthropic/y', calls: 1, failures: 0, inputTokens: 20, outputTokens: 20, costUsd: 0.02 },
  ]);
  assert.equal(meter.query({ agentId: 'agent:a' })[0]?.inputTokens, 30);
  assert.deepEqual(meter.query({ agentId: 'agent:none' }), [{ calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }]);
});

test('past maxRows the least recently used row folds into the evicted row; totals are kept', () => {
  const seen: UsageRecord[] = [];
  const meter = new UsageMeter({ maxRows: 2, onRecord: (entry) => seen.push(entry) });
  meter.record(record('agent:a', 'm/1', 1));
  meter.record(record('agent:b', 'm/1', 2));
  meter.record(record('agent:a', 'm/1', 1));
  meter.record(record('agent:c', 'm/1', 4));
  const byAgent = meter.query({ groupBy: ['agent'] });
  assert.deepEqual(byAgent.map((row) => [row.agentId, row.inputTokens]).sort(), [
    [EVICTED, 2],
    ['agent:a', 2],
    ['agent:c', 4],
  ]);
  assert.equal(meter.query()[0]?.inputTokens, 8);
  assert.equal(seen.length, 4);
});
