/**
 * The tools in the real agent loop with the scripted model: a runtime built on a test kernel with the
 * VFS provided to tools (as the composition root will wire it), an agent that writes a file with
 * file_write and reads it back with file_read, and finishes; a write outside its capabilities comes back
 * to the model as an error naming the missing capability, and the run still completes.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ScriptedTurn } from '../../models/testing/scripted-model.ts';
import { scriptedGateway } from '../../models/testing/scripted-gateway.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { startTestKernel, type TestKernel, WireClient } from '../../testing/kernel.ts';
import type { AgentRuntime } from '../runtime/agent-runtime.ts';
import { USER_RIGHTS } from '../testing/agent-kernel.ts';

interface Fixture {
  kernel: TestKernel;
  runtime: AgentRuntime;
  client: WireClient;
  prompts: () => string[];
}

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.kernel.dispose();
  fx = undefined;
});

async function start(turns: readonly ScriptedTurn[]): Promise<Fixture> {
  const { gateway, model } = scriptedGateway(turns);
  const kernel = await startTestKernel({}, { agents: { models: gateway } });
  const runtime = kernel.agents;
  const client = new WireClient(kernel, { principal: makePrincipal('user', 'alice', CapabilitySet.of(USER_RIGHTS)) });
  return { kernel, runtime, client, prompts: () => model.calls.map((call) => JSON.stringify(call.prompt)) };
}

const MANIFEST = {
  name: 'scribe',
  system_prompt: 'Keep notes.',
  tools: ['file_write', 'file_read'],
  capabilities: ['tool.use:file_write', 'tool.use:file_read', 'fs.read:/home/alice/**', 'fs.write:/home/alice/notes/**'],
};

async function run(f: Fixture, message: string): Promise<Record<string, unknown>> {
  const reply = await f.client.call('agent.spawn_and_run', { manifest: MANIFEST, message, wait: true });
  assert.equal(reply.topic, 'agent.spawn_and_run:ack', JSON.stringify(reply.payload));
  return reply.payload ?? {};
}

async function finishedCalls(f: Fixture, agentId: unknown): Promise<{ callId: string; status: string; output: string }[]> {
  const page = await f.client.call('agent.logs', { id: agentId });
  const events = (page.payload?.events ?? []) as { type: string; data: { callId: string; status: string; output: string } }[];
  return events.filter((e) => e.type === 'tool.finished').map((e) => e.data);
}

void describe('file tools in the agent loop', () => {
  void it('writes a file, reads it back and completes', async () => {
    fx = await start([
      { toolCalls: [{ id: 'w', name: 'file_write', input: { path: '/home/alice/notes/todo.md', content: '- milk\n' } }] },
      { toolCalls: [{ id: 'r', name: 'file_read', input: { path: '/home/alice/notes/todo.md' } }] },
      { text: 'Saved your list.' },
    ]);
    const reply = await run(fx, 'note milk');
    assert.equal(reply.outcome, 'completed');
    assert.equal(reply.text, 'Saved your list.');
    const alice = makePrincipal('user', 'alice', CapabilitySet.of(USER_RIGHTS));
    assert.equal((await fx.kernel.vfs.read(alice, '/home/alice/notes/todo.md')).data.toString(), '- milk\n');
    const calls = await finishedCalls(fx, reply.agentId);
    assert.deepEqual(calls.map((c) => [c.callId, c.status]), [['w', 'ok'], ['r', 'ok']]);
    assert.match(calls[1]?.output ?? '', /trust="untrusted">\n- milk\n\n<\/tool_output>/);
    assert.match(fx.prompts()[2] ?? '', /- milk/);
  });

  void it('answers a write outside the agent capabilities with an error the model reads', async () => {
    fx = await start([
      { toolCalls: [{ id: 'w', name: 'file_write', input: { path: '/home/alice/secret.txt', content: 'x' } }] },
      { text: 'I may not write there.' },
    ]);
    const reply = await run(fx, 'write outside');
    assert.equal(reply.outcome, 'completed');
    const [call] = await finishedCalls(fx, reply.agentId);
    assert.equal(call?.status, 'error');
    assert.match(call?.output ?? '', /permission denied: this agent lacks fs\.write:\/home\/alice\/secret\.txt/);
    assert.match(fx.prompts()[1] ?? '', /lacks fs\.write:\/home\/alice\/secret\.txt/);
  });
});
