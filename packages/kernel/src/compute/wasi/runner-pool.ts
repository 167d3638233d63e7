/**
 * Forked runner processes, and a bounded warm pool of them. A runner serves exactly one guest and is then
 * gone; the pool only keeps up to `size` fresh runners started (process booted, worker loaded) so that a
 * spawn does not pay for that, and starts the next one as soon as one is taken. Idle runners are unref'd
 * so they never keep the kernel alive, and they exit by themselves if the kernel goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { GUEST_STDERR_FD, GUEST_STDOUT_FD, SPEC_FD, STATUS_FD, type RunnerMessage } from './protocol.ts';

const RUNNER = new URL('./runner.ts', import.meta.url);
const DIAGNOSTIC_BYTES = 4096;
const REFILL_DELAY_MS = 100;

export interface RunnerOptions {
  /** V8 old-space cap of the runner process, in MiB (its JS heap, not the guest's linear memory). */
  heapMb: number;
  /** V8 old-space cap of the guest's worker thread, in MiB. */
  workerHeapMb: number;
}

/**
 * A private directory for Node's compile cache, so a runner's boot skips re-parsing and type-stripping
 * the host's modules (roughly a third of the boot). Only used when it is ours alone: owned by this user,
 * no access for anyone else; otherwise runners boot without a cache.
 */
function compileCacheDir(): string | undefined {
  const dir = path.join(os.tmpdir(), `aether-wasi-compile-cache-${process.getuid?.() ?? 'user'}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700, recursive: true });
    const stats = fs.lstatSync(dir);
    const mine = stats.isDirectory() && stats.uid === process.getuid?.() && (stats.mode & 0o077) === 0;
    return mine ? dir : undefined;
  } catch {
    return undefined;
  }
}

const COMPILE_CACHE = compileCacheDir();

export class Runner {
  readonly child: ChildProcess;
  /** Where the RunSpec goes (read by the blocked worker). */
  readonly spec: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** One JSON Outcome line, then end of stream. */
  readonly status: Readable;
  /** Resolves once the runner's worker is loaded; rejects if it dies first. */
  readonly ready: Promise<void>;
  /** The tail of the runner's own stderr (Node diagnostics, never guest output). */
  diagnostics = '';
  /** True once `ready` resolved. */
  isReady = false;

  constructor(options: RunnerOptions) {
    this.child = fork(RUNNER, [String(options.workerHeapMb)], {
      execPath: process.execPath,
      execArgv: [`--max-old-space-size=${options.heapMb}`, '--disable-warning=ExperimentalWarning'],
      stdio: ['pipe', 'ignore', 'pipe', 'ipc', 'pipe', 'pipe', 'pipe'],
      serialization: 'advanced',
      env: COMPILE_CACHE === undefined ? {} : { NODE_COMPILE_CACHE: COMPILE_CACHE },
    });
    const stdio: readonly unknown[] = this.child.stdio;
    this.spec = stdio[SPEC_FD] as Writable;
    this.stdout = stdio[GUEST_STDOUT_FD] as Readable;
    this.stderr = stdio[GUEST_STDERR_FD] as Readable;
    this.status = stdio[STATUS_FD] as Readable;
    // Failures to fork, to send or to read surface as exits and outcomes; they must never be thrown
    // into the kernel as unhandled 'error' events.
    for (const emitter of [this.child, this.spec, this.stdout, this.stderr, this.status]) emitter.on('error', () => undefined);
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.diagnostics = (this.diagnostics + chunk.toString()).slice(-DIAGNOSTIC_BYTES);
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: RunnerMessage): void => {
        if (message.type !== 'ready') return;
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
      this.child.once('exit', () => reject(new Error('runner exited before it was ready')));
      this.child.once('error', (error) => reject(error));
    });
    this.ready.then(
      () => {
        this.isReady = true;
      },
      () => undefined,
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Lets an idle runner not hold the kernel's event loop open (or, with true, hold it again). */
  hold(held: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stderr, this.spec, this.stdout, this.stderr, this.status];
    for (const handle of handles) {
      const h = handle as { ref?: () => void; unref?: () => void } | null | undefined;
      if (held) h?.ref?.();
      else h?.unref?.();
    }
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}

export class RunnerPool {
  readonly #size: number;
  readonly #options: RunnerOptions;
  readonly #idle: Runner[] = [];
  #closed = false;

  constructor(size: number, options: RunnerOptions) {
    this.#size = Math.max(0, Math.floor(size));
    this.#options = options;
    this.#fill();
  }

  /** A fresh runner: a warm one from the pool when there is one, otherwise a cold fork. */
  take(): Runner {
    this.#prune();
    const readyAt = this.#idle.findIndex((candidate) => candidate.isReady);
    const runner = readyAt >= 0 ? this.#idle.splice(readyAt, 1)[0] : this.#idle.shift();
    // Start the replacement once this guest is done or well under way, not in the way of its start:
    // forking blocks the kernel's event loop for a few milliseconds.
    const refill = (): void => {
      clearTimeout(timer);
      this.#fill();
    };
    const timer = setTimeout(refill, REFILL_DELAY_MS).unref();
    const taken = runner ?? new Runner(this.#options);
    taken.hold(true);
    taken.child.once('exit', refill);
    return taken;
  }

  /** How many warm runners are booted and waiting. */
  get idle(): number {
    this.#prune();
    return this.#idle.filter((runner) => runner.isReady).length;
  }

  #prune(): void {
    for (let i = this.#idle.length - 1; i >= 0; i -= 1) {
      if (!(this.#idle[i] as Runner).alive) this.#idle.splice(i, 1);
    }
  }

  close(): void {
    this.#closed = true;
    for (const runner of this.#idle.splice(0)) runner.kill();
  }

  #fill(): void {
    while (!this.#closed && this.#idle.length < this.#size) {
      const runner = new Runner(this.#options);
      runner.hold(false);
      runner.child.once('exit', () => {
        const index = this.#idle.indexOf(runner);
        if (index >= 0) this.#idle.splice(index, 1);
      });
      this.#idle.push(runner);
    }
  }
}
