/**
 * The agent loop's coordinator (STYLE 3–4): asks `nextStep` what to do, does it through the phase that
 * owns it — call the model, execute tools, finish the run — and asks again, until the agent ends. Every
 * phase logs before it acts, so whatever point a crash interrupts, the same loop started on the replayed
 * state continues from there. A stop aborts whatever is in flight and ends the agent as `stopped`; a
 * kernel shutdown only detaches (the agent resumes at the next start).
 */
import { KernelError, toKernelError } from '../../contracts/errors.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { EndReason } from '../state/agent-status.ts';
import { event } from '../state/agent-events.ts';
import { callModel } from './call-model.ts';
import { executeTools } from './execute-tools.ts';
import { finishRun } from './finish-run.ts';
import type { LoopEnv } from './loop-env.ts';
import { nextStep } from './next-step.ts';

export const runIdOf = (agentId: string, run: number): string => `${agentId}.r${run}`;

function assertNever(step: never): never {
  throw new Error(`unhandled step ${JSON.stringify(step)}`);
}

/** An idle scheduled agent: when its next run is due, queue the message that starts it. */
async function idle(process: AgentProcess, env: LoopEnv, since: number): Promise<void> {
  const every = process.state.info.manifest.scheduleMs;
  if (every === undefined) return process.changed(since);
  const last = process.state.lastRunAt;
  const due = last === undefined ? env.now() : Date.parse(last) + every;
  if (due > env.now()) {
    const woken = process.changed(since);
    await Promise.race([woken, env.sleep(due - env.now(), process.controller.signal).catch(() => undefined)]);
    if (env.now() < due) return;
  }
  const messageId = `${process.id}.s${process.state.runs + 1}`;
  await process.append([event('message.received', { messageId, text: `Scheduled run (due ${new Date(due).toISOString()}).`, from: 'schedule' })]);
}

async function step(process: AgentProcess, env: LoopEnv): Promise<boolean> {
  // Read before deciding: a message or resume arriving while the decision is acted on is not missed.
  const since = process.generation;
  const next = nextStep(process.state, env.now());
  switch (next.kind) {
    case 'halt':
      await process.flush();
      return false;
    case 'paused':
      await process.flush();
      await process.changed(since);
      return true;
    case 'idle':
      await process.flush();
      await idle(process, env, since);
      return true;
    case 'start_run':
      process.record([event('run.started', { runId: runIdOf(process.id, process.state.runs + 1), messageId: next.message.messageId })]);
      env.runStarted(process);
      return true;
    case 'call_model': {
      if (process.ledger === undefined) env.runStarted(process);
      const outcome = await callModel(process, next.run, env);
      if (!outcome.ok) {
        // A stop (or the kernel stopping) makes the call fail however the gateway reports it: not a model failure.
        if (process.controller.signal.aborted) throw outcome.error;
        await finishRun(process, next.run, { outcome: 'failed', reason: outcome.reason, before: outcome.events }, env);
      }
      return true;
    }
    case 'run_tools':
      await executeTools(process, next.run, next.turn, env);
      return true;
    case 'finish_run':
      await finishRun(process, next.run, { outcome: 'completed', text: next.text }, env);
      return true;
    case 'fail_run':
      await finishRun(process, next.run, { outcome: 'failed', reason: next.reason }, env);
      return true;
    default:
      return assertNever(next);
  }
}

/** Ends the agent as stopped (after a stop) or failed (after an unexpected error), unless it was detached. */
async function settle(process: AgentProcess, thrown: unknown, env: LoopEnv): Promise<void> {
  if (process.detached !== undefined || process.state.ended !== undefined) return;
  const error = toKernelError(thrown);
  if (error.code === 'conflict') {
    process.detached = 'another writer appended to this agent log';
    env.logger.warn({ agent: process.id }, 'agent log taken over by another writer; no longer driving it here');
    return;
  }
  const stopped = process.controller.signal.aborted;
  const reason: EndReason = stopped
    ? (process.stopReason ?? { code: 'cancelled', message: 'the agent was stopped' })
    : { code: 'internal_error', message: 'the agent failed unexpectedly', details: { lastSeq: process.state.lastSeq } };
  if (!stopped) env.logger.error({ err: thrown, agent: process.id }, 'agent loop failed');
  try {
    const run = process.state.run;
    if (run !== undefined) await finishRun(process, run, { outcome: stopped ? 'stopped' : 'failed', reason }, { ...env, sleep: () => Promise.resolve() });
    if (process.state.ended === undefined) await process.append([event('agent.ended', { status: stopped ? 'stopped' : 'failed', reason })]);
  } catch (failure) {
    process.detached = 'could not record the end of the agent';
    env.logger.error({ err: failure, agent: process.id }, 'could not record the end of an agent; it resumes at the next start');
  }
}

export async function runLoop(process: AgentProcess, env: LoopEnv): Promise<void> {
  try {
    for (;;) {
      if (process.detached !== undefined) return;
      if (process.controller.signal.aborted) throw new KernelError('cancelled', `agent ${process.id} was stopped`);
      if (!(await step(process, env))) return;
    }
  } catch (thrown) {
    await settle(process, thrown, env);
  }
}
