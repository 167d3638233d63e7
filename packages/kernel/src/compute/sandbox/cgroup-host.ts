/**
 * What the runtime needs from a cgroup hierarchy, whatever its version: make one cgroup per sandbox with
 * memory, pids and CPU limits, move processes into it, read usage, kill everything in it, remove it.
 * Also the small file helpers both versions share.
 */
import { readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LimitMode, SandboxLimits } from './types.ts';

export interface SandboxCgroup {
  /** Moves a process (all its threads) into the sandbox's cgroup. */
  add(pid: number): Promise<void>;
  usage(): Promise<{ cpuMs?: number; maxRssKb?: number }>;
  /** True when the kernel's OOM killer fired inside this cgroup. */
  oomKilled(): Promise<boolean>;
  /** True when a fork/clone was refused by the pids limit. */
  pidsExhausted(): Promise<boolean>;
  /** SIGKILLs every process still in the cgroup. */
  killAll(): Promise<void>;
  /** Removes the cgroup (retries while dying processes leave it). Never throws. */
  remove(): Promise<void>;
}

export interface CgroupHost {
  readonly mode: Exclude<LimitMode, 'rlimit'>;
  /** Where the per-sandbox cgroups are created, for status reports. */
  readonly location: string;
  create(name: string, limits: SandboxLimits): Promise<SandboxCgroup>;
  /** Removes empty per-sandbox cgroups left by a kernel that died (older than `minAgeMs`). */
  sweep(minAgeMs: number): Promise<void>;
}

export const SANDBOX_PREFIX = 'aether-sbx-';
export const PROBE_PREFIX = 'aether-probe-';

/** rmdir of our own stale children of `parent`; a cgroup that still has processes refuses, as it should. */
export async function sweepDir(parent: string, minAgeMs: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(SANDBOX_PREFIX) && !name.startsWith(PROBE_PREFIX)) continue;
    const dir = path.join(parent, name);
    try {
      if (Date.now() - (await stat(dir)).mtimeMs >= minAgeMs) await rmdir(dir);
    } catch {
      // busy (still running) or already gone
    }
  }
}

/** Cgroup limits mode, or the reason the weaker rlimit-only mode is in force. */
export type CgroupDetection = { host: CgroupHost } | { host: undefined; reason: string };

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

export function killPids(text: string | undefined): void {
  for (const line of text?.split('\n') ?? []) {
    const pid = Number(line.trim());
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
