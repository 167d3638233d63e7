/**
 * The shape of a benchmark scenario (DESIGN §11). A scenario measures a figure and its baseline in the
 * same run and reports both; ratios are the result, absolute times are context.
 */
export interface Report {
  /** Prints `bench <scenario> <metric> <value> <unit>`. */
  figure(metric: string, value: number, unit: string): void;
  /** Prints `ratio <metric> <value>` (ours ÷ baseline, oriented so that higher is better unless said). */
  ratio(metric: string, value: number): void;
  /** A line of context (machine, parameters); prefixed with `#`. */
  note(text: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  run(report: Report): Promise<void>;
}

/** Percentile of an unsorted sample (nearest-rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Runs fn repeatedly for about `ms` milliseconds and returns operations per second. */
export async function throughput(ms: number, batch: number, fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < ms) {
    await fn();
    ops += batch;
  }
  return ops / ((performance.now() - start) / 1000);
}
