/**
 * One running sandbox: the bubblewrap child process, its start handshake (bubblewrap reports its inner
 * pid, we move both into the cgroup, bring up its network when granted, then release it), the output
 * streams with the kernel-side limits, and the exit report. Killing the outer bubblewrap kills the
 * sandbox's pid 1 (`--die-with-parent`), and the kernel then kills everything in that pid namespace, so
 * one SIGKILL ends the whole tree; the network process is stopped and reaped before the exit is reported.
 */
import type { ChildProcess } from 'node:child_process';
import { readlink } from 'node:fs/promises';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { KernelError } from '../../contracts/errors.ts';
import { BLOCK_FD, INFO_FD } from './bwrap-args.ts';
import type { SandboxCgroup } from './cgroup-host.ts';
import { exitStatus } from './exit-status.ts';
import { LimitWatch } from './limit-watch.ts';
import type { SlirpNet } from './slirp-net.ts';
import type { LimitMode, SandboxExit, SandboxLimits, SandboxProcess } from './types.ts';

const DIAGNOSTIC_BYTES = 4096;
const START_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 5_000;

export interface RunOptions {
  id: string;
  child: ChildProcess;
  cgroup: SandboxCgroup | undefined;
  mode: LimitMode;
  limits: SandboxLimits;
  /** Output of the program is passed through this (the tty relay decodes its framing). */
  resize?: (rows: number, cols: number) => void;
  /** With `net`: how to start the network, and the data pipe bubblewrap waits on until it is up. */
  network?: NetworkSetup;
}

export interface NetworkSetup {
  start(innerPid: number, signal: AbortSignal): Promise<SlirpNet>;
  gateFd: number;
  gateContent: string;
}

export class SandboxRun implements SandboxProcess {
  readonly id: string;
  readonly pid: number;
  readonly mode: LimitMode;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin: Writable;
  readonly exit: Promise<SandboxExit>;
  readonly #child: ChildProcess;
  readonly #cgroup: SandboxCgroup | undefined;
  readonly #watch: LimitWatch;
  readonly #started = Date.now();
  readonly #resize: ((rows: number, cols: number) => void) | undefined;
  readonly #network: NetworkSetup | undefined;
  /** Aborted when bubblewrap exits, so a network still starting is stopped too. */
  readonly #sandboxEnded = new AbortController();
  #net: Promise<SlirpNet> | undefined;
  #diagnostic = '';
  #closed = false;
  #inner: { pid: number; ns: string | undefined } | undefined;

  constructor(options: RunOptions) {
    const { child, cgroup, limits } = options;
    if (child.pid === undefined || !child.stdin || !child.stdout || !child.stderr) {
      throw new KernelError('internal_error', 'sandbox process did not start');
    }
    this.id = options.id;
    this.pid = child.pid;
    this.mode = options.mode;
    this.#child = child;
    this.#cgroup = cgroup;
    this.#resize = options.resize;
    this.#network = options.network;
    this.stdin = child.stdin;
    // The program may exit without reading its input, and bubblewrap closes its ends of our side pipes;
    // neither is an error of the run.
    for (const stream of child.stdio) stream?.on('error', () => {});
    this.#watch = new LimitWatch(limits, () => this.kill());
    if (cgroup) this.#watch.watchCpu(async () => (await cgroup.usage()).cpuMs);
    this.#pipe(child.stdout, this.stdout);
    this.#pipe(child.stderr, this.stderr, true);
    this.exit = this.#waitExit(limits);
  }

