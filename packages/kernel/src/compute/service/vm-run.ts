/**
 * One vm as the service tracks it: who owns it, what it runs, and its run from output to exit. It turns
 * the backend's output into `vm.stdout` / `vm.stderr` events, enforces the idle limit where the backend
 * does not (wasi), and at the end publishes `vm.error` for a breach and then `vm.exit`, in that order on
 * the vm's stream. A kill asked for before the process exists is applied as soon as it does. Events are
 * held until `release()`, which the service calls once the spawn's ack is on its way, so a client hears
 * of its vm before any of the vm's events arrive.
 */
import type { VmLimits } from './compute-config.ts';
import type { Backend, VmInfo } from './vm-contracts.ts';
import type { VmEvents } from './vm-events.ts';
import type { OutputSink, VmExitStatus, VmProcess } from './vm-process.ts';

export interface VmRunOptions {
  id: string;
  owner: string;
  backend: Backend;
  argv: readonly string[];
  cwd: string | undefined;
  tty: boolean;
  limits: VmLimits;
  /** Enforce `limits.idleMs` here (the sandbox runtime enforces its own). */
  watchIdle: boolean;
  events: VmEvents;
}

const BREACHES = new Set(['timeout', 'resource_exceeded']);

function breachMessage(reason: string, limit: string, limits: VmLimits): string {
  if (limit === 'wall') return `wall-time limit of ${limits.wallMs} ms reached`;
  if (limit === 'idle') return `no output for ${limits.idleMs} ms (idle limit)`;
  if (limit === 'output') return `output limit of ${limits.outputBytes} bytes exceeded`;
  if (limit === 'memory') return `memory limit of ${limits.memoryBytes} bytes exceeded`;
  if (limit === 'cpu') return `CPU time limit of ${limits.cpuSeconds} s exceeded`;
  if (limit === 'processes') return `process limit of ${limits.processes} reached`;
  return `${reason}: ${limit} limit`;
}

export class VmRun {
  readonly id: string;
  readonly owner: string;
  readonly finished: Promise<void>;
  readonly #options: VmRunOptions;
  readonly #startedAt = new Date().toISOString();
  #proc: VmProcess | undefined;
  #killRequested = false;
  #idleBreach = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #resolveFinished: () => void = () => undefined;
  #held: (() => void)[] | undefined = [];

  constructor(options: VmRunOptions) {
    this.id = options.id;
    this.owner = options.owner;
    this.#options = options;
    this.finished = new Promise((resolve) => {
      this.#resolveFinished = resolve;
    });
  }

  /** Where the backend delivers output. */
  readonly sink: OutputSink = (stream, bytes) => {
    if (bytes.length === 0) return;
    this.#armIdle();
    const copy = this.#held === undefined ? bytes : new Uint8Array(bytes);
    this.#emit(() => this.#options.events.output(this.id, this.owner, stream, copy));
  };

  /** Starts following a launched process; resolves `finished` once vm.exit is out. */
  attach(proc: VmProcess): void {
    this.#proc = proc;
    this.#armIdle();
    if (this.#killRequested) proc.kill();
    void proc.exit.then(
      (status) => this.#finish(status),
      // A backend that failed to report still ends the vm, with an exit that says so.
      () => this.#finish({ code: null, signal: null, message: 'the vm ended without a status (internal error)', usage: { wallMs: 0, outputBytes: 0 } }),
    );
  }

  /** Publishes the events held so far, and every later one as it happens. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const publish of held) publish();
  }

  /** For a launch that failed: nothing was published, nothing will be. */
  abandon(): void {
    this.#resolveFinished();
  }

  write(data: Uint8Array): void {
    this.#proc?.write(data);
  }

  end(): void {
    this.#proc?.end();
  }

  resize(rows: number, cols: number): void {
    this.#proc?.resize(rows, cols);
  }

  kill(): void {
    this.#killRequested = true;
    this.#proc?.kill();
  }

  info(): VmInfo {
    const { backend, argv, cwd, tty } = this.#options;
    return {
      vmId: this.id, backend, owner: this.owner, argv: [...argv], tty,
      state: this.#killRequested ? 'finishing' : 'running', startedAt: this.#startedAt,
      ...(cwd === undefined ? {} : { cwd }),
    };
  }

  #armIdle(): void {
    const { idleMs } = this.#options.limits;
    if (!this.#options.watchIdle || idleMs <= 0 || this.#proc === undefined) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#idleBreach = true;
      this.#proc?.kill();
    }, idleMs);
  }

  #emit(publish: () => void): void {
    if (this.#held === undefined) publish();
    else this.#held.push(publish);
  }

  #finish(status: VmExitStatus): void {
    clearTimeout(this.#idleTimer);
    const { events, limits } = this.#options;
    let { reason, limit } = status;
    // Our own idle kill shows up as a plain kill from the backend's side.
    if (this.#idleBreach && status.code === null) {
      reason = 'timeout';
      limit = 'idle';
    }
    if (reason !== undefined && BREACHES.has(reason)) {
      const which = limit ?? (reason === 'timeout' ? 'wall' : 'output');
      const error = { code: reason as 'timeout' | 'resource_exceeded', error: breachMessage(reason, which, limits), limit: which };
      this.#emit(() => events.error(this.id, this.owner, error));
    }
    const exit = {
      code: status.code,
      signal: status.signal,
      ...(reason === undefined ? {} : { reason }),
      ...(status.message === undefined ? {} : { message: status.message }),
      usage: status.usage,
      ...(status.sync === undefined ? {} : { sync: status.sync }),
    };
    this.#emit(() => {
      events.exit(this.id, this.owner, exit);
      this.#resolveFinished();
    });
  }
}
