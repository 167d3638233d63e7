/**
 * Call the model: the think half of a step. The request is logged before the call (what was asked, how
 * big), deltas are logged as they stream, and the answer is recorded with its usage, to be written with
 * whatever the next phase logs before its own effect. The run's
 * budget ledger goes with the call, so the gateway reserves and settles tokens and cost atomically. A
 * failure is returned, not thrown, for the coordinator to end the run with; a stop surfaces as `cancelled`.
 */
import { type KernelError, toKernelError } from '../../contracts/errors.ts';
import type { ModelResult } from '../../models/model-gateway.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { EndReason } from '../state/agent-status.ts';
import { type AgentEvent, event } from '../state/agent-events.ts';
import type { RunProgress } from '../state/agent-state.ts';
import { DeltaLog } from './delta-log.ts';
import type { LoopEnv } from './loop-env.ts';
import { prepareTurn } from './prepare-turn.ts';

export type ModelOutcome = { ok: true } | { ok: false; error: KernelError; reason: EndReason; events: AgentEvent[] };

export async function callModel(process: AgentProcess, run: RunProgress, env: LoopEnv): Promise<ModelOutcome> {
  const step = run.step + 1;
  const call = prepareTurn(process.state, env.tools, process.controller.signal);
  await process.append([
    event('model.requested', {
      runId: run.runId,
      step,
      ...(call.model === undefined ? {} : { model: call.model }),
      messages: call.messages.length,
      tools: call.tools.length,
    }),
  ]);
  const deltas = new DeltaLog(process, run.runId, step, env.limits);
  let result: ModelResult;
  try {
    result = await env.models.generate({ ...call, onDelta: (delta) => deltas.push(delta), ...(process.ledger === undefined ? {} : { budget: process.ledger }) });
  } catch (thrown) {
    const error = toKernelError(thrown);
    const rest = await deltas.drain().catch(() => []);
    const reason: EndReason = { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
    return { ok: false, error, reason, events: [...rest, event('model.failed', { runId: run.runId, step, code: error.code, message: error.message })] };
  }
  const rest = await deltas.drain();
  // Recorded, not yet written: the next phase's write (before its effect) makes the answer durable with it.
  process.record([
    ...rest,
    event('model.responded', {
      runId: run.runId,
      step,
      model: result.model,
      text: result.text,
      ...(result.reasoning === undefined ? {} : { reasoning: result.reasoning }),
      toolCalls: result.toolCalls,
      finishReason: result.finishReason,
    }),
    event('usage', { runId: run.runId, step, model: result.model, ...result.usage }),
  ]);
  return { ok: true };
}
