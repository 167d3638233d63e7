/**
 * Finding lines that match a file_search pattern. A literal pattern is matched here with indexOf (linear,
 * the default). A regular expression runs in a worker thread (regex-worker.ts) under a time budget shared
 * by the whole call: when it runs out the worker is terminated, which stops even a catastrophically
 * backtracking pattern, and the search reports that it stopped. Lines are matched on their first
 * MAX_LINE_CHARS characters only, which bounds the work per line.
 */
import { Worker } from 'node:worker_threads';
import { KernelError } from '../../contracts/errors.ts';

export const MAX_LINE_CHARS = 4096;

/** [line (1-based), column] of the first match on each matching line. */
export type LineMatch = [number, number];

export interface LineMatcher {
  /** Matching lines of `text`, at most `max`; `undefined` when the time budget ran out (the matcher is spent). */
  match(text: string, max: number): Promise<LineMatch[] | undefined>;
  close(): Promise<void>;
}

export function literalMatcher(pattern: string, caseSensitive: boolean): LineMatcher {
  const needle = caseSensitive ? pattern : pattern.toLowerCase();
  return {
    match(text, max) {
      const found: LineMatch[] = [];
      const lines = text.split('\n');
      for (let i = 0; i < lines.length && found.length < max; i++) {
        const line = (lines[i] ?? '').slice(0, MAX_LINE_CHARS);
        const column = (caseSensitive ? line : line.toLowerCase()).indexOf(needle);
        if (column !== -1) found.push([i + 1, column]);
      }
      return Promise.resolve(found);
    },
    close: () => Promise.resolve(),
  };
}

/** Checks the pattern compiles (throws `payload_invalid` saying why) and starts its worker. */
export function regexMatcher(pattern: string, caseSensitive: boolean, budgetMs: number): LineMatcher {
  const flags = caseSensitive ? '' : 'i';
  try {
    new RegExp(pattern, flags);
  } catch (thrown) {
    throw new KernelError('payload_invalid', `invalid regular expression: ${(thrown as Error).message}`);
  }
  const worker = new Worker(new URL('./regex-worker.ts', import.meta.url), { workerData: { pattern, flags, maxLineChars: MAX_LINE_CHARS } });
  worker.unref();
  let left = budgetMs;
  let spent = false;
  return {
    async match(text, max) {
      if (spent) return undefined;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        return await new Promise<LineMatch[] | undefined>((resolve, reject) => {
          timer = setTimeout(() => {
            spent = true;
            resolve(undefined);
          }, Math.max(1, left));
          worker.once('message', (matches: LineMatch[]) => resolve(matches));
          worker.once('error', (error: Error) => {
            spent = true;
            reject(new KernelError('internal_error', `the regular expression worker failed: ${error.message}`));
          });
          worker.postMessage({ text, maxMatches: max });
        });
      } finally {
        clearTimeout(timer);
        worker.removeAllListeners('message');
        worker.removeAllListeners('error');
        left -= performance.now() - started;
        if (left <= 0) spent = true;
        if (spent) await worker.terminate();
      }
    },
    async close() {
      await worker.terminate();
    },
  };
}
