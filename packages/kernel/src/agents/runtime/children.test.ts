/**
 * Agents spawning agents: a child holds only what it asked for and its parent holds (kernel-enforced),
 * its attempt to go beyond is refused at the call, a child asking for more than its parent is never
 * spawned, revoking the parent's grant reaches a running child, spawn_agents runs children side by side,
 * and the depth limit holds.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AgentKernel, eventually, startAgentKernel } from '../testing/agent-kernel.ts';
import { probe } from '../testing/test-tools.ts';

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

type LogEvent = { type: string; data: Record<string, unknown> };

async function log(agentId: unknown): Promise<LogEvent[]> {
  return (await (fx as AgentKernel).call('agent.logs', { id: agentId })).events as LogEvent[];
}

const results = async (agentId: unknown): Promise<Record<string, unknown>[]> =>
  (await log(agentId)).filter((e) => e.type === 'tool.finished').map((e) => e.data);

const LEAD = { name: 'lead', capabilities: ['agent.spawn:scout', 'fs.read:/home/alice/**'], tools: ['spawn_agent', 'spawn_agents', 'probe'] };
const SCOUT = { name: 'scout', capabilities: ['fs.read:/home/alice/docs/**'], tools: ['probe'] };

async function children(parentId: unknown): Promise<Record<string, unknown>[]> {
  return ((await (fx as AgentKernel).call('agent.list', { parentId })).agents as Record<string, unknown>[]) ?? [];
}

describe('child agents', () => {
  it('hold only what they were narrowed to, and are refused beyond it', async () => {
    fx = await startAgentKernel({
      tools: [probe],
      turns: [
        { toolCalls: [{ id: 's1', name: 'spawn_agent', input: { manifest: SCOUT, message: 'look in docs' } }] },
        {
          toolCalls: [
            { id: 'p1', name: 'probe', input: { path: '/home/alice/docs/a.txt' } },
            { id: 'p2', name: 'probe', input: { path: '/home/alice/secret.txt' } },
          ],
        },
        { text: 'found a.txt' },
        { text: 'the scout found a.txt' },
      ],
    });
    const reply = await fx.call('agent.spawn_and_run', { manifest: LEAD, message: 'investigate', wait: true });
    assert.equal(reply.text, 'the scout found a.txt');
    const [child] = await children(reply.agentId);
    assert.equal(child?.name, 'scout');
    assert.equal(child?.depth, 1);
    const childStatus = await fx.call('agent.status', { id: child?.id });
    assert.equal(childStatus.status, 'completed');
    const childResults = await results(child?.id);
    assert.deepEqual(
      childResults.map((r) => [r.callId, r.status, r.code]),
      [
        ['p1', 'ok', undefined],
        ['p2', 'error', 'permission_denied'],
      ],
    );
    assert.match(String(childResults[1]?.output), /lacks fs\.read:\/home\/alice\/secret\.txt/);
    const [spawnResult] = await results(reply.agentId);
    assert.match(String(spawnResult?.output), /"response":"found a\.txt"/);
    const denials = await fx.kernel.audit.query({ kind: 'denial' });
    assert.ok(denials.records.some((r) => r.principal === `agent:${String(child?.id)}` && r.data.missing === 'fs.read:/home/alice/secret.txt'));
  });

  it('are never spawned with more than their parent holds', async () => {
    fx = await startAgentKernel({
      tools: [probe],
      turns: [
        { toolCalls: [{ id: 's1', name: 'spawn_agent', input: { manifest: { ...SCOUT, capabilities: ['fs.write:/home/alice/**'] }, message: 'write' } }] },
        { text: 'could not' },
      ],
    });
    const reply = await fx.call('agent.spawn_and_run', { manifest: LEAD, message: 'go', wait: true });
    assert.equal(reply.outcome, 'completed');
    const [result] = await results(reply.agentId);
    assert.equal(result?.code, 'permission_denied');
    assert.match(String(result?.output), /cannot grant "fs\.write:\/home\/alice\/\*\*": the parent does not hold it/);
    assert.deepEqual(await children(reply.agentId), []);
  });

  it("lose a revoked parent grant mid-run", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fx = await startAgentKernel({
      tools: [probe],
      turns: [
        { toolCalls: [{ id: 's1', name: 'spawn_agent', input: { manifest: SCOUT, message: 'look' } }] },
        { toolCalls: [{ id: 'p1', name: 'probe', input: { path: '/home/alice/docs/a.txt' } }], wait: gate },
        { text: 'could not read' },
        { text: 'scout was cut off' },
      ],
    });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: LEAD, message: 'go' });
    const child = await eventually(async () => (await children(agentId)).find((c) => c.waiting === 'model'), 'the child waiting on the model');
    assert.deepEqual((await fx.call('agent.status', { id: child.id })).capabilities, ['fs.read:/home/alice/docs/**', 'tool.use:probe']);
    assert.deepEqual(await fx.call('agent.revoke', { id: agentId, capability: 'fs.read:/home/alice/**' }), { id: agentId, revoked: 2 });
    release();
    await eventually(async () => (await fx?.call('agent.status', { id: agentId }))?.status === 'completed', 'the lead to finish');
    const [childResult] = await results(child.id);
    assert.equal(childResult?.code, 'permission_denied');
    assert.deepEqual((await fx.call('agent.status', { id: child.id })).status, 'completed');
    assert.ok((await log(child.id)).some((e) => e.type === 'capability.revoked'));
  });

  it('run side by side with spawn_agents, each answer in its place', async () => {
    fx = await startAgentKernel({
      tools: [probe],
      turns: [
        { toolCalls: [{ id: 'm', name: 'spawn_agents', input: { children: [{ manifest: SCOUT, message: 'one' }, { manifest: SCOUT, message: 'two' }] } }] },
        { text: 'answer' },
        { text: 'answer' },
        { text: 'both answered' },
      ],
    });
    const reply = await fx.call('agent.spawn_and_run', { manifest: LEAD, message: 'go', wait: true });
    assert.equal(reply.text, 'both answered');
    const [batch] = await results(reply.agentId);
    assert.match(String(batch?.output), /"count":2,"children":\[\{"agent_id":"a_[^"]+","status":"completed","response":"answer"\},\{"agent_id"/);
    assert.equal((await children(reply.agentId)).length, 2);
  });

  it('stop at the depth limit', async () => {
    fx = await startAgentKernel({
      tools: [probe],
      limits: { maxDepth: 0 },
      turns: [{ toolCalls: [{ id: 's1', name: 'spawn_agent', input: { manifest: SCOUT, message: 'x' } }] }, { text: 'alone' }],
    });
    const reply = await fx.call('agent.spawn_and_run', { manifest: LEAD, message: 'go', wait: true });
    const [result] = await results(reply.agentId);
    assert.equal(result?.code, 'resource_exceeded');
  });
});
