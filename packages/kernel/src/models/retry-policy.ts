/**
 * How long to wait before retrying a model call: exponential backoff with jitter, or exactly what the
 * provider asked for in retry-after. A retry-after longer than the policy's ceiling is not waited out —
 * the gateway moves on to the next model of the fallback chain instead of parking the agent for minutes.
 */
import { KernelError } from '../contracts/errors.ts';

export interface RetryPolicy {
  /** Attempts per model, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Waits `ms` unless the signal aborts first (then rejects with `cancelled`). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * The delay before retry number `failures` (1 after the first failure), or undefined when the provider's
 * retry-after exceeds the policy's ceiling. Jitter spreads the upper half: [d/2, d).
 */
export function retryDelay(failures: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs <= policy.maxDelayMs ? retryAfterMs : undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  return Math.floor(ceiling / 2 + (ceiling / 2) * random());
}

export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(cancelledWhileWaiting());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledWhileWaiting());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

function cancelledWhileWaiting(): KernelError {
  return new KernelError('cancelled', 'model call cancelled while waiting to retry');
}
