/**
 * Resuming from the log after the kernel stops mid-run: a tool call that was in flight is repeated with
 * the same idempotency key when the tool is idempotent, and recorded as interrupted (and not repeated)
 * when it is not; a model call that never answered is asked again; completed calls never run again.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AgentKernel, eventually, startAgentKernel } from '../testing/agent-kernel.ts';
import { gate, recorder } from '../testing/test-tools.ts';

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

type LogEvent = { type: string; data: Record<string, unknown> };

async function finished(agentId: unknown): Promise<LogEvent[]> {
  return eventually(async () => {
    const { events } = (await (fx as AgentKernel).call('agent.logs', { id: agentId })) as { events: LogEvent[] };
    return events.at(-1)?.type === 'agent.ended' ? events : undefined;
  }, 'the agent to end');
}

const MANIFEST = { name: 'worker', tools: ['note', 'slow'] };
const turns = [{ toolCalls: [{ id: 'n', name: 'note', input: { text: 'first' } }, { id: 's', name: 'slow', input: {} }] }];

describe('resume after a stop mid-run', () => {
  it('records a non-idempotent call in flight as interrupted and tells the model', async () => {
    const note = recorder();
    const slow = gate('slow', false);
    fx = await startAgentKernel({ tools: [note.tool, slow.tool], turns });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: MANIFEST, message: 'work' });
    await slow.started;
    const after = gate('slow', false);
    fx = await fx.restart({ tools: [recorder().tool, after.tool], turns: [{ text: 'I will check whether it happened' }] });
    assert.equal(fx.resumed, 1);
    const events = await finished(agentId);
    assert.deepEqual(after.runs, [], 'the interrupted call is not repeated');
    assert.equal(note.runs.length, 1, 'the completed call is not repeated');
    const interrupted = events.find((e) => e.type === 'tool.finished' && e.data.callId === 's');
    assert.equal(interrupted?.data.status, 'interrupted');
    assert.match(String(interrupted?.data.output), /may or may not have taken effect/);
    assert.equal(events.at(-1)?.data.status, 'completed');
  });

  it('repeats an idempotent call in flight with the same idempotency key', async () => {
    const slow = gate('slow', true);
    fx = await startAgentKernel({ tools: [recorder().tool, slow.tool], turns });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: MANIFEST, message: 'work' });
    await slow.started;
    const again = gate('slow', true);
    again.release();
    fx = await fx.restart({ tools: [recorder().tool, again.tool], turns: [{ text: 'done' }] });
    const events = await finished(agentId);
    assert.deepEqual(again.runs, slow.runs, 'same idempotency key');
    assert.equal(events.find((e) => e.type === 'tool.finished' && e.data.callId === 's')?.data.status, 'ok');
  });

  it('asks the model again when its call never answered', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'lost', wait: new Promise(() => undefined) }] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'thinker' }, message: 'think' });
    await eventually(async () => (await fx?.call('agent.status', { id: agentId }))?.waiting === 'model', 'the model call');
    fx = await fx.restart({ turns: [{ text: 'answered after restart' }] });
    const events = await finished(agentId);
    assert.deepEqual(
      events.filter((e) => e.type.startsWith('model.')).map((e) => e.type),
      ['model.requested', 'model.requested', 'model.delta', 'model.responded'],
    );
    assert.equal(events.find((e) => e.type === 'run.finished')?.data.text, 'answered after restart');
  });
});
