/**
 * The loop with the scripted model: a tool call runs and its result (wrapped as untrusted data) reaches
 * the next model turn; a failing tool, an unknown tool and bad arguments become error results the model
 * reads and the run still completes; every step is an event in the agent's log, in order.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AgentKernel, startAgentKernel } from '../testing/agent-kernel.ts';
import { failing, recorder } from '../testing/test-tools.ts';

const MANIFEST = { name: 'helper', system_prompt: 'Help.', tools: ['note', 'failing'] };

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

async function types(agentId: unknown): Promise<string[]> {
  const page = await (fx as AgentKernel).call('agent.logs', { id: agentId });
  return (page.events as { type: string }[]).map((e) => e.type);
}

describe('tools in the loop', () => {
  it('runs a tool call and hands its wrapped result to the next turn', async () => {
    const note = recorder();
    fx = await startAgentKernel({
      tools: [note.tool, failing],
      turns: [{ toolCalls: [{ id: 'c1', name: 'note', input: { text: 'milk' } }] }, { text: 'Noted milk.' }],
    });
    const reply = await fx.call('agent.spawn_and_run', { manifest: MANIFEST, message: 'remember milk', wait: true });
    assert.equal(reply.outcome, 'completed');
    assert.equal(reply.text, 'Noted milk.');
    assert.deepEqual(note.runs, [`${String(reply.agentId)}.r1:1:c1`]);
    assert.deepEqual(await types(reply.agentId), [
      'agent.spawned',
      'message.received',
      'run.started',
      'model.requested',
      'model.responded',
      'usage',
      'tool.started',
      'tool.finished',
      'model.requested',
      'model.delta',
      'model.responded',
      'usage',
      'run.finished',
      'agent.ended',
    ]);
    const firstPrompt = JSON.stringify(fx.model?.calls[0]?.prompt);
    assert.match(firstPrompt, /The home directory of the person you work for is \/home\/alice\./, 'the model is told where "~" is');
    const secondPrompt = JSON.stringify(fx.model?.calls[1]?.prompt);
    assert.match(secondPrompt, /noted: milk/);
    assert.match(secondPrompt, /trust=\\"untrusted\\"/);
    const status = await fx.call('agent.status', { id: reply.agentId });
    assert.equal(status.status, 'completed');
  });

  it('turns a failing tool, an unknown tool and invalid arguments into results the model reads', async () => {
    const note = recorder();
    fx = await startAgentKernel({
      tools: [note.tool, failing],
      turns: [
        {
          toolCalls: [
            { id: 'a', name: 'failing', input: {} },
            { id: 'b', name: 'rm_rf', input: { path: '/' } },
            { id: 'c', name: 'note', input: { text: 42 } },
          ],
        },
        { text: 'Recovered.' },
      ],
    });
    const reply = await fx.call('agent.spawn_and_run', { manifest: MANIFEST, message: 'try things', wait: true });
    assert.equal(reply.outcome, 'completed');
    assert.deepEqual(note.runs, []);
    const page = await fx.call('agent.logs', { id: reply.agentId });
    const finished = (page.events as { type: string; data: { callId: string; status: string; code: string; output: string } }[]).filter(
      (e) => e.type === 'tool.finished',
    );
    assert.deepEqual(
      finished.map((e) => [e.data.callId, e.data.status, e.data.code]),
      [
        ['a', 'error', 'not_found'],
        ['b', 'error', 'not_found'],
        ['c', 'error', 'payload_invalid'],
      ],
    );
    assert.match(finished[1]?.data.output ?? '', /unknown tool "rm_rf"; the tools available are: note, failing/);
    const prompt = JSON.stringify(fx.model?.calls[1]?.prompt);
    assert.match(prompt, /there is nothing at that address/);
    assert.match(prompt, /invalid arguments for note/);
  });

  it('cuts long output with a notice', async () => {
    const note = recorder('note', { output: () => 'x'.repeat(100_000) });
    fx = await startAgentKernel({ tools: [note.tool, failing], turns: [{ toolCalls: [{ id: 'c1', name: 'note', input: { text: 'big' } }] }, { text: 'ok' }] });
    const reply = await fx.call('agent.spawn_and_run', { manifest: MANIFEST, message: 'go', wait: true });
    const page = await fx.call('agent.logs', { id: reply.agentId });
    const result = (page.events as { type: string; data: { output: string } }[]).find((e) => e.type === 'tool.finished');
    assert.match(result?.data.output ?? '', /\[output truncated: showed 32768 of 100000 bytes\]/);
  });
});
