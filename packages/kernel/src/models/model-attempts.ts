/**
 * One model of a call's fallback chain, tried until it answers or gives up: each attempt takes a slot in
 * the provider's fair queue (given back between attempts, so backoff never holds capacity), streams one
 * turn, and on failure waits out backoff or retry-after before the next. Once deltas have reached the
 * caller, a failure is final: repeating the turn would repeat what the caller already saw.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelMessage as SdkMessage, ToolSet } from 'ai';
import { KernelError } from '../contracts/errors.ts';
import type { FairQueue } from './fair-queue.ts';
import type { ModelCall } from './model-gateway.ts';
import { type Failure, classifyFailure } from './model-failure.ts';
import { type RetryPolicy, type Sleep, retryDelay } from './retry-policy.ts';
import { AttemptError, type TurnOutcome, streamTurn } from './stream-turn.ts';

export interface ModelRun {
  /** `provider/model`, for errors. */
  model: string;
  language: LanguageModelV3;
  queue: FairQueue;
  call: ModelCall;
  messages: SdkMessage[];
  tools: ToolSet;
  maxOutputTokens: number | undefined;
  policy: RetryPolicy;
  idleTimeoutMs: number;
  sleep: Sleep;
  random: () => number;
}

export type RunOutcome = { ok: true; turn: TurnOutcome; attempts: number } | { ok: false; failure: Failure; attempts: number };

export async function runModel(run: ModelRun): Promise<RunOutcome> {
  const { call } = run;
  for (let attempt = 1; ; attempt += 1) {
    let release: (() => void) | undefined;
    try {
      release = await run.queue.acquire({ agentId: call.agentId, priority: call.priority ?? 0, signal: call.signal });
      const turn = await streamTurn({
        model: run.language,
        messages: run.messages,
        tools: run.tools,
        signal: call.signal,
        idleTimeoutMs: run.idleTimeoutMs,
        ...(call.system === undefined ? {} : { system: call.system }),
        ...(run.maxOutputTokens === undefined ? {} : { maxOutputTokens: run.maxOutputTokens }),
        ...(call.onDelta === undefined ? {} : { onDelta: call.onDelta }),
      });
      return { ok: true, turn, attempts: attempt };
    } catch (thrown) {
      const failure = failureOf(thrown, run.model, call.signal);
      if (failure.action !== 'retry' || attempt >= run.policy.maxAttempts) return { ok: false, failure, attempts: attempt };
      const delay = retryDelay(attempt, run.policy, run.random, failure.retryAfterMs);
      if (delay === undefined) return { ok: false, failure: { ...failure, action: 'fallback' }, attempts: attempt };
      release?.();
      release = undefined;
      try {
        await run.sleep(delay, call.signal);
      } catch (sleepFailure) {
        return { ok: false, failure: failureOf(sleepFailure, run.model, call.signal), attempts: attempt };
      }
    } finally {
      release?.();
    }
  }
}

function failureOf(thrown: unknown, model: string, signal: AbortSignal): Failure {
  if (thrown instanceof AttemptError) {
    if (thrown.fromCaller) {
      return { error: new KernelError('internal_error', 'the onDelta callback threw', { model }, { cause: thrown.cause }), action: 'fail' };
    }
    const failure = classifyFailure(thrown.cause, { model, timedOut: thrown.timedOut, cancelled: thrown.cancelled });
    if (thrown.emitted && failure.action !== 'fail') {
      return { error: withDetail(failure.error, 'partial', true), action: 'fail' };
    }
    return failure;
  }
  // Thrown by the queue (resource_exceeded, cancelled) or the sleep (cancelled).
  if (signal.aborted) return { error: new KernelError('cancelled', `model call to ${model} was cancelled`, { model }), action: 'fail' };
  if (thrown instanceof KernelError) return { error: thrown, action: thrown.code === 'resource_exceeded' ? 'fallback' : 'fail' };
  return { error: new KernelError('internal_error', `${model} failed`, { model }, { cause: thrown }), action: 'fail' };
}

function withDetail(error: KernelError, key: string, value: unknown): KernelError {
  return new KernelError(error.code, error.message, { ...error.details, [key]: value }, { cause: error.cause });
}