  kill(): void {
    if (this.#closed) return;
    this.#child.kill('SIGKILL');
    void this.#cgroup?.killAll();
  }

  resize(rows: number, cols: number): void {
    this.#resize?.(rows, cols);
  }

  /** Completes the start handshake; rejects (after killing the sandbox) when bubblewrap cannot set up. */
  async start(): Promise<void> {
    try {
      const innerPid = await this.#readInnerPid();
      if (this.#cgroup) {
        await this.#cgroup.add(this.pid);
        await this.#cgroup.add(innerPid);
      }
      if (this.#network) {
        this.#net = this.#network.start(innerPid, this.#sandboxEnded.signal);
        await this.#net;
        const gate = this.#child.stdio[this.#network.gateFd] as Writable | null;
        if (!gate) throw new Error('no network gate pipe');
        gate.end(this.#network.gateContent);
      }
      const block = this.#child.stdio[BLOCK_FD] as Writable | null;
      if (!block) throw new Error('no release pipe');
      block.end('1');
    } catch (cause) {
      this.kill();
      await this.exit;
      const detail = this.#diagnostic.trim() || (cause instanceof Error ? cause.message : '');
      throw new KernelError('internal_error', `sandbox failed to start${detail ? `: ${detail}` : ''}`, { sandbox: this.id }, { cause });
    }
  }

  /**
   * Reads bubblewrap's info JSON to its end: bubblewrap writes it in several pieces and dies of SIGPIPE
   * if the pipe is closed early.
   */
  #readInnerPid(): Promise<number> {
    const info = this.#child.stdio[INFO_FD] as Readable | null;
    return new Promise((resolve, reject) => {
      if (!info) return reject(new Error('no info pipe'));
      let text = '';
      let done = false;
      const timer = setTimeout(() => finish(), START_TIMEOUT_MS);
      const finish = (error?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        info.destroy();
        const pid = Number(/"child-pid"\s*:\s*(\d+)/.exec(text)?.[1]);
        const ns = /"pid-namespace"\s*:\s*(\d+)/.exec(text)?.[1];
        if (Number.isInteger(pid) && pid > 0) {
          this.#inner = { pid, ns };
          resolve(pid);
        } else reject(error ?? new Error('bubblewrap did not report its pid'));
      };
      info.on('data', (chunk: Buffer) => {
        if (done) return;
        text += chunk.toString('utf8');
        if (text.length > 4096) finish(new Error('unreadable bubblewrap info'));
      });
      info.once('end', () => finish());
      info.on('error', (error: Error) => finish(error));
    });
  }

  /**
   * If bubblewrap died during setup (before its child armed its own parent-death signal), that child
   * stays blocked forever holding our pipes. Kill it — identified by the pid namespace bubblewrap reported,
   * so a recycled pid is never hit.
   */
  async #reapOrphan(): Promise<void> {
    const inner = this.#inner;
    if (!inner?.ns) return;
    try {
      if ((await readlink(`/proc/${inner.pid}/ns/pid`)) === `pid:[${inner.ns}]`) process.kill(inner.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Stops the network with the sandbox, also one still starting, and waits until it is reaped. */
  async #stopNetwork(): Promise<void> {
    this.#sandboxEnded.abort();
    const net = await this.#net?.catch(() => undefined);
    await net?.stop();
  }

  /** Waits for stdout/stderr to drain; bounded, since only processes of this sandbox can hold them. */
  async #streamsClosed(closed: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const stream of this.#child.stdio) stream?.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
    });
    await Promise.race([closed, grace]);
    clearTimeout(timer);
  }

  #pipe(from: Readable, to: PassThrough, diagnostic = false): void {
    from.on('data', (chunk: Buffer) => {
      if (diagnostic && this.#diagnostic.length < DIAGNOSTIC_BYTES) this.#diagnostic += chunk.toString('utf8', 0, DIAGNOSTIC_BYTES);
      const allowed = this.#watch.output(chunk.length);
      if (allowed > 0) to.write(allowed === chunk.length ? chunk : chunk.subarray(0, allowed));
    });
  }

  async #waitExit(limits: SandboxLimits): Promise<SandboxExit> {
    const closed = new Promise<void>((resolve) => this.#child.once('close', () => resolve()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      this.#child.once('exit', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
    });
    await this.#stopNetwork();
    await this.#reapOrphan();
    await this.#streamsClosed(closed);
    this.#closed = true;
    this.#watch.stop();
    this.stdout.end();
    this.stderr.end();
    const measured = (await this.#cgroup?.usage()) ?? {};
    const oom = (await this.#cgroup?.oomKilled()) ?? false;
    const pidsOut = (await this.#cgroup?.pidsExhausted()) ?? false;
    await this.#cgroup?.remove();
    const status = exitStatus(code, signal);
    if (oom) this.#watch.note({ reason: 'resource_exceeded', limit: 'memory' });
    if (status.signal === 'SIGXCPU' || (status.signal === 'SIGKILL' && (measured.cpuMs ?? 0) >= limits.cpuSeconds * 1000)) {
      this.#watch.note({ reason: 'resource_exceeded', limit: 'cpu' });
    }
    if (status.signal === 'SIGXFSZ') this.#watch.note({ reason: 'resource_exceeded', limit: 'file' });
    if (pidsOut && status.code !== 0) this.#watch.note({ reason: 'resource_exceeded', limit: 'processes' });
    const exit: SandboxExit = {
      ...status,
      usage: { wallMs: Date.now() - this.#started, outputBytes: this.#watch.outputBytes, mode: this.mode, ...measured },
    };
    const breach = this.#watch.breach;
    if (breach) Object.assign(exit, breach);
    return exit;
  }
}
