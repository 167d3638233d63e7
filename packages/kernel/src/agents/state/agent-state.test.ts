/**
 * The projection of an agent log: a log written by this version (fixtures/agent-log-v1.json, a real run
 * with reasoning, a tool call, an unknown tool and an answer) still replays to the same state, and a
 * reader refuses an event of a version or type it does not know instead of guessing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readEvent } from './agent-events.ts';
import { replay } from './agent-state.ts';
import { statusOf } from './status-of.ts';

type Stored = { seq: number; time: string; type: string; data: Record<string, unknown> };
const V1: Stored[] = JSON.parse(readFileSync(new URL('./fixtures/agent-log-v1.json', import.meta.url), 'utf8')) as Stored[];

describe('agent log replay', () => {
  it('rebuilds the state of a version 1 log', () => {
    const state = replay(V1.map(readEvent));
    assert.deepEqual(statusOf(state), { status: 'completed' });
    assert.equal(state.info.name, 'helper');
    assert.equal(state.runs, 1);
    assert.deepEqual(state.usage, { inputTokens: 20, outputTokens: 10, costUsd: 0 });
    assert.deepEqual(
      state.messages.map((m) => m.role),
      ['user', 'assistant', 'tool', 'tool', 'assistant'],
    );
    const [result] = state.results.values();
    assert.deepEqual(result, { outcome: 'completed', text: 'Noted milk.' });
  });

  it('refuses an unknown version or type', () => {
    const [first] = V1 as [Stored];
    assert.throws(() => readEvent({ ...first, data: { ...first.data, v: 2 } }), /schema version 2/);
    assert.throws(() => readEvent({ ...first, type: 'agent.teleported' }), /unknown type/);
  });
});
