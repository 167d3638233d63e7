/**
 * The runner process (forked by the kernel, one per guest, never reused). It starts the guest's worker at
 * once so a pooled runner is warm and tells the kernel when the worker is loaded. After that its main
 * thread only feeds stdin from IPC into the shared stdin channel — the RunSpec, the output and the outcome
 * go between kernel and worker directly (see protocol.ts). If the worker dies without reporting (out of
 * memory, a crash), the main thread writes the outcome instead. It exits when the kernel goes away.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { STATUS_FD, type Outcome, type ParentMessage, type RunnerMessage } from './protocol.ts';
import { createStdinBuffer, StdinProducer } from './stdin-channel.ts';

const WORKER_HEAP_MB = Number(process.argv[2] ?? 128);

function send(message: RunnerMessage): void {
  if (process.connected) process.send?.(message);
}

const stdinBuffer = createStdinBuffer();
const stdin = new StdinProducer(stdinBuffer);
let reported = false;

/** Reports an outcome the worker could not report itself, then ends the runner. */
function fail(outcome: Outcome): void {
  if (!reported) {
    reported = true;
    try {
      fs.writeSync(STATUS_FD, `${JSON.stringify(outcome)}\n`);
    } catch {
      // The kernel is gone or stopped listening; exiting is all that is left.
    }
  }
  process.exit(0);
}

const worker = new Worker(new URL('./guest-worker.ts', import.meta.url), {
  workerData: { stdinBuffer },
  resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 16 },
  stdout: false,
  stderr: false,
});

worker.on('message', (message: unknown) => {
  if (message === 'ready') send({ type: 'ready' });
  else if (message === 'reported') reported = true;
});
worker.on('error', (error: Error & { code?: string }) => {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') fail({ type: 'limit', limit: 'memory', message: 'the guest ran out of memory' });
  else fail({ type: 'trap', message: error.message });
});
worker.on('exit', () => fail({ type: 'trap', message: 'the guest worker stopped' }));

process.on('message', (message: ParentMessage) => {
  if (message.type === 'stdin') stdin.push(message.data);
  else if (message.type === 'stdin-end') stdin.end();
});
process.on('disconnect', () => process.exit(0));
