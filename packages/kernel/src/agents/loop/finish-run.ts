/**
 * Persist a run's end: `run.finished` with its outcome, and what that means for the agent, in one append.
 * An on-demand agent ends with its run. A persistent or scheduled agent lives on: a stop ends it; a failed
 * run restarts it under its restart policy (`never`: the failure ends it; `on-failure`: up to
 * `max_restarts` times; `always`: every time), with a fresh conversation after a backoff that doubles per
 * consecutive restart, up to five minutes.
 */
import type { AgentProcess } from '../process/agent-process.ts';
import type { EndReason } from '../state/agent-status.ts';
import { type AgentEvent, event, type RunOutcome } from '../state/agent-events.ts';
import type { RunProgress } from '../state/agent-state.ts';
import type { LoopEnv } from './loop-env.ts';

const MAX_BACKOFF_MS = 5 * 60_000;

export interface RunEnd {
  outcome: RunOutcome;
  text?: string;
  reason?: EndReason;
  /** Events to log in the same append, before run.finished (e.g. model.failed). */
  before?: AgentEvent[];
}

export async function finishRun(process: AgentProcess, run: RunProgress, end: RunEnd, env: LoopEnv): Promise<void> {
  const { manifest } = process.state.info;
  const reason = end.reason === undefined ? {} : { reason: end.reason };
  const events: AgentEvent[] = [
    ...(end.before ?? []),
    event('run.finished', { runId: run.runId, messageId: run.messageId, outcome: end.outcome, ...(end.text === undefined ? {} : { text: end.text }), ...reason }),
  ];
  let backoff: number | undefined;
  if (manifest.lifecycle === 'on-demand' || end.outcome === 'stopped') {
    events.push(event('agent.ended', { status: end.outcome, ...reason }));
  } else if (end.outcome === 'failed') {
    const { policy, max_restarts: maxRestarts, backoff: base } = manifest.restart;
    const attempt = process.state.restarts + 1;
    if (policy === 'never' || (policy === 'on-failure' && attempt > maxRestarts)) {
      events.push(event('agent.ended', { status: 'failed', ...reason }));
    } else {
      events.push(event('agent.restarted', { attempt, reason: end.reason ?? { code: 'internal_error', message: 'the run failed' } }));
      backoff = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(attempt - 1, 20));
    }
  }
  await process.append(events);
  if (backoff !== undefined) await env.sleep(backoff, process.controller.signal);
}
