/**
 * How a run ends other than by answering: over its token budget (`budget_exceeded`, the reason recorded),
 * at its step limit, stopped mid model call, or on a model error — each recorded as events, with the
 * agent's status and reason readable afterwards.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AgentKernel, eventually, startAgentKernel } from '../testing/agent-kernel.ts';
import { recorder } from '../testing/test-tools.ts';

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

async function events(agentId: unknown): Promise<{ type: string; data: Record<string, unknown> }[]> {
  return (await (fx as AgentKernel).call('agent.logs', { id: agentId })).events as { type: string; data: Record<string, unknown> }[];
}

const loopTurn = { toolCalls: [{ name: 'note', input: { text: 'again' } }] };

describe('run limits', () => {
  it('stops a run that has used its token budget, with budget_exceeded recorded', async () => {
    fx = await startAgentKernel({ tools: [recorder().tool], turns: [{ ...loopTurn, usage: { inputTokens: 1500, outputTokens: 600 } }, { text: 'never' }] });
    const reply = await fx.call('agent.spawn_and_run', {
      manifest: { name: 'spender', tools: ['note'], budget: { tokens: 2000 } },
      message: 'go',
      wait: true,
    });
    assert.equal(reply.outcome, 'failed');
    assert.equal((reply.reason as { code: string }).code, 'budget_exceeded');
    const status = await fx.call('agent.status', { id: reply.agentId });
    assert.equal(status.status, 'failed');
    assert.equal((status.reason as { code: string }).code, 'budget_exceeded');
    assert.equal(fx.model?.remaining(), 1, 'the second model call was never made');
  });

  it('refuses a model call the remaining budget cannot cover, in the gateway, atomically', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'never' }] });
    const reply = await fx.call('agent.spawn_and_run', { manifest: { name: 'tiny', budget: { tokens: 5 } }, message: 'go', wait: true });
    assert.equal((reply.reason as { code: string }).code, 'budget_exceeded');
    const log = await events(reply.agentId);
    assert.deepEqual(
      log.filter((e) => e.type === 'model.failed').map((e) => e.data.code),
      ['budget_exceeded'],
    );
  });

  it('ends a run at its step limit', async () => {
    const note = recorder();
    fx = await startAgentKernel({ tools: [note.tool], turns: [loopTurn, loopTurn, loopTurn] });
    const reply = await fx.call('agent.spawn_and_run', { manifest: { name: 'looper', tools: ['note'], budget: { steps: 2 } }, message: 'go', wait: true });
    assert.equal(reply.outcome, 'failed');
    assert.deepEqual(reply.reason, { code: 'resource_exceeded', message: 'the run reached its limit of 2 model steps', details: { limit: 'steps', steps: 2 } });
    assert.equal(note.runs.length, 2);
  });

  it('stops an agent waiting on the model, and records why', async () => {
    const never = new Promise<void>(() => undefined);
    fx = await startAgentKernel({ turns: [{ text: 'too late', wait: never }] });
    const spawned = await fx.call('agent.spawn_and_run', { manifest: { name: 'sleeper' }, message: 'go' });
    const id = spawned.agentId;
    await eventually(async () => (await (fx as AgentKernel).call('agent.status', { id })).waiting === 'model', 'waiting on the model');
    const stopped = await fx.call('agent.stop', { id, note: 'enough' });
    assert.equal(stopped.status, 'stopped');
    const log = await events(id);
    const finished = log.find((e) => e.type === 'run.finished');
    assert.equal(finished?.data.outcome, 'stopped');
    assert.deepEqual(log.at(-1), { ...log.at(-1), type: 'agent.ended' });
    assert.match(String((log.at(-1)?.data.reason as { message: string }).message), /stopped by user:alice: enough/);
  });

  it('fails the run on a model error after the gateway gave up, keeping the error', async () => {
    fx = await startAgentKernel({ turns: [{ error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' }] });
    const reply = await fx.call('agent.spawn_and_run', { manifest: { name: 'unlucky' }, message: 'go', wait: true });
    assert.equal(reply.outcome, 'failed');
    const log = await events(reply.agentId);
    assert.equal(log.filter((e) => e.type === 'model.failed').length, 1);
    assert.equal((reply.reason as { code: string }).code, (log.find((e) => e.type === 'model.failed')?.data.code as string) ?? '');
  });
});
