/**
 * What a failed model attempt means for the gateway: which KernelError the caller would see, and whether to
 * retry the same model (429, 5xx, timeouts, network), move on to the next model of the fallback chain
 * (rejections and malformed answers, which the same model would repeat), or stop (cancelled). Provider
 * error bodies are not copied into messages — they can echo credentials; the cause is kept for logs.
 */
import { APICallError, EmptyResponseBodyError, InvalidResponseDataError, JSONParseError, TypeValidationError } from 'ai';
import { KernelError } from '../contracts/errors.ts';

export type FailureAction = 'retry' | 'fallback' | 'fail';

export interface Failure {
  error: KernelError;
  action: FailureAction;
  /** What the provider asked us to wait (retry-after-ms / retry-after), when it did. */
  retryAfterMs?: number;
}

/** A provider stream that broke its own protocol: bad JSON, an unknown event order, no finish event. */
export class MalformedStreamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedStreamError';
  }
}

export interface AttemptContext {
  model: string;
  /** The attempt's own timer fired. */
  timedOut: boolean;
  /** The caller's signal aborted. */
  cancelled: boolean;
  now?: () => number;
}

export function classifyFailure(thrown: unknown, context: AttemptContext): Failure {
  const { model } = context;
  if (context.cancelled) return { error: new KernelError('cancelled', `model call to ${model} was cancelled`, { model }), action: 'fail' };
  if (context.timedOut) {
    return { error: new KernelError('timeout', `${model} sent nothing within the attempt timeout`, { model }, { cause: thrown }), action: 'retry' };
  }
  if (thrown instanceof KernelError) return { error: thrown, action: thrown.code === 'cancelled' ? 'fail' : 'fallback' };
  if (APICallError.isInstance(thrown)) return classifyApiError(thrown, model, context.now ?? Date.now);
  if (isMalformed(thrown)) {
    return {
      error: new KernelError('internal_error', `${model} sent a malformed response`, { model, reason: 'malformed' }, { cause: thrown }),
      action: 'fallback',
    };
  }
  return { error: new KernelError('internal_error', `${model} failed`, { model }, { cause: thrown }), action: 'fallback' };
}

function classifyApiError(error: APICallError, model: string, now: () => number): Failure {
  const status = error.statusCode;
  const details: Record<string, unknown> = { model };
  if (status !== undefined) details.status = status;
  const cause = { cause: error };
  if (status === 429) {
    const retryAfterMs = retryAfter(error.responseHeaders, now);
    if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
    const failure: Failure = { error: new KernelError('rate_limited', `${model} is rate limited`, details, cause), action: 'retry' };
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  if (status === 408 || status === 504) {
    return { error: new KernelError('timeout', `${model} timed out (${status})`, details, cause), action: 'retry' };
  }
  if (status === undefined || status === 409 || status === 425 || status >= 500) {
    // No status: the connection failed before an answer (refused, reset); the SDK marks those retryable.
    const what = status === undefined ? 'could not be reached' : `answered ${status}`;
    return { error: new KernelError('internal_error', `${model} ${what}`, details, cause), action: 'retry' };
  }
  if (status === 401 || status === 403) {
    return {
      error: new KernelError('internal_error', `${model} rejected the configured credentials (${status}); check the provider's API key`, details, cause),
      action: 'fallback',
    };
  }
  if (status === 404) return { error: new KernelError('not_found', `${model} is unknown to its provider (404)`, details, cause), action: 'fallback' };
  if (status === 400 || status === 413 || status === 422) {
    return { error: new KernelError('payload_invalid', `${model} rejected the request (${status})`, details, cause), action: 'fallback' };
  }
  return { error: new KernelError('internal_error', `${model} answered ${status}`, details, cause), action: 'fallback' };
}

function isMalformed(thrown: unknown): boolean {
  return (
    thrown instanceof MalformedStreamError ||
    JSONParseError.isInstance(thrown) ||
    TypeValidationError.isInstance(thrown) ||
    InvalidResponseDataError.isInstance(thrown) ||
    EmptyResponseBodyError.isInstance(thrown)
  );
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfter(headers: Record<string, string> | undefined, now: () => number = Date.now): number | undefined {
  if (headers === undefined) return undefined;
  const lower = new Map(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value.trim()]));
  const ms = lower.get('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = lower.get('retry-after');
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}
