/**
 * Per-sandbox cgroups on the unified (v2) hierarchy: a child of the kernel's own cgroup with memory.max,
 * memory.swap.max = 0, pids.max and cpu.max; usage from cpu.stat and memory.peak; cgroup.kill to end it.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { type CgroupHost, type SandboxCgroup, type SweepReport, killPids, readKeyed, readNumber, readPids, sleep, tryWrite, write } from './cgroup-host.ts';
import { sweepCgroups } from './cgroup-sweep.ts';
import type { SandboxLimits } from './types.ts';

const CPU_PERIOD_US = 100_000;

class V2Cgroup implements SandboxCgroup {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async add(pid: number): Promise<void> {
    await write(path.join(this.#dir, 'cgroup.procs'), pid);
  }

  async usage(): Promise<{ cpuMs?: number; maxRssKb?: number }> {
    const usec = await readKeyed(path.join(this.#dir, 'cpu.stat'), 'usage_usec');
    const peak = await readNumber(path.join(this.#dir, 'memory.peak'));
    const result: { cpuMs?: number; maxRssKb?: number } = {};
    if (usec !== undefined) result.cpuMs = Math.round(usec / 1000);
    if (peak !== undefined) result.maxRssKb = Math.round(peak / 1024);
    return result;
  }

  async oomKilled(): Promise<boolean> {
    return ((await readKeyed(path.join(this.#dir, 'memory.events'), 'oom_kill')) ?? 0) > 0;
  }

  async pidsExhausted(): Promise<boolean> {
    return ((await readKeyed(path.join(this.#dir, 'pids.events'), 'max')) ?? 0) > 0;
  }

  processes(): Promise<number[]> {
    return readPids(path.join(this.#dir, 'cgroup.procs'));
  }

  async killAll(): Promise<void> {
    // cgroup.kill (Linux 5.14+) also catches processes forked while we kill; before it, signal each pid.
    if (!(await tryWrite(path.join(this.#dir, 'cgroup.kill'), 1))) killPids(await this.processes());
  }

  async remove(): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await rmdir(this.#dir);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
        await this.killAll();
        await sleep(20);
      }
    }
    return false;
  }
}

export class V2Host implements CgroupHost {
  readonly mode = 'cgroup-v2' as const;
  readonly location: string;
  readonly parents: readonly string[];

  /** `parent` must already delegate memory, pids and cpu to its children (cgroup.subtree_control). */
  constructor(parent: string) {
    this.location = parent;
    this.parents = [parent];
  }

  sweep(minAgeMs: number): Promise<SweepReport> {
    return sweepCgroups(this.parents, minAgeMs, (name) => new V2Cgroup(path.join(this.location, name)));
  }

  async create(name: string, limits: SandboxLimits): Promise<SandboxCgroup> {
    const dir = path.join(this.location, name);
    await mkdir(dir);
    const cgroup = new V2Cgroup(dir);
    try {
      await write(path.join(dir, 'memory.max'), limits.memoryBytes);
      await tryWrite(path.join(dir, 'memory.swap.max'), 0);
      await write(path.join(dir, 'pids.max'), limits.processes);
      await write(path.join(dir, 'cpu.max'), `${Math.max(1000, Math.round(limits.cpuCores * CPU_PERIOD_US))} ${CPU_PERIOD_US}`);
    } catch (error) {
      await cgroup.remove();
      throw error;
    }
    return cgroup;
  }
}
