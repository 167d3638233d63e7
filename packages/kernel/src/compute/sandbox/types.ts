/**
 * The public shapes of the `sandbox` compute backend (DESIGN §7): what a caller asks for (a spec with an
 * argv, env, workspace and limits), what it gets back (a running process with streams), and how the run
 * ended (code or signal, the limit that stopped it, and measured usage).
 */
import type { Readable, Writable } from 'node:stream';

/** Hard limits of one sandbox. Every field has a default (see DEFAULT_SANDBOX_LIMITS). */
export interface SandboxLimits {
  /** Wall-clock time from spawn; on breach the whole tree is SIGKILLed → `timeout`. */
  wallMs: number;
  /** Longest stretch without output on stdout/stderr → `timeout`. 0 disables. */
  idleMs: number;
  /** stdout + stderr bytes delivered; the excess is cut and the tree killed → `resource_exceeded`. */
  outputBytes: number;
  /** CPU seconds (RLIMIT_CPU per process; cgroup CPU time for the whole tree when cgroups are active). */
  cpuSeconds: number;
  /** Memory: RLIMIT_AS per process, plus the cgroup memory limit for the whole tree when available. */
  memoryBytes: number;
  /** Largest file a process may write (RLIMIT_FSIZE). */
  fileBytes: number;
  /** Processes/threads: RLIMIT_NPROC in the sandbox's own user namespace, plus cgroup pids.max. */
  processes: number;
  /** Size of the private `/tmp` tmpfs. */
  tmpBytes: number;
  /** CPU bandwidth share in cores (cgroup cpu.max); ignored without cgroups. */
  cpuCores: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  wallMs: 60_000,
  idleMs: 0,
  outputBytes: 8 * 1024 * 1024,
  cpuSeconds: 60,
  memoryBytes: 1024 * 1024 * 1024,
  fileBytes: 256 * 1024 * 1024,
  processes: 128,
  tmpBytes: 64 * 1024 * 1024,
  cpuCores: 1,
};

export interface SandboxSpec {
  /** argv[0] is the program (absolute, or looked up in the guest's PATH); never parsed by a shell. */
  argv?: readonly string[];
  /** An explicit request for a shell: runs `/bin/sh -c <script>` as argv. Exclusive with `argv`. */
  shell?: { script: string; args?: readonly string[] };
  /** The only environment the program sees (the host environment is cleared). */
  env?: Readonly<Record<string, string>>;
  /** Host directory bound writable at `guestPath` (default `/workspace`), the working directory. */
  workspace: { hostDir: string; guestPath?: string };
  /** Guest working directory; must be inside the workspace. Default: the workspace itself. */
  cwd?: string;
  /**
   * Give the sandbox a network: its own namespace with user-mode NAT (slirp4netns), not the host's; the
   * host's loopback stays unreachable. The kernel sets this only for callers holding `vm.net`.
   */
  net?: boolean;
  /** Give the program a pseudo-terminal of this size (see SandboxProcess.resize). */
  tty?: { rows: number; cols: number };
  limits?: Partial<SandboxLimits>;
}

/** How limits are enforced on this host. `rlimit` is the weaker mode used when no cgroup can be made. */
export type LimitMode = 'cgroup-v2' | 'cgroup-v1' | 'rlimit';

export type LimitName = 'wall' | 'idle' | 'output' | 'cpu' | 'memory' | 'processes' | 'file';

export interface SandboxUsage {
  wallMs: number;
  /** CPU time of the whole tree; known in cgroup modes only. */
  cpuMs?: number;
  outputBytes: number;
  /** Peak memory of the whole tree; known in cgroup modes only. */
  maxRssKb?: number;
  mode: LimitMode;
}

export interface SandboxExit {
  /** Exit code, or null when the program died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  reason?: 'timeout' | 'resource_exceeded';
  /** Which limit produced `reason`. */
  limit?: LimitName;
  usage: SandboxUsage;
}

export interface SandboxProcess {
  readonly id: string;
  /** Host pid of the outer bubblewrap process. */
  readonly pid: number;
  readonly mode: LimitMode;
  readonly stdout: Readable;
  /** Empty in tty mode (the terminal merges both streams into stdout). */
  readonly stderr: Readable;
  readonly stdin: Writable;
  readonly exit: Promise<SandboxExit>;
  /** SIGKILLs the whole tree; `exit` then resolves. Idempotent. */
  kill(): void;
  /** Resizes the pseudo-terminal; a no-op without `tty`. */
  resize(rows: number, cols: number): void;
}
