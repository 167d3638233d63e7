/**
 * Agents talking to agents and to people: send_message gets another agent's answer (request/response),
 * ask_human waits in `waiting (human)` for an answer given through approval.respond, a persistent agent
 * takes messages one after another keeping its conversation and is restarted after a failed run, and
 * pause holds an agent until resume.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AgentKernel, eventually, startAgentKernel } from '../testing/agent-kernel.ts';

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

describe('conversations', () => {
  it('send_message asks another agent and returns its answer', async () => {
    fx = await startAgentKernel({ turns: [] });
    const { agentId: oracle } = await fx.call('agent.spawn', { manifest: { name: 'oracle', lifecycle: 'persistent' } });
    fx = await fx.restart({
      turns: [{ toolCalls: [{ id: 'q', name: 'send_message', input: { agent_id: oracle, message: 'meaning?' } }] }, { text: '42' }, { text: 'the oracle says 42' }],
    });
    const reply = await fx.call('agent.spawn_and_run', {
      manifest: { name: 'asker', capabilities: [`agent.message:${String(oracle)}`], tools: ['send_message'] },
      message: 'ask the oracle',
      wait: true,
    });
    assert.equal(reply.text, 'the oracle says 42');
    const oracleStatus = await fx.call('agent.status', { id: oracle });
    assert.deepEqual([oracleStatus.status, oracleStatus.waiting, oracleStatus.runs], ['waiting', 'message', 1]);
  });

  it('ask_human waits for the person and hands the answer to the model', async () => {
    fx = await startAgentKernel({ turns: [{ toolCalls: [{ id: 'h', name: 'ask_human', input: { question: 'Which colour?', choices: ['red', 'blue'] } }] }, { text: 'blue it is' }] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'painter', tools: ['ask_human'] }, message: 'paint' });
    const question = await eventually(async () => {
      const { approvals } = (await fx?.call('approval.list', {})) as { approvals: Record<string, unknown>[] };
      return approvals.find((a) => a.kind === 'question');
    }, 'the question');
    assert.equal(question.summary, 'Which colour?\nChoices: red | blue');
    assert.equal((await fx.call('agent.status', { id: agentId })).waiting, 'human');
    await fx.call('approval.respond', { id: question.id, decision: 'approve', answer: 'blue' });
    await eventually(async () => (await fx?.call('agent.status', { id: agentId }))?.status === 'completed', 'the painter to finish');
    assert.match(JSON.stringify(fx.model?.calls[1]?.prompt), /\\"answer\\":\\"blue\\"/);
  });

  it('a persistent agent keeps its conversation across messages and restarts after a failed run', async () => {
    fx = await startAgentKernel({
      turns: [{ text: 'hello' }, { error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' }, { text: 'fresh start' }],
    });
    const { agentId } = await fx.call('agent.spawn', { manifest: { name: 'keeper', lifecycle: 'persistent', restart: { policy: 'on-failure', max_restarts: 1, backoff: '1ms' } } });
    const first = await fx.call('agent.run', { id: agentId, message: 'hi', wait: true });
    assert.equal(first.text, 'hello');
    const second = await fx.call('agent.run', { id: agentId, message: 'again', wait: true });
    assert.equal(second.outcome, 'failed');
    assert.match(JSON.stringify(fx.model?.calls[1]?.prompt), /hello/, 'the second message sees the first exchange');
    const third = await fx.call('agent.run', { id: agentId, message: 'once more', wait: true });
    assert.equal(third.text, 'fresh start');
    const lastPrompt = JSON.stringify(fx.model?.calls.at(-1)?.prompt);
    assert.doesNotMatch(lastPrompt, /hello/, 'a restart starts a fresh conversation');
    const status = await fx.call('agent.status', { id: agentId });
    assert.deepEqual([status.status, status.waiting], ['waiting', 'message']);
    const { events } = (await fx.call('agent.logs', { id: agentId })) as { events: { type: string }[] };
    assert.equal(events.filter((e) => e.type === 'agent.restarted').length, 1);
  });

  it('pause holds an agent at its next step until resume', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'done' }] });
    const { agentId } = await fx.call('agent.spawn', { manifest: { name: 'holder', lifecycle: 'persistent' } });
    const paused = await fx.call('agent.pause', { id: agentId });
    assert.deepEqual([paused.status, paused.waiting], ['waiting', 'paused']);
    await fx.call('agent.run', { id: agentId, message: 'work' });
    assert.equal(fx.model?.remaining(), 1);
    await fx.call('agent.resume', { id: agentId });
    await eventually(() => fx?.model?.remaining() === 0, 'the model to be called');
    const stopped = await fx.call('agent.stop', { id: agentId });
    assert.equal(stopped.status, 'stopped');
  });
});
