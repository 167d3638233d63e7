/**
 * The agent.* contracts over the wire: an agent is visible to its owner only (another user gets
 * not_found, sees no events, lists nothing), lists page with a cursor, logs read on from a cursor and say
 * when they are done, manifests load by path with their prompt files, `{user}` in a manifest names the
 * owner, the spawn right is checked against the manifest's name, unknown tools are refused at spawn, and a
 * scheduled agent runs on its own.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { WireClient } from '../../testing/kernel.ts';
import { type AgentKernel, type CallError, eventually, startAgentKernel } from '../testing/agent-kernel.ts';

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const code = (error: unknown): unknown => (error as CallError).code;

describe('agent contracts', () => {
  it('show an agent and its events to its owner only', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'hi alice' }] });
    await fx.call('bus.subscribe', { pattern: 'agent.*' });
    const bob = new WireClient(fx.kernel, { principal: makePrincipal('user', 'bob', CapabilitySet.of(['agent.*', 'topic.subscribe:agent.*'])) });
    await bob.call('bus.subscribe', { pattern: 'agent.*' });
    const reply = await fx.call('agent.spawn_and_run', { manifest: { name: 'greeter' }, message: 'hello', wait: true });
    assert.equal(reply.text, 'hi alice');
    const seen = fx.client.received.filter((e) => e.topic === 'agent.event');
    assert.ok(seen.length >= 8);
    assert.ok(seen.every((e) => e.payload?._owner === 'user:alice' && e.payload.agentId === reply.agentId));
    assert.deepEqual(bob.received.filter((e) => e.topic === 'agent.event'), []);
    for (const topic of ['agent.status', 'agent.logs', 'agent.stop', 'agent.pause']) {
      const answer = await bob.call(topic, { id: reply.agentId });
      assert.equal(answer.payload?.code, 'not_found', topic);
    }
    assert.deepEqual((await bob.call('agent.list', {})).payload?.agents, []);
  });

  it('page the list with a cursor and read logs on from one', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'one' }] });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await fx.call('agent.spawn', { manifest: { name: `idle-${i}` } })).agentId);
    const first = await fx.call('agent.list', { limit: 2 });
    const second = await fx.call('agent.list', { limit: 2, cursor: first.cursor });
    const listed = [...(first.agents as { id: string }[]), ...(second.agents as { id: string }[])].map((a) => a.id);
    assert.deepEqual(listed, ids);
    assert.equal(second.cursor, undefined);
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'talker' }, message: 'go', wait: true });
    const head = await fx.call('agent.logs', { id: agentId, limit: 3 });
    assert.equal(head.done, false);
    const rest = await fx.call('agent.logs', { id: agentId, after: head.cursor });
    assert.equal((rest.events as { seq: number }[])[0]?.seq, 4);
    assert.equal(rest.done, true);
  });

  it('show what an ended agent did: model, runs, tokens and why it ended, in status and list', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'done', usage: { inputTokens: 30, outputTokens: 7 } }, { text: 'done too' }] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'worker', model: 'scripted/test' }, message: 'go', wait: true });
    const ended = await eventually(async () => {
      const status = await fx?.call('agent.status', { id: agentId });
      return status?.status === 'completed' && status.capabilities === undefined ? status : undefined;
    }, 'the agent to leave memory');
    assert.deepEqual([ended.model, ended.runs, ended.usage], ['scripted/test', 1, { inputTokens: 30, outputTokens: 7, costUsd: 0 }]);
    const listed = (await fx.call('agent.list', {})).agents as Record<string, unknown>[];
    assert.deepEqual(listed.find((a) => a.id === agentId)?.usage, { inputTokens: 30, outputTokens: 7, costUsd: 0 });
    const chosen = await fx.call('agent.spawn_and_run', { manifest: { name: 'default-model' }, message: 'go', wait: true });
    const byGateway = await eventually(async () => {
      const status = await fx?.call('agent.status', { id: chosen.agentId });
      return status?.capabilities === undefined ? status : undefined;
    }, 'the second agent to leave memory');
    assert.equal(typeof byGateway.model, 'string', 'the model the gateway chose is shown');
  });

  it('load a manifest by path with its prompt file, fill {user}, and check the spawn right by name', async () => {
    const files: Record<string, string> = {
      '/home/alice/agents/reader.yaml': 'name: reader\nsystem_prompt:\n  file: reader.md\ncapabilities: ["fs.read:/home/{user}/notes/**"]\n',
      '/home/alice/agents/reader.md': 'You read notes.',
    };
    fx = await startAgentKernel({
      turns: [{ text: 'read' }],
      readText: (_principal, path) => {
        const text = files[path];
        return text === undefined ? Promise.reject(new Error(`no ${path}`)) : Promise.resolve(text);
      },
    });
    const reply = await fx.call('agent.spawn_and_run', { path: '/home/alice/agents/reader.yaml', message: 'go', wait: true });
    assert.equal(reply.outcome, 'completed');
    assert.match(JSON.stringify(fx.model?.calls[0]?.prompt), /You read notes\./);
    assert.deepEqual((await fx.call('agent.status', { id: reply.agentId })).capabilities, ['fs.read:/home/alice/notes/**']);
    const limited = new WireClient(fx.kernel, { principal: makePrincipal('user', 'alice', CapabilitySet.of(['agent.spawn:writer', 'tool.use:*'])) });
    const refused = await limited.call('agent.spawn', { manifest: 'name: reader\n' });
    assert.equal(refused.payload?.code, 'permission_denied');
  });

  it('refuse a manifest offering a tool the kernel does not have', async () => {
    fx = await startAgentKernel();
    await assert.rejects(fx.call('agent.spawn', { manifest: { name: 'dreamer', tools: ['teleport'] } }), (error) => {
      assert.equal(code(error), 'payload_invalid');
      assert.match((error as Error).message, /teleport/);
      return true;
    });
  });

  it('run a scheduled agent on its own, again after its period', async () => {
    fx = await startAgentKernel({ turns: [{ text: 'tick' }, { text: 'tock' }, { text: 'tick' }, { text: 'tock' }] });
    const { agentId } = await fx.call('agent.spawn', { manifest: { name: 'clock', lifecycle: 'scheduled', schedule: '20ms' } });
    await eventually(async () => ((await fx?.call('agent.status', { id: agentId }))?.runs as number) >= 2, 'two scheduled runs');
    await fx.call('agent.stop', { id: agentId });
  });
});
