/**
 * The `sandbox` compute backend's entry point: detects once whether bubblewrap works here (else every
 * spawn is `unsupported_backend` — there is no host fallback), whether per-sandbox cgroups can be made
 * (else the weaker rlimit-only mode, reported in `status()` and in every exit's usage), and whether
 * slirp4netns can give `net: true` sandboxes their own network (else those spawns alone are
 * `unsupported_backend` — never the host's network namespace), then runs specs.
 */
import { spawn as spawnChild, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, realpath } from 'node:fs/promises';
import { KernelError } from '../../contracts/errors.ts';
import type { Logger } from '../../observability/logger.ts';
import { bwrapArgs, FIRST_DATA_FD } from './bwrap-args.ts';
import { type BwrapInfo, detectBwrap } from './bwrap-detect.ts';
import { detectCgroups } from './cgroup-detect.ts';
import type { CgroupDetection, SandboxCgroup, SweepReport } from './cgroup-host.ts';
import { kernelOwner, sandboxCgroupName } from './cgroup-owner.ts';
import { type HostUser, resolveHostUser } from './host-user.ts';
import { sealStdio } from './inherited-fds.ts';
import { checkPrlimit } from './rlimits.ts';
import { type NetworkSetup, SandboxRun } from './sandbox-run.ts';
import { type ResolvedSpec, resolveSpec } from './sandbox-spec.ts';
import { detectSlirp, type SlirpInfo } from './slirp-detect.ts';
import { SlirpNet } from './slirp-net.ts';
import { checkTtySupport, ttyCommand, ttyResizer } from './tty.ts';
import type { LimitMode, SandboxProcess, SandboxSpec } from './types.ts';

export interface SandboxRuntimeOptions {
  /** Path of the bubblewrap binary. Default `/usr/bin/bwrap`. */
  bwrapPath?: string;
  /** Host user the sandbox runs as. Default: nobody (65534) when the kernel is root, else the kernel's user. */
  hostUser?: HostUser;
  /** Use per-sandbox cgroups when the host allows them (default true). `false` forces the rlimit mode. */
  cgroups?: boolean;
  /** Path of slirp4netns, which gives `net: true` sandboxes their network. Default `/usr/bin/slirp4netns`. */
  slirpPath?: string;
  /** Told what the start-up sweep did with guests orphaned by a kernel that died. */
  logger?: Logger;
}

/** Whether `net: true` can be honoured here. */
export interface SandboxNetworkStatus {
  available: boolean;
  /** Why networked sandboxes are refused. */
  reason?: string;
  slirp4netns?: string;
  version?: string;
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
  /** What the start-up sweep did with the cgroups of kernels that died (cgroup modes). */
  swept?: SweepReport;
  hostUser?: HostUser;
  /** Present when the backend is available. */
  network?: SandboxNetworkStatus;
}

interface Ready {
  bwrap: BwrapInfo;
  cgroups: CgroupDetection;
  slirp: { info: SlirpInfo; error?: undefined } | { info?: undefined; error: Error };
}

export class SandboxRuntime {
  readonly #bwrapPath: string;
  readonly #user: HostUser | undefined;
  readonly #useCgroups: boolean;
  readonly #slirpPath: string;
  readonly #logger: Logger | undefined;
  #ready: Promise<Ready> | undefined;

  constructor(options: SandboxRuntimeOptions = {}) {
    this.#bwrapPath = options.bwrapPath ?? '/usr/bin/bwrap';
    this.#user = resolveHostUser(options.hostUser);
    this.#useCgroups = options.cgroups ?? true;
    this.#slirpPath = options.slirpPath ?? '/usr/bin/slirp4netns';
    this.#logger = options.logger;
  }

  /** The host user sandboxes run as (undefined: the kernel's own); workspaces must be writable by it. */
  get hostUser(): HostUser | undefined {
    return this.#user;
  }

  async status(): Promise<SandboxStatus> {
    try {
      const { bwrap, cgroups, slirp } = await this.#detect();
      const status: SandboxStatus = { available: true, bwrap: bwrap.path, version: bwrap.version, mode: cgroups.host?.mode ?? 'rlimit' };
      if (cgroups.host) {
        status.cgroup = cgroups.host.location;
        status.swept = { orphans: cgroups.swept.orphans, failed: [...cgroups.swept.failed] };
      } else status.cgroupReason = cgroups.reason;
      if (this.#user) status.hostUser = this.#user;
      status.network = slirp.info
        ? { available: true, slirp4netns: slirp.info.path, version: slirp.info.version }
        : { available: false, reason: slirp.error.message };
      return status;
    } catch (error) {
      return { available: false, reason: (error as Error).message, mode: 'rlimit' };
    }
  }

  async spawn(spec: SandboxSpec): Promise<SandboxProcess> {
    const resolved = resolveSpec(spec);
    const { bwrap, cgroups, slirp } = await this.#detect();
    // Fail closed: without slirp4netns a networked sandbox is refused, never given the host's network.
    if (resolved.net && slirp.error) throw slirp.error;
    resolved.hostDir = await this.#workspace(resolved.hostDir);
    const id = randomBytes(8).toString('hex');
    let cgroup: SandboxCgroup | undefined;
    if (cgroups.host) {
      try {
        // Named for this kernel process, so the next kernel start can tell whether its guests are orphans.
        cgroup = await cgroups.host.create(sandboxCgroupName(await kernelOwner(), id), resolved.limits);
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
    const network = this.#network(plan.gate === undefined ? undefined : { fd: FIRST_DATA_FD + plan.gate, content: plan.data[plan.gate] ?? '' }, cgroup);
    const child = spawnChild(bwrap, plan.args, { env: {}, detached: true, stdio: stdio as StdioOptions, ...(this.#user ?? {}) });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (cause) => reject(new KernelError('unsupported_backend', 'bubblewrap could not be started', { sandbox: id }, { cause })));
    });
    plan.data.forEach((content, index) => {
      if (index === plan.gate) return; // written by the run once the network is up
      const pipe = child.stdio[FIRST_DATA_FD + index] as NodeJS.WritableStream | null;
      pipe?.end(content);
    });
    const run = new SandboxRun({
      id, child, cgroup, mode, limits: spec.limits, ...(spec.tty ? { resize: ttyResizer(child) } : {}), ...(network ? { network } : {}),
    });
    await run.start();
    return run;
  }

  #network(gate: { fd: number; content: string } | undefined, cgroup: SandboxCgroup | undefined): NetworkSetup | undefined {
    if (!gate) return undefined;
    const path = this.#slirpPath;
    const user = this.#user;
    return {
      start: (innerPid, signal) => SlirpNet.start({ path, innerPid, user, cgroup, signal }),
      gateFd: gate.fd,
      gateContent: gate.content,
    };
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
      if (cgroups.host) this.#logSweep(cgroups.swept, cgroups.host.location);
      const slirp = await detectSlirp(this.#slirpPath, this.#user).then(
        (info) => ({ info }),
        (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
      );
      return { bwrap, cgroups, slirp };
    })();
    return this.#ready;
  }

  #logSweep(swept: SweepReport, location: string): void {
    if (swept.orphans > 0) {
      this.#logger?.warn({ orphans: swept.orphans, cgroup: location }, 'killed sandbox guests left running by a kernel process that died');
    }
    if (swept.failed.length > 0) {
      this.#logger?.error({ cgroups: swept.failed, cgroup: location }, 'could not remove sandbox cgroups of a kernel process that died; their guests may still run');
    }
  }
}
