/**
 * The `sandbox` compute backend's entry point: detects once whether bubblewrap works here (else every
 * spawn is `unsupported_backend` — there is no host fallback) and whether per-sandbox cgroups can be made
 * (else the weaker rlimit-only mode, reported in `status()` and in every exit's usage), then runs specs.
 */
import { spawn as spawnChild, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, realpath } from 'node:fs/promises';
import { KernelError } from '../../contracts/errors.ts';
import { bwrapArgs, FIRST_DATA_FD } from './bwrap-args.ts';
import { type BwrapInfo, detectBwrap } from './bwrap-detect.ts';
import { detectCgroups } from './cgroup-detect.ts';
import { type CgroupDetection, type SandboxCgroup, SANDBOX_PREFIX } from './cgroup-host.ts';
import { type HostUser, resolveHostUser } from './host-user.ts';
import { sealStdio } from './inherited-fds.ts';
import { checkPrlimit } from './rlimits.ts';
import { SandboxRun } from './sandbox-run.ts';
import { type ResolvedSpec, resolveSpec } from './sandbox-spec.ts';
import { checkTtySupport, ttyCommand, ttyResizer } from './tty.ts';
import type { LimitMode, SandboxProcess, SandboxSpec } from './types.ts';

export interface SandboxRuntimeOptions {
  /** Path of the bubblewrap binary. Default `/usr/bin/bwrap`. */
  bwrapPath?: string;
  /** Host user the sandbox runs as. Default: nobody (65534) when the kernel is root, else the kernel's user. */
  hostUser?: HostUser;
  /** Use per-sandbox cgroups when the host allows them (default true). `false` forces the rlimit mode. */
  cgroups?: boolean;
}

export interface SandboxStatus {
  available: boolean;
  /** Why the backend is unavailable. */
  reason?: string;
  bwrap?: string;
  version?: string;
  mode: LimitMode;
  /** Where per-sandbox cgroups are created (cgroup modes). */
  cgroup?: string;
  /** Why cgroups are not used (rlimit mode). */
  cgroupReason?: string;
  hostUser?: HostUser;
}

interface Ready {
  bwrap: BwrapInfo;
  cgroups: CgroupDetection;
}

export class SandboxRuntime {
  readonly #bwrapPath: string;
  readonly #user: HostUser | undefined;
  readonly #useCgroups: boolean;
  #ready: Promise<Ready> | undefined;

  constructor(options: SandboxRuntimeOptions = {}) {
    this.#bwrapPath = options.bwrapPath ?? '/usr/bin/bwrap';
    this.#user = resolveHostUser(options.hostUser);
    this.#useCgroups = options.cgroups ?? true;
  }

  /** The host user sandboxes run as (undefined: the kernel's own); workspaces must be writable by it. */
  get hostUser(): HostUser | undefined {
    return this.#user;
  }

  async status(): Promise<SandboxStatus> {
    try {
      const { bwrap, cgroups } = await this.#detect();
      const status: SandboxStatus = { available: true, bwrap: bwrap.path, version: bwrap.version, mode: cgroups.host?.mode ?? 'rlimit' };
      if (cgroups.host) status.cgroup = cgroups.host.location;
      else status.cgroupReason = cgroups.reason;
      if (this.#user) status.hostUser = this.#user;
      return status;
    } catch (error) {
      return { available: false, reason: (error as Error).message, mode: 'rlimit' };
    }
  }

  async spawn(spec: SandboxSpec): Promise<SandboxProcess> {
    const resolved = resolveSpec(spec);
    const { bwrap, cgroups } = await this.#detect();
    resolved.hostDir = await this.#workspace(resolved.hostDir);
    const id = randomBytes(8).toString('hex');
    let cgroup: SandboxCgroup | undefined;
    if (cgroups.host) {
      try {
        cgroup = await cgroups.host.create(`${SANDBOX_PREFIX}${id}`, resolved.limits);
      } catch (cause) {
        throw new KernelError('internal_error', 'could not create the sandbox cgroup', { sandbox: id }, { cause });
      }
    }
    const mode: LimitMode = cgroups.host?.mode ?? 'rlimit';
    try {
      return await this.#launch(id, bwrap.path, resolved, cgroup, mode);
    } catch (error) {
      await cgroup?.remove();
      throw error;
    }
  }

  async #launch(id: string, bwrap: string, spec: ResolvedSpec, cgroup: SandboxCgroup | undefined, mode: LimitMode): Promise<SandboxRun> {
    if (spec.tty) await checkTtySupport();
    const plan = bwrapArgs(spec, spec.tty ? ttyCommand(spec.argv, spec.tty) : spec.argv);
    // detached: bubblewrap starts its own session, so no sandbox process can reach the kernel's terminal.
    const stdio = await sealStdio(['pipe', 'pipe', 'pipe', 'pipe', 'pipe', spec.tty ? 'pipe' : 'ignore', ...plan.data.map(() => 'pipe')]);
    const child = spawnChild(bwrap, plan.args, { env: {}, detached: true, stdio: stdio as StdioOptions, ...(this.#user ?? {}) });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (cause) => reject(new KernelError('unsupported_backend', 'bubblewrap could not be started', { sandbox: id }, { cause })));
    });
    plan.data.forEach((content, index) => {
      const pipe = child.stdio[FIRST_DATA_FD + index] as NodeJS.WritableStream | null;
      pipe?.end(content);
    });
    const run = new SandboxRun({ id, child, cgroup, mode, limits: spec.limits, ...(spec.tty ? { resize: ttyResizer(child) } : {}) });
    await run.start();
    return run;
  }

  async #workspace(hostDir: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(hostDir);
    } catch (cause) {
      throw new KernelError('not_found', 'workspace directory does not exist', { workspace: hostDir }, { cause });
    }
    if (!(await lstat(real)).isDirectory()) throw new KernelError('payload_invalid', 'workspace is not a directory', { workspace: hostDir });
    return real;
  }

  #detect(): Promise<Ready> {
    this.#ready ??= (async (): Promise<Ready> => {
      const bwrap = await detectBwrap(this.#bwrapPath, this.#user);
      await checkPrlimit();
      const cgroups: CgroupDetection = this.#useCgroups ? await detectCgroups() : { host: undefined, reason: 'disabled by configuration' };
      return { bwrap, cgroups };
    })();
    return this.#ready;
  }
}
