/**
 * Execute tools: the act and observe half of a step. The turn's unanswered calls are planned together;
 * those a person must approve are asked for at once (each approval logged, then persisted) and the agent
 * waits until all are decided; then the calls run in order, each logged as started before it runs and as
 * finished after, with an idempotency key of run, step and call id. On a resumed run a call logged as
 * started but never finished was in flight at the crash: an idempotent tool runs again with the same key,
 * any other is recorded as interrupted and the model is told it may or may not have taken effect.
 */
import { KernelError } from '../../contracts/errors.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import { event } from '../state/agent-events.ts';
import type { CallProgress, RunProgress, Turn } from '../state/agent-state.ts';
import type { LoopEnv } from './loop-env.ts';
import { checkCall, type PlannedCall, planCall } from './plan-calls.ts';
import { errorResult, runTool, type ToolResult } from './run-tool.ts';

const INTERRUPTED =
  'this call was in flight when the kernel restarted; it was not repeated because the tool is not idempotent, so it may or may not have taken effect — check before trying again';

export const idempotencyKey = (runId: string, step: number, callId: string): string => `${runId}:${step}:${callId}`;

function approvalIdOf(key: string): string {
  return `ap_${Buffer.from(key).toString('base64url')}`.slice(0, 250);
}

function plan(process: AgentProcess, turn: Turn, env: LoopEnv): PlannedCall[] {
  const context = {
    principal: process.principal,
    offered: process.state.info.manifest.tools,
    tools: env.tools,
    policy: process.policy,
    onDenied: (tool: string, missing: string) =>
      env.audit({ principal: process.principal.id, kind: 'denial', action: `tool:${tool}`, decision: 'deny', data: { missing } }),
  };
  return turn.calls.map((call, index) =>
    index < env.limits.maxToolCallsPerTurn
      ? planCall(call, context)
      : { kind: 'reject', call, code: 'resource_exceeded', message: `only ${env.limits.maxToolCallsPerTurn} tool calls are taken from one turn` },
  );
}

/** Asks for every approval the plan needs (logged first, then persisted) and waits until all are decided. */
async function approve(process: AgentProcess, run: RunProgress, turn: Turn, plans: readonly PlannedCall[], env: LoopEnv): Promise<void> {
  const needing = plans.filter((p) => p.kind === 'run' && p.approval !== undefined && turn.progress.get(p.call.id)?.decision === undefined);
  if (needing.length === 0) return;
  const timeout = process.state.info.manifest.approvalTimeoutMs;
  const expiresAt = timeout === undefined ? undefined : new Date(env.now() + timeout).toISOString();
  await process.append(
    needing
      .filter((p) => turn.progress.get(p.call.id)?.approvalId === undefined)
      .map((p) =>
        event('approval.requested', {
          runId: run.runId,
          step: turn.step,
          callId: p.call.id,
          approvalId: approvalIdOf(idempotencyKey(run.runId, turn.step, p.call.id)),
          tool: p.call.name,
          capability: p.kind === 'run' ? p.capability : null,
          ...(p.kind === 'run' && p.approval !== undefined ? { rule: p.approval } : {}),
          summary: p.kind === 'run' ? p.summary : '',
          ...(expiresAt === undefined ? {} : { expiresAt }),
        }),
      ),
  );
  for (const p of needing) {
    const progress = turn.progress.get(p.call.id) as CallProgress;
    // Idempotent: after a restart this finds the row (decided or not) instead of asking again.
    await env.approvals.open({
      id: progress.approvalId as string,
      kind: 'tool',
      agentId: process.id,
      owner: process.owner,
      callId: p.call.id,
      tool: p.call.name,
      capability: p.kind === 'run' ? p.capability : null,
      rule: p.kind === 'run' ? (p.approval ?? null) : null,
      summary: p.kind === 'run' ? p.summary : '',
      createdAt: new Date(env.now()).toISOString(),
      expiresAt: progress.expiresAt ?? null,
    });
  }
  for (const p of needing) {
    const approvalId = turn.progress.get(p.call.id)?.approvalId as string;
    const record = await env.approvals.wait(approvalId, process.controller.signal);
    await process.append([
      event('approval.decided', {
        runId: run.runId,
        callId: p.call.id,
        approvalId,
        decision: record.status === 'approved' ? 'approved' : record.status === 'expired' ? 'expired' : 'denied',
        by: record.decidedBy ?? 'unknown',
        ...(record.note === null ? {} : { note: record.note }),
      }),
    ]);
  }
}

/** Records a call's result; it is written with the next write (the next call's start, or the next model request). */
function finish(process: AgentProcess, run: RunProgress, turn: Turn, p: PlannedCall, key: string, result: ToolResult): void {
  process.record([
    event('tool.finished', {
      runId: run.runId,
      step: turn.step,
      callId: p.call.id,
      name: p.call.name,
      key,
      status: result.status,
      output: result.output,
      ...(result.code === undefined ? {} : { code: result.code }),
    }),
  ]);
}

export async function executeTools(process: AgentProcess, run: RunProgress, turn: Turn, env: LoopEnv): Promise<void> {
  const plans = plan(process, turn, env).filter((p) => turn.progress.get(p.call.id)?.finished !== true);
  await approve(process, run, turn, plans, env);
  for (const p of plans) {
    if (process.controller.signal.aborted) throw new KernelError('cancelled', `agent ${process.id} was stopped`);
    const progress = turn.progress.get(p.call.id) as CallProgress;
    const key = idempotencyKey(run.runId, turn.step, p.call.id);
    if (p.kind === 'reject') {
      finish(process, run, turn, p, key, errorResult(p.call.name, p.call.id, p.code, p.message));
      continue;
    }
    if (progress.decision === 'denied' || progress.decision === 'expired') {
      const why = progress.decision === 'expired' ? 'the approval expired without a decision' : `a person denied this call${progress.note === undefined ? '' : `: ${progress.note}`}`;
      finish(process, run, turn, p, key, errorResult(p.call.name, p.call.id, 'approval_denied', why));
      continue;
    }
    if (progress.started !== undefined && !p.tool.idempotent) {
      // Logged as interrupted, not as a failure of the tool.
      finish(process, run, turn, p, key, { ...errorResult(p.call.name, p.call.id, 'cancelled', INTERRUPTED), status: 'interrupted' });
      continue;
    }
    // Capabilities may have been revoked while the call waited for approval or for earlier calls.
    const denied = checkCall(process.principal, p.tool.name, p.capability);
    if (denied !== undefined) {
      finish(process, run, turn, p, key, errorResult(p.call.name, p.call.id, denied.code, denied.message));
      continue;
    }
    if (progress.started === undefined) {
      await process.append([
        event('tool.started', { runId: run.runId, step: turn.step, callId: p.call.id, name: p.call.name, key, input: p.input, ...(p.tool.waits === undefined ? {} : { waits: p.tool.waits }) }),
      ]);
    }
    await process.flush();
    const result = await runTool(process, p.tool, p.input, { id: p.call.id, runId: run.runId, key }, env);
    // Calls that used a capability beyond the tool itself are audited (file, network, compute, spawn, …);
    // every call, audited or not, is in the agent's own log.
    if (p.capability !== null) {
      env.audit({ principal: process.principal.id, kind: 'tool', action: p.tool.name, decision: 'allow', data: { key, capability: p.capability, status: result.status } });
    }
    finish(process, run, turn, p, key, result);
  }
}
