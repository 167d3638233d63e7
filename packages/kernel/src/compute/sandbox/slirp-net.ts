/**
 * The network of one `net: true` sandbox: a slirp4netns process that creates `tap0` inside the sandbox's
 * own network namespace and carries its traffic through ordinary sockets of the host (user-mode NAT).
 * The host's loopback stays out of reach: the sandbox's 127.0.0.1 is its own `lo`, and
 * `--disable-host-loopback` stops 10.0.2.2 from being forwarded to the host's 127.0.0.1.
 *
 * slirp4netns parses packets the guest controls, so it runs as the sandbox's unprivileged host user, in
 * its own session, with its own mount-namespace sandbox and seccomp filter. It never outlives the sandbox:
 * it exits when its exit pipe closes — we close it when the sandbox ends, and the operating system closes
 * it if the kernel process dies — and we SIGKILL it besides and wait until it is reaped.
 */
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { SandboxCgroup } from './cgroup-host.ts';
import type { HostUser } from './host-user.ts';
import { sealStdio } from './inherited-fds.ts';

const READY_FD = 3;
const EXIT_FD = 4;
const READY_TIMEOUT_MS = 30_000;
/** After slirp4netns died, how long its stderr may take to drain (only it wrote there). */
const DRAIN_MS = 1000;
const DIAGNOSTIC_BYTES = 4096;

export interface SlirpStart {
  path: string;
  /** Host pid of a process inside the sandbox's user and network namespaces (bubblewrap's child). */
  innerPid: number;
  user: HostUser | undefined;
  /** The sandbox's cgroup: slirp4netns works for the guest, so its CPU and memory count against it. */
  cgroup: SandboxCgroup | undefined;
  /** Aborted when the sandbox ends; slirp4netns is then stopped, even mid-start. */
  signal: AbortSignal;
}

export function slirpArgs(innerPid: number): string[] {
  return [
    '--configure', '--mtu', '65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp',
    '--ready-fd', String(READY_FD), '--exit-fd', String(EXIT_FD), String(innerPid), 'tap0',
  ];
}

export class SlirpNet {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #drained: Promise<void>;
  #diagnostic = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      // A binary that could not be started emits only 'error', and has no pid.
      child.once('error', () => {
        if (child.pid === undefined) resolve();
      });
    });
    this.#drained = new Promise((resolve) => child.once('close', () => resolve()));
    for (const stream of child.stdio) stream?.on('error', () => {});
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.#diagnostic.length < DIAGNOSTIC_BYTES) this.#diagnostic += chunk.toString('utf8', 0, DIAGNOSTIC_BYTES);
    });
  }

  /** Starts slirp4netns for the sandbox and resolves once `tap0` is configured; rejects (stopped) otherwise. */
  static async start(options: SlirpStart): Promise<SlirpNet> {
    const stdio = await sealStdio(['ignore', 'ignore', 'pipe', 'pipe', 'pipe']);
    options.signal.throwIfAborted();
    const child = spawn(options.path, slirpArgs(options.innerPid), {
      env: {}, cwd: '/', detached: true, stdio: stdio as StdioOptions, ...(options.user ?? {}),
    });
    const net = new SlirpNet(child);
    const stop = (): void => void net.stop();
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      if (options.cgroup && child.pid !== undefined) await options.cgroup.add(child.pid);
      await net.#ready();
      return net;
    } catch (cause) {
      options.signal.removeEventListener('abort', stop);
      await net.stop();
      const detail = net.#diagnostic.trim();
      throw new Error(`slirp4netns failed to set up the sandbox network${detail ? `: ${detail}` : ''}`, { cause });
    }
  }

  /** Ends slirp4netns and resolves once it has been reaped. Idempotent. */
  async stop(): Promise<void> {
    (this.#child.stdio[EXIT_FD] as Writable | null)?.destroy();
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
    // Read what it said on stderr before closing our ends, so a failed start can report it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#drained, new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(timer);
    for (const stream of this.#child.stdio) stream?.destroy();
  }

  /** slirp4netns writes "1" to the ready pipe once the interface is up, address and route included. */
  #ready(): Promise<void> {
    const ready = this.#child.stdio[READY_FD] as Readable | null;
    return new Promise((resolve, reject) => {
      if (!ready) return reject(new Error('no ready pipe'));
      let done = false;
      const timer = setTimeout(() => finish(new Error('slirp4netns did not get ready in time')), READY_TIMEOUT_MS);
      const finish = (error?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ready.off('data', onData);
        this.#child.off('exit', onExit);
        ready.destroy();
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: Buffer): void => finish(chunk.includes('1') ? undefined : new Error('unexpected readiness message'));
      const onExit = (): void => finish(new Error('slirp4netns exited during setup'));
      ready.on('data', onData);
      ready.once('end', () => finish(new Error('slirp4netns closed its ready pipe without being ready')));
      this.#child.once('exit', onExit);
    });
  }
}
