/**
 * Reconnect delays: exponential growth with full jitter (a uniformly random delay up to the current
 * ceiling), so clients dropped together do not come back together.
 */

export interface BackoffOptions {
  /** Ceiling of the first delay. Default 250 ms. */
  initialDelayMs?: number;
  /** Largest ceiling. Default 10 s. */
  maxDelayMs?: number;
  /** Growth of the ceiling per failed attempt. Default 2. */
  factor?: number;
}

/** Delay before reconnect attempt `attempt` (0 for the first). `random` returns values in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const factor = options.factor ?? 2;
  const ceiling = Math.min(max, initial * factor ** Math.min(attempt, 64));
  return Math.floor(random() * ceiling);
}
