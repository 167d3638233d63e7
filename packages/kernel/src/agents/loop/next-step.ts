/**
 * Resolve the turn: what an agent does next, decided from its projected state alone (STYLE 4). Because it
 * reads nothing else, the same function drives a live run and a run resumed from its log after a crash:
 * a model call that never answered is asked again, tool calls without results are executed (or resolved
 * as interrupted), a finished answer ends the run. Step, token, cost and wall-time limits are checked here
 * before each model call.
 */
import type { AgentManifest } from '../manifest/manifest-schema.ts';
import type { EndReason } from '../state/agent-status.ts';
import type { AgentState, InboxMessage, RunProgress, Turn } from '../state/agent-state.ts';

export type NextStep =
  /** The agent has ended; the loop returns. */
  | { kind: 'halt' }
  /** Paused by a person; wait for agent.resume (or a stop). */
  | { kind: 'paused' }
  /** Nothing to do until a message arrives. */
  | { kind: 'idle' }
  | { kind: 'start_run'; message: InboxMessage }
  | { kind: 'call_model'; run: RunProgress }
  | { kind: 'run_tools'; run: RunProgress; turn: Turn }
  | { kind: 'finish_run'; run: RunProgress; text: string }
  | { kind: 'fail_run'; run: RunProgress; reason: EndReason };

function overBudget(run: RunProgress, manifest: AgentManifest, now: number): EndReason | undefined {
  const { budget } = manifest;
  if (run.step >= budget.steps) {
    return { code: 'resource_exceeded', message: `the run reached its limit of ${budget.steps} model steps`, details: { limit: 'steps', steps: budget.steps } };
  }
  if (budget.tokens !== undefined && run.tokens >= budget.tokens) {
    return { code: 'budget_exceeded', message: `the run used ${run.tokens} of its ${budget.tokens} tokens`, details: { limit: 'tokens', used: run.tokens } };
  }
  if (budget.costUsd !== undefined && run.costUsd >= budget.costUsd) {
    return { code: 'budget_exceeded', message: `the run spent $${run.costUsd.toFixed(4)} of its $${budget.costUsd}`, details: { limit: 'cost_usd', used: run.costUsd } };
  }
  const elapsed = now - Date.parse(run.startedAt);
  if (budget.wallTimeMs !== undefined && elapsed >= budget.wallTimeMs) {
    return { code: 'budget_exceeded', message: `the run ran for ${Math.round(elapsed / 1000)} s of its ${budget.wallTimeMs / 1000} s`, details: { limit: 'wall_time' } };
  }
  return undefined;
}

export function nextStep(state: AgentState, now: number): NextStep {
  if (state.ended !== undefined) return { kind: 'halt' };
  if (state.paused) return { kind: 'paused' };
  const run = state.run;
  if (run === undefined) {
    const [message] = state.inbox;
    return message === undefined ? { kind: 'idle' } : { kind: 'start_run', message };
  }
  if (run.turn !== undefined) return { kind: 'run_tools', run, turn: run.turn };
  if (run.final !== undefined && !run.modelPending) return { kind: 'finish_run', run, text: run.final };
  const exceeded = overBudget(run, state.info.manifest, now);
  if (exceeded !== undefined) return { kind: 'fail_run', run, reason: exceeded };
  return { kind: 'call_model', run };
}
