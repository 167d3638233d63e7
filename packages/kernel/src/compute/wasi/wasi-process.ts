/**
 * One running guest as the kernel sees it. Owns its runner: sends the RunSpec once the runner is ready,
 * streams the guest's stdout/stderr as events, feeds stdin, and enforces the limits from outside the
 * guest — SIGKILL at the wall-time limit (`timeout`) and when the output limit is crossed
 * (`resource_exceeded`, counted here as well as in the worker). `exit` always resolves, exactly once, after
 * all of the guest's output was emitted: as soon as its outcome is in and its output pipes are closed, or
 * else when the runner process is gone.
 */
import { EventEmitter } from 'node:events';
import { encodeSpec, isOutcome, type Outcome, type ParentMessage, type RunSpec } from './protocol.ts';
import type { Runner } from './runner-pool.ts';

export type ExitReason = 'timeout' | 'resource_exceeded' | 'payload_invalid';

export interface WasiExit {
  /** The guest's exit code (proc_exit, or 0 when `_start` returned); null when it did not exit itself. */
  code: number | null;
  /** Set when the runner was killed by a signal (ours or the system's). */
  signal?: string;
  /** Why the guest was stopped, as a KernelError code. */
  reason?: ExitReason;
  /** What happened, for a trap, an invalid module or a limit. */
  message?: string;
  usage: { wallMs: number; outputBytes: number };
}

export interface ProcessLimits {
  wallMs: number;
  outputBytes: number;
}

export interface WasiProcessEvents {
  stdout: [Uint8Array];
  stderr: [Uint8Array];
}

export class WasiProcess extends EventEmitter<WasiProcessEvents> {
  readonly exit: Promise<WasiExit>;
  readonly #runner: Runner;
  readonly #limits: ProcessLimits;
  readonly #started = performance.now();
  #outputBytes = 0;
  #killedFor: ExitReason | 'killed' | undefined;
  #outcome: Outcome | undefined;
  #stdinOpen: boolean;
  #timer: NodeJS.Timeout | undefined;
  #connected = false;
  readonly #pending: ParentMessage[] = [];

  constructor(runner: Runner, spec: RunSpec, limits: ProcessLimits, stdin: { initial?: Uint8Array; keepOpen: boolean }) {
    super();
    this.#runner = runner;
    this.#limits = limits;
    this.#stdinOpen = true;
    const child = runner.child;
    let resolveExit: (exit: WasiExit) => void = () => undefined;
    this.exit = new Promise((resolve) => {
      resolveExit = resolve;
    });
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(this.#timer);
      resolveExit(this.#result(code, signal));
      // A runner serves one guest: once its outcome and all output are in, reap it without waiting.
      this.#runner.kill();
    };
    // The fast path: the worker reported its outcome and closed every pipe, so all output has been read.
    let open = 3;
    const ended = (): void => {
      open -= 1;
      if (open === 0 && this.#outcome !== undefined) settle(null, null);
    };
    let status = '';
    runner.status.on('data', (chunk: Buffer) => {
      status += chunk.toString();
    });
    runner.status.once('end', () => {
      const outcome: unknown = status.trim() === '' ? undefined : JSON.parse(status.trim().split('\n')[0] as string);
      if (isOutcome(outcome)) this.#outcome ??= outcome;
      ended();
    });
    runner.stdout.on('data', (chunk: Buffer) => this.#output('stdout', chunk)).once('end', ended);
    runner.stderr.on('data', (chunk: Buffer) => this.#output('stderr', chunk)).once('end', ended);
    // The slow path: the runner process is gone (killed, crashed, or exited after reporting).
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => settle(code, signal));
    // A runner that could not even be started (fork failed) never closes: settle on its error.
    child.once('error', () => {
      if (child.pid === undefined) settle(null, null);
    });
    if (Number.isFinite(limits.wallMs)) {
      this.#timer = setTimeout(() => this.#stop('timeout'), Math.max(0, limits.wallMs));
    }
    // The worker is (or soon will be) blocked reading this; no need to wait for the runner to be ready.
    runner.spec.end(encodeSpec(spec));
    if (stdin.initial !== undefined && stdin.initial.length > 0) this.write(stdin.initial);
    if (!stdin.keepOpen) this.end();
    runner.ready.then(
      () => {
        this.#connected = true;
        for (const message of this.#pending.splice(0)) this.#send(message);
      },
      () => undefined,
    );
  }

  /** Feeds the guest's standard input (ignored once it ended or the guest is gone). */
  write(data: Uint8Array): void {
    if (this.#stdinOpen) this.#send({ type: 'stdin', data });
  }

  /** Ends standard input: the guest's next read past the buffered bytes sees end of file. */
  end(): void {
    if (!this.#stdinOpen) return;
    this.#stdinOpen = false;
    this.#send({ type: 'stdin-end' });
  }

  /** IPC to the runner's main thread, queued until it is listening. */
  #send(message: ParentMessage): void {
    if (!this.#connected) this.#pending.push(message);
    else if (this.#runner.child.connected) this.#runner.child.send(message);
  }

  /** Stops the guest now (SIGKILL). */
  kill(): void {
    this.#stop('killed');
  }

  get pid(): number | undefined {
    return this.#runner.child.pid;
  }

  #stop(why: ExitReason | 'killed'): void {
    if (this.#killedFor !== undefined || !this.#runner.alive) return;
    this.#killedFor = why;
    this.#runner.kill();
  }

  #output(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const room = this.#limits.outputBytes - this.#outputBytes;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#outputBytes += part.length;
    this.emit(stream, new Uint8Array(part.buffer, part.byteOffset, part.length));
    if (chunk.length > room) this.#stop('resource_exceeded');
  }

  #result(code: number | null, signal: NodeJS.Signals | null): WasiExit {
    const usage = { wallMs: performance.now() - this.#started, outputBytes: this.#outputBytes };
    const outcome = this.#outcome;
    if (this.#killedFor !== undefined && outcome?.type !== 'exit') {
      const reason = this.#killedFor === 'killed' ? undefined : this.#killedFor;
      return { code: null, signal: signal ?? 'SIGKILL', ...(reason === undefined ? {} : { reason }), usage };
    }
    if (outcome?.type === 'exit') return { code: outcome.code, usage };
    if (outcome?.type === 'limit') return { code: null, reason: 'resource_exceeded', message: outcome.message, usage };
    if (outcome?.type === 'invalid') return { code: null, reason: 'payload_invalid', message: outcome.message, usage };
    if (outcome?.type === 'trap') return { code: null, message: `guest trapped: ${outcome.message}`, usage };
    // The runner died on its own before reporting: the system killed it, almost always for memory.
    const died = signal ?? `exit ${code ?? '?'}`;
    return {
      code: null,
      ...(signal === null ? {} : { signal }),
      reason: 'resource_exceeded',
      message: `the runner died (${died}) ${this.#runner.diagnostics.trim().split('\n').at(-1) ?? ''}`.trim(),
      usage,
    };
  }
}
