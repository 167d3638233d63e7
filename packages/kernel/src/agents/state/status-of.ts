/**
 * An agent's status, read off its projected state rather than stored beside it: a model call in flight is
 * `waiting (model)`, an undecided approval `waiting (approval)`, a running tool that waits on a child or a
 * person `waiting (child | human)`, an idle persistent agent `waiting (message)`. The process table keeps
 * a coarse copy (`tableStatus`) for listing and for finding agents to resume, with a `summaryOf` what the
 * agent did, so an agent no longer in memory still shows its model, runs, usage and end.
 */
import type { AgentStatus, EndReason, WaitReason } from './agent-status.ts';
import type { AgentState } from './agent-state.ts';

export interface StatusView {
  status: AgentStatus;
  waiting?: WaitReason;
  reason?: EndReason;
}

export function statusOf(state: AgentState): StatusView {
  if (state.ended !== undefined) {
    return state.ended.reason === undefined ? { status: state.ended.status } : { status: state.ended.status, reason: state.ended.reason };
  }
  if (state.paused) return { status: 'waiting', waiting: 'paused' };
  const run = state.run;
  if (run === undefined) {
    if (state.inbox.length > 0 || state.runs === 0) return { status: 'queued' };
    return { status: 'waiting', waiting: 'message' };
  }
  if (run.modelPending) return { status: 'waiting', waiting: 'model' };
  if (run.turn !== undefined) {
    const calls = [...run.turn.progress.values()];
    if (calls.some((call) => call.approvalId !== undefined && call.decision === undefined)) return { status: 'waiting', waiting: 'approval' };
    const waiting = calls.find((call) => call.started?.waits !== undefined && call.finished !== true)?.started?.waits;
    if (waiting !== undefined) return { status: 'waiting', waiting };
  }
  return { status: 'running' };
}

/** What an agent did, as of its last status change. */
export interface AgentSummary {
  model?: string;
  runs: number;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  reason?: EndReason;
}

/** The model the agent uses: the one that answered last, else the manifest's (unset: the gateway's default). */
export function modelOf(state: AgentState): string | undefined {
  return state.model ?? state.info.manifest.model;
}

export function summaryOf(state: AgentState): AgentSummary {
  const model = modelOf(state);
  const reason = state.ended?.reason;
  return { ...(model === undefined ? {} : { model }), runs: state.runs, usage: { ...state.usage }, ...(reason === undefined ? {} : { reason }) };
}

/** The process table's copy: model waits count as running (they change every step). */
export function tableStatus(view: StatusView): string {
  if (view.status !== 'waiting' || view.waiting === 'model') return view.status === 'waiting' ? 'running' : view.status;
  return `waiting:${view.waiting ?? ''}`;
}
