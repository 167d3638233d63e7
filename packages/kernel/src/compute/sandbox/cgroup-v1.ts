/**
 * Per-sandbox cgroups on legacy (v1) hierarchies, one directory per controller: memory (limit_in_bytes,
 * memsw when swap accounting exists, max_usage_in_bytes, oom_control), pids (pids.max), cpu (CFS quota)
 * and cpuacct (usage). Each is a child of the kernel's own cgroup in that hierarchy, so the limits nest
 * inside whatever the operator already imposes on the kernel.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { type CgroupHost, type SandboxCgroup, type SweepReport, killPids, readKeyed, readNumber, readPids, sleep, tryWrite, write } from './cgroup-host.ts';
import { sweepCgroups } from './cgroup-sweep.ts';
import type { SandboxLimits } from './types.ts';

const CPU_PERIOD_US = 100_000;

/** The kernel's own cgroup directory in each v1 hierarchy we use. `cpu`/`cpuacct` are optional. */
export interface V1Parents {
  memory: string;
  pids: string;
  cpu?: string;
  cpuacct?: string;
}

class V1Cgroup implements SandboxCgroup {
  readonly #dirs: V1Parents;

  constructor(dirs: V1Parents) {
    this.#dirs = dirs;
  }

  #unique(): string[] {
    return [...new Set(Object.values(this.#dirs).filter((dir): dir is string => dir !== undefined))];
  }

  async add(pid: number): Promise<void> {
    for (const dir of this.#unique()) await write(path.join(dir, 'cgroup.procs'), pid);
  }

  async usage(): Promise<{ cpuMs?: number; maxRssKb?: number }> {
    const result: { cpuMs?: number; maxRssKb?: number } = {};
    if (this.#dirs.cpuacct) {
      const ns = await readNumber(path.join(this.#dirs.cpuacct, 'cpuacct.usage'));
      if (ns !== undefined) result.cpuMs = Math.round(ns / 1e6);
    }
    const peak = await readNumber(path.join(this.#dirs.memory, 'memory.max_usage_in_bytes'));
    if (peak !== undefined) result.maxRssKb = Math.round(peak / 1024);
    return result;
  }

  async oomKilled(): Promise<boolean> {
    const file = path.join(this.#dirs.memory, 'memory.oom_control');
    const kills = await readKeyed(file, 'oom_kill');
    if (kills !== undefined) return kills > 0;
    return ((await readNumber(path.join(this.#dirs.memory, 'memory.failcnt'))) ?? 0) > 0;
  }

  async pidsExhausted(): Promise<boolean> {
    return ((await readKeyed(path.join(this.#dirs.pids, 'pids.events'), 'max')) ?? 0) > 0;
  }

  /**
   * Every hierarchy, not only pids: add() moves a process into one hierarchy after another, so a kernel
   * that died in between left it in some of them only.
   */
  async processes(): Promise<number[]> {
    const lists = await Promise.all(this.#unique().map((dir) => readPids(path.join(dir, 'cgroup.procs'))));
    return [...new Set(lists.flat())];
  }

  async killAll(): Promise<void> {
    killPids(await this.processes());
  }

  async remove(): Promise<boolean> {
    let gone = true;
    for (const dir of this.#unique()) {
      let removed = false;
      for (let attempt = 0; attempt < 50 && !removed; attempt++) {
        try {
          await rmdir(dir);
          removed = true;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') removed = true;
          else {
            await this.killAll();
            await sleep(20);
          }
        }
      }
      gone &&= removed;
    }
    return gone;
  }
}

export class V1Host implements CgroupHost {
  readonly mode = 'cgroup-v1' as const;
  readonly location: string;
  readonly parents: readonly string[];
  readonly #parents: V1Parents;

  constructor(parents: V1Parents) {
    this.#parents = parents;
    this.parents = [...new Set<string>(Object.values(parents))];
    this.location = this.parents.join(', ');
  }

  sweep(minAgeMs: number): Promise<SweepReport> {
    return sweepCgroups(this.parents, minAgeMs, (name) => new V1Cgroup(this.#dirsOf(name)));
  }

  #dirsOf(name: string): V1Parents {
    const p = this.#parents;
    const dirs: V1Parents = { memory: path.join(p.memory, name), pids: path.join(p.pids, name) };
    if (p.cpu) dirs.cpu = path.join(p.cpu, name);
    if (p.cpuacct) dirs.cpuacct = path.join(p.cpuacct, name);
    return dirs;
  }

  async create(name: string, limits: SandboxLimits): Promise<SandboxCgroup> {
    const dirs = this.#dirsOf(name);
    const cgroup = new V1Cgroup(dirs);
    try {
      for (const dir of new Set<string>(Object.values(dirs))) await mkdir(dir);
      await write(path.join(dirs.memory, 'memory.limit_in_bytes'), limits.memoryBytes);
      await tryWrite(path.join(dirs.memory, 'memory.memsw.limit_in_bytes'), limits.memoryBytes);
      await write(path.join(dirs.pids, 'pids.max'), limits.processes);
      if (dirs.cpu) {
        await write(path.join(dirs.cpu, 'cpu.cfs_period_us'), CPU_PERIOD_US);
        await write(path.join(dirs.cpu, 'cpu.cfs_quota_us'), Math.max(1000, Math.round(limits.cpuCores * CPU_PERIOD_US)));
      }
    } catch (error) {
      await cgroup.remove();
      throw error;
    }
    return cgroup;
  }
}
