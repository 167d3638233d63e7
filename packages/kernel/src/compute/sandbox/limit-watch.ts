/**
 * The limits the kernel enforces from outside the sandbox: wall time, idle time (no output), output
 * bytes, and — when a cgroup measures it — CPU time of the whole tree. The first breach wins; it is
 * reported once through `onBreach`, whose job is to kill the tree.
 */
import type { LimitName, SandboxLimits } from './types.ts';

export interface Breach {
  reason: 'timeout' | 'resource_exceeded';
  limit: LimitName;
}

const CPU_POLL_MS = 200;

export class LimitWatch {
  readonly #limits: SandboxLimits;
  readonly #onBreach: (breach: Breach) => void;
  readonly #timers: NodeJS.Timeout[] = [];
  #idle: NodeJS.Timeout | undefined;
  #output = 0;
  #breach: Breach | undefined;
  #stopped = false;

  constructor(limits: SandboxLimits, onBreach: (breach: Breach) => void) {
    this.#limits = limits;
    this.#onBreach = onBreach;
    this.#timers.push(setTimeout(() => this.#trip({ reason: 'timeout', limit: 'wall' }), limits.wallMs));
    this.#armIdle();
  }

  get breach(): Breach | undefined {
    return this.#breach;
  }

  get outputBytes(): number {
    return this.#output;
  }

  /** Polls the tree's CPU time (cgroup modes) and trips `cpu` when it passes the limit. */
  watchCpu(readCpuMs: () => Promise<number | undefined>): void {
    const budgetMs = this.#limits.cpuSeconds * 1000;
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      readCpuMs()
        .then((used) => {
          if (used !== undefined && used >= budgetMs) this.#trip({ reason: 'resource_exceeded', limit: 'cpu' });
        })
        .catch(() => {})
        .finally(() => {
          polling = false;
        });
    }, CPU_POLL_MS);
    this.#timers.push(timer);
  }

  /**
   * Accounts `bytes` of output and returns how many of them may be delivered. Past the limit the rest is
   * cut and `output` trips.
   */
  output(bytes: number): number {
    if (this.#stopped) return 0;
    const allowed = Math.max(0, Math.min(bytes, this.#limits.outputBytes - this.#output));
    this.#output += allowed;
    if (allowed < bytes) this.#trip({ reason: 'resource_exceeded', limit: 'output' });
    else this.#armIdle();
    return allowed;
  }

  /** Records a breach detected elsewhere (cgroup OOM, rlimit signals) unless one is already recorded. */
  note(breach: Breach): void {
    this.#breach ??= breach;
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    if (this.#idle) clearTimeout(this.#idle);
  }

  #armIdle(): void {
    if (this.#limits.idleMs <= 0 || this.#stopped) return;
    if (this.#idle) this.#idle.refresh();
    else this.#idle = setTimeout(() => this.#trip({ reason: 'timeout', limit: 'idle' }), this.#limits.idleMs);
  }

  #trip(breach: Breach): void {
    if (this.#breach || this.#stopped) return;
    this.#breach = breach;
    this.#onBreach(breach);
  }
}
