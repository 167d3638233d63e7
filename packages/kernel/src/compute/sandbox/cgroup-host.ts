/**
 * What the runtime needs from a cgroup hierarchy, whatever its version: make one cgroup per sandbox with
 * memory, pids and CPU limits, move processes into it, read usage, kill everything in it, remove it.
 * Also the small file helpers both versions share.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { LimitMode, SandboxLimits } from './types.ts';

export interface SandboxCgroup {
  /** Moves a process (all its threads) into the sandbox's cgroup. */
  add(pid: number): Promise<void>;
  usage(): Promise<{ cpuMs?: number; maxRssKb?: number }>;
  /** True when the kernel's OOM killer fired inside this cgroup. */
  oomKilled(): Promise<boolean>;
  /** True when a fork/clone was refused by the pids limit. */
  pidsExhausted(): Promise<boolean>;
  /** Pids of the processes in the cgroup (in any of its hierarchies). */
  processes(): Promise<number[]>;
  /** SIGKILLs every process still in the cgroup. */
  killAll(): Promise<void>;
  /** Removes the cgroup, killing and retrying a bounded number of rounds while processes remain. Never throws; true once gone. */
  remove(): Promise<boolean>;
}

/** What the start-up sweep did with the per-sandbox cgroups of kernels that died. */
export interface SweepReport {
  /** Cgroups of dead kernels that still held processes (orphaned guests): killed and removed. */
  orphans: number;
  /** Cgroups of dead kernels that could not be removed: a guest may still run in them. */
  failed: string[];
}

export interface CgroupHost {
  readonly mode: Exclude<LimitMode, 'rlimit'>;
  /** Where the per-sandbox cgroups are created, for status reports. */
  readonly location: string;
  /** The directories a per-sandbox cgroup of a given name is created in (one per v1 hierarchy). */
  readonly parents: readonly string[];
  create(name: string, limits: SandboxLimits): Promise<SandboxCgroup>;
  /**
   * Kills and removes the per-sandbox cgroups of kernels that died; removes other stale empty ones older
   * than `minAgeMs` (names it cannot judge). Never touches the cgroups of a live kernel.
   */
  sweep(minAgeMs: number): Promise<SweepReport>;
}

export const SANDBOX_PREFIX = 'aether-sbx-';
export const PROBE_PREFIX = 'aether-probe-';

/** Cgroup limits mode, or the reason the weaker rlimit-only mode is in force. */
export type CgroupDetection = { host: CgroupHost; swept: SweepReport } | { host: undefined; reason: string };

export async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readNumber(file: string): Promise<number | undefined> {
  const text = await readText(file);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : undefined;
}

/** Reads `key value` lines (memory.events, cpu.stat, memory.oom_control, pids.events). */
export async function readKeyed(file: string, key: string): Promise<number | undefined> {
  const text = await readText(file);
  for (const line of text?.split('\n') ?? []) {
    const [name, value] = line.trim().split(/\s+/);
    if (name === key && value !== undefined) return Number(value);
  }
  return undefined;
}

export async function write(file: string, value: string | number): Promise<void> {
  await writeFile(file, String(value));
}

export async function tryWrite(file: string, value: string | number): Promise<boolean> {
  try {
    await write(file, value);
    return true;
  } catch {
    return false;
  }
}

/** Pids listed in a `cgroup.procs` file (none when it is gone). */
export async function readPids(file: string): Promise<number[]> {
  const pids: number[] = [];
  for (const line of (await readText(file))?.split('\n') ?? []) {
    const pid = Number(line.trim());
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
