/**
 * Approvals end to end over the wire: a call listed in approval_required (by tool name or capability
 * pattern) pauses the agent in `waiting (approval)` until a person approves (the tool runs once) or
 * denies (it never runs, the model is told why); an expired approval counts as denied; a pending approval
 * survives a restart; decisions and who made them are audited and decided only once. A capability rule
 * also stops a call whose reach merely overlaps it (a read of a whole tree that holds the guarded folder).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AgentKernel, type CallError, eventually, startAgentKernel } from '../agents/testing/agent-kernel.ts';
import { probe, recorder } from '../agents/testing/test-tools.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal } from '../security/principal.ts';
import { WireClient } from '../testing/kernel.ts';

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const writeTurn = { toolCalls: [{ id: 'w1', name: 'note', input: { text: 'ship it' } }] };

async function pendingApproval(agentId: unknown): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const { approvals } = (await (fx as AgentKernel).call('approval.list', {})) as { approvals: Record<string, unknown>[] };
    return approvals.find((a) => a.agentId === agentId);
  }, 'a pending approval');
}

async function outcome(agentId: unknown): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const status = await (fx as AgentKernel).call('agent.status', { id: agentId });
    return ['completed', 'failed', 'stopped'].includes(status.status as string) ? status : undefined;
  }, 'the agent to end');
}

async function toolResult(agentId: unknown): Promise<Record<string, unknown> | undefined> {
  const { events } = (await (fx as AgentKernel).call('agent.logs', { id: agentId })) as { events: { type: string; data: Record<string, unknown> }[] };
  return events.find((e) => e.type === 'tool.finished')?.data;
}

describe('approvals', () => {
  it('wait for a person, then run the approved call once; the decision and decider are audited', async () => {
    const note = recorder();
    fx = await startAgentKernel({ tools: [note.tool], turns: [writeTurn, { text: 'shipped' }] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'shipper', tools: ['note'], approval_required: ['note'] }, message: 'ship' });
    const approval = await pendingApproval(agentId);
    assert.equal((await fx.call('agent.status', { id: agentId })).waiting, 'approval');
    assert.deepEqual(note.runs, []);
    assert.match(String(approval.summary), /note \{"text":"ship it"\}/);
    assert.equal(approval.rule, 'note');
    const decided = await fx.call('approval.respond', { id: approval.id, decision: 'approve', note: 'fine' });
    assert.equal(decided.decidedBy, 'user:alice');
    assert.equal((await outcome(agentId)).status, 'completed');
    assert.equal(note.runs.length, 1);
    const audit = await fx.kernel.audit.query({ kind: 'approval' });
    assert.deepEqual(
      audit.records.map((r) => [r.principal, r.decision, r.data.approval]),
      [['user:alice', 'allow', approval.id]],
    );
    await assert.rejects(fx.call('approval.respond', { id: approval.id, decision: 'deny' }), (e: CallError) => e.code === 'conflict');
  });

  it('never run a denied call, and tell the model why', async () => {
    const note = recorder();
    fx = await startAgentKernel({ tools: [note.tool], turns: [writeTurn, { text: 'gave up' }] });
    const { agentId } = await fx.call('agent.spawn_and_run', {
      manifest: { name: 'shipper', tools: ['note'], approval_required: ['tool.use:note'] },
      message: 'ship',
    });
    const approval = await pendingApproval(agentId);
    await fx.call('approval.respond', { id: approval.id, decision: 'deny', note: 'not today' });
    assert.equal((await outcome(agentId)).status, 'completed');
    assert.deepEqual(note.runs, []);
    const result = await toolResult(agentId);
    assert.equal(result?.code, 'approval_denied');
    assert.match(String(result?.output), /a person denied this call: not today/);
  });

  it('count an expired approval as denied', async () => {
    const note = recorder();
    fx = await startAgentKernel({ tools: [note.tool], turns: [writeTurn, { text: 'timed out' }] });
    const { agentId } = await fx.call('agent.spawn_and_run', {
      manifest: { name: 'shipper', tools: ['note'], approval_required: ['note'], approval_timeout: '30ms' },
      message: 'ship',
    });
    assert.equal((await outcome(agentId)).status, 'completed');
    assert.deepEqual(note.runs, []);
    assert.match(String((await toolResult(agentId))?.output), /expired/);
    const { approvals } = (await fx.call('approval.list', { status: 'expired' })) as { approvals: Record<string, unknown>[] };
    assert.equal(approvals[0]?.decidedBy, 'service:kernel');
  });

  it('survive a restart: the resumed agent finds its approval and runs the call once approved', async () => {
    const before = recorder();
    fx = await startAgentKernel({ tools: [before.tool], turns: [writeTurn] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'shipper', tools: ['note'], approval_required: ['note'] }, message: 'ship' });
    const approval = await pendingApproval(agentId);
    const after = recorder();
    fx = await fx.restart({ tools: [after.tool], turns: [{ text: 'shipped after restart' }] });
    assert.equal(fx.resumed, 1);
    assert.equal((await pendingApproval(agentId)).id, approval.id);
    await fx.call('approval.respond', { id: approval.id, decision: 'approve' });
    const ended = await outcome(agentId);
    assert.equal(ended.status, 'completed');
    assert.deepEqual([before.runs.length, after.runs.length], [0, 1]);
  });

  it('are withdrawn when their agent is stopped', async () => {
    const note = recorder();
    fx = await startAgentKernel({ tools: [note.tool], turns: [writeTurn] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'shipper', tools: ['note'], approval_required: ['note'] }, message: 'ship' });
    const approval = await pendingApproval(agentId);
    assert.equal((await fx.call('agent.stop', { id: agentId })).status, 'stopped');
    const { approvals } = (await fx.call('approval.list', { status: 'expired' })) as { approvals: Record<string, unknown>[] };
    assert.deepEqual(approvals.map((a) => [a.id, a.note]), [[approval.id, 'the agent ended before a decision']]);
    assert.deepEqual(note.runs, []);
  });

  it('are decided only by their owner', async () => {
    fx = await startAgentKernel({ tools: [recorder().tool], turns: [writeTurn] });
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest: { name: 'shipper', tools: ['note'], approval_required: ['note'] }, message: 'ship' });
    const approval = await pendingApproval(agentId);
    const bob = new WireClient(fx.kernel, { principal: makePrincipal('user', 'bob', CapabilitySet.of(['approval.*', 'agent.*', 'tool.use:*'])) });
    const reply = await bob.call('approval.respond', { id: approval.id, decision: 'approve' });
    assert.equal(reply.payload?.code, 'not_found');
    const listed = await bob.call('approval.list', {});
    assert.deepEqual(listed.payload?.approvals, []);
  });

  it('stop a call whose reach covers a guarded folder, not only calls inside it', async () => {
    const turn = (id: string, path: string) => ({ toolCalls: [{ id, name: 'probe', input: { path } }] });
    fx = await startAgentKernel({ tools: [probe], turns: [turn('p1', '/home/alice/**'), { text: 'done' }] });
    const manifest = { name: 'reader', tools: ['probe'], capabilities: ['fs.read:/home/alice/**'], approval_required: ['fs.read:/home/alice/secret/**'] };
    const { agentId } = await fx.call('agent.spawn_and_run', { manifest, message: 'read everything' });
    const approval = await pendingApproval(agentId);
    assert.equal(approval.capability, 'fs.read:/home/alice/**');
    assert.equal(approval.rule, 'fs.read:/home/alice/secret/**', 'the person sees which rule asked');
    await fx.call('approval.respond', { id: approval.id, decision: 'deny' });
    assert.equal((await outcome(agentId)).status, 'completed');
    assert.equal((await toolResult(agentId))?.code, 'approval_denied');
  });
});
