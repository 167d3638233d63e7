/**
 * Decides once whether sandboxes get cgroup limits here, and with which hierarchy. We only ever create
 * children of the kernel's own cgroup (read from /proc/self/cgroup, located through /proc/self/mountinfo),
 * so the sandbox limits nest inside the kernel's. The decision is proved by creating and removing a real
 * probe cgroup with limits; any failure leaves the documented weaker rlimit-only mode, with the reason.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CgroupDetection, CgroupHost, SweepReport } from './cgroup-host.ts';
import { PROBE_PREFIX, readText, tryWrite } from './cgroup-host.ts';
import { V1Host, type V1Parents } from './cgroup-v1.ts';
import { V2Host } from './cgroup-v2.ts';
import { DEFAULT_SANDBOX_LIMITS } from './types.ts';

interface Mount {
  root: string;
  point: string;
  type: string;
  options: string[];
}

const unescape = (field: string): string => field.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

function parseMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [type, , superOptions] = right.split(' ');
    if (fields[3] === undefined || fields[4] === undefined || type === undefined) continue;
    mounts.push({ root: unescape(fields[3]), point: unescape(fields[4]), type, options: (superOptions ?? '').split(',') });
  }
  return mounts;
}

/** Maps `/proc/self/cgroup` lines to controller → path (`''` is the unified hierarchy). */
function parseMembership(text: string): Map<string, string> {
  const byController = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, controllers = '', where = '/'] = match;
    if (controllers === '') byController.set('', where);
    for (const controller of controllers.split(',')) if (controller) byController.set(controller, where);
  }
  return byController;
}

function dirFor(mount: Mount, cgroupPath: string): string | undefined {
  const relative = path.posix.relative(mount.root, cgroupPath);
  if (relative.startsWith('..')) return undefined;
  return path.join(mount.point, relative);
}

async function v2Parent(mounts: Mount[], membership: Map<string, string>): Promise<string> {
  const mount = mounts.find((m) => m.type === 'cgroup2');
  const own = membership.get('');
  if (!mount || own === undefined) throw new Error('no cgroup v2 hierarchy');
  const dir = dirFor(mount, own);
  if (!dir) throw new Error('own v2 cgroup is outside the visible hierarchy');
  const available = (await readText(path.join(dir, 'cgroup.controllers')))?.trim().split(/\s+/) ?? [];
  const missing = ['memory', 'pids', 'cpu'].filter((c) => !available.includes(c));
  if (missing.length > 0) throw new Error(`cgroup v2 lacks controllers: ${missing.join(', ')}`);
  const enabled = (await readText(path.join(dir, 'cgroup.subtree_control')))?.trim().split(/\s+/) ?? [];
  const toEnable = ['memory', 'pids', 'cpu'].filter((c) => !enabled.includes(c));
  if (toEnable.length > 0 && !(await tryWrite(path.join(dir, 'cgroup.subtree_control'), toEnable.map((c) => `+${c}`).join(' ')))) {
    throw new Error(`cannot delegate ${toEnable.join(', ')} below ${dir}`);
  }
  return dir;
}

function v1Parents(mounts: Mount[], membership: Map<string, string>): V1Parents {
  const find = (controller: string): string | undefined => {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes(controller));
    const own = membership.get(controller);
    return mount && own !== undefined ? dirFor(mount, own) : undefined;
  };
  const memory = find('memory');
  const pids = find('pids');
  if (!memory || !pids) throw new Error('no cgroup v1 memory and pids hierarchies');
  const parents: V1Parents = { memory, pids };
  const cpu = find('cpu');
  const cpuacct = find('cpuacct');
  if (cpu) parents.cpu = cpu;
  if (cpuacct) parents.cpuacct = cpuacct;
  return parents;
}

/** Leftovers younger than this may belong to a kernel that is starting a sandbox right now. */
const STALE_MS = 60_000;

/** Proves the host by a probe cgroup, then sweeps what kernels that died left behind (their guests too). */
async function proved(host: CgroupHost): Promise<{ host: CgroupHost; swept: SweepReport }> {
  const cgroup = await host.create(`${PROBE_PREFIX}${randomBytes(6).toString('hex')}`, DEFAULT_SANDBOX_LIMITS);
  await cgroup.remove();
  return { host, swept: await host.sweep(STALE_MS) };
}

async function detect(): Promise<CgroupDetection> {
  const mounts = parseMounts((await readText('/proc/self/mountinfo')) ?? '');
  const membership = parseMembership((await readText('/proc/self/cgroup')) ?? '');
  const reasons: string[] = [];
  try {
    return await proved(new V2Host(await v2Parent(mounts, membership)));
  } catch (error) {
    reasons.push(`v2: ${(error as Error).message}`);
  }
  try {
    return await proved(new V1Host(v1Parents(mounts, membership)));
  } catch (error) {
    reasons.push(`v1: ${(error as Error).message}`);
  }
  return { host: undefined, reason: reasons.join('; ') };
}

let cached: Promise<CgroupDetection> | undefined;

/** Detected once per process. */
export function detectCgroups(): Promise<CgroupDetection> {
  cached ??= detect();
  return cached;
}
