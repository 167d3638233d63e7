/**
 * Which kernel process owns a per-sandbox cgroup, and whether it still runs. A guest outlives its kernel
 * when the kernel is killed during sandbox setup (before bubblewrap arms --die-with-parent); its cgroup
 * is then the only handle left on it, so the cgroup's name says who owns it:
 *
 *   aether-sbx-<pid>-<start>-<pidns>-<id>
 *
 * `pid` alone is not enough: pids are recycled (pid_max is often 32768), so `start` (the owner's start
 * time in clock ticks since boot, /proc/<pid>/stat field 22) tells a recycled pid from the owner; and a pid
 * means nothing in another pid namespace, while kernels in different namespaces may share a parent cgroup,
 * so `pidns` (the inode of /proc/self/ns/pid) limits the judgement to kernels we can actually see.
 */
import { readFile, readlink } from 'node:fs/promises';
import { SANDBOX_PREFIX } from './cgroup-host.ts';

export interface CgroupOwner {
  pid: number;
  /** Start time in clock ticks since boot; 0 when unknown (then only the pid is compared). */
  start: number;
  /** Inode of the owner's pid namespace; 0 when unknown (then nobody judges the owner). */
  pidNs: number;
}

/** The owner is alive, dead (its guests are orphans), or cannot be judged from here (old rule applies). */
export type OwnerVerdict = 'alive' | 'dead' | 'unknown';

const NAME = new RegExp(`^${SANDBOX_PREFIX}(\\d+)-(\\d+)-(\\d+)-[0-9a-f]+$`);

export function sandboxCgroupName(owner: CgroupOwner, id: string): string {
  return `${SANDBOX_PREFIX}${owner.pid}-${owner.start}-${owner.pidNs}-${id}`;
}

/** The owner named in a per-sandbox cgroup's name; undefined for older or foreign names. */
export function ownerOf(name: string): CgroupOwner | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [pid, start, pidNs] = match.slice(1, 4).map(Number);
  if (pid === undefined || start === undefined || pidNs === undefined) return undefined;
  // pid 0 would address our own process group in kill(); such a name was not made by a kernel.
  if (![pid, start, pidNs].every(Number.isSafeInteger) || pid <= 0) return undefined;
  return { pid, start, pidNs };
}

/** `[pid, start]` from /proc/<which>/stat, or undefined when it cannot be read (gone, hidden). */
async function statOf(which: number | 'self'): Promise<[number, number] | undefined> {
  try {
    const stat = await readFile(`/proc/${which}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; the fields after the last ')' cannot.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(stat.slice(0, stat.indexOf(' ')));
    const start = Number(fields[19]);
    return Number.isSafeInteger(pid) && Number.isSafeInteger(start) ? [pid, start] : undefined;
  } catch {
    return undefined;
  }
}

async function pidNamespace(): Promise<number> {
  const link = await readlink('/proc/self/ns/pid').catch(() => '');
  const inode = Number(/^pid:\[(\d+)\]$/.exec(link)?.[1]);
  return Number.isSafeInteger(inode) ? inode : 0;
}

/**
 * Whether /proc shows our own pid namespace: a /proc mounted from another namespace numbers processes
 * differently, and comparing start times through it would mistake a live owner for a dead one.
 */
let procIsOurs: boolean | undefined;

let self: Promise<CgroupOwner> | undefined;

/** This kernel process as an owner of sandbox cgroups (read once). */
export function kernelOwner(): Promise<CgroupOwner> {
  self ??= (async (): Promise<CgroupOwner> => {
    const stat = await statOf('self');
    procIsOurs = stat?.[0] === process.pid;
    return { pid: process.pid, start: procIsOurs && stat ? stat[1] : 0, pidNs: await pidNamespace() };
  })();
  return self;
}

/**
 * Judges an owner. Only `dead` allows killing, so every doubt leans to `alive` or `unknown`: another
 * namespace or an unknown one is `unknown`; a pid we may not signal (EPERM) is alive; a pid whose start
 * time cannot be read is taken for the owner.
 */
export async function judgeOwner(owner: CgroupOwner): Promise<OwnerVerdict> {
  const me = await kernelOwner();
  if (owner.pidNs === 0 || owner.pidNs !== me.pidNs) return 'unknown';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'dead' : 'alive';
  }
  if (owner.start === 0 || !procIsOurs) return 'alive';
  const now = await statOf(owner.pid);
  // A different start time means the owner died and its pid now belongs to another process.
  return now !== undefined && now[1] !== owner.start ? 'dead' : 'alive';
}
