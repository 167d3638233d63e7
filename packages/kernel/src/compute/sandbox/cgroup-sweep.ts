/**
 * The start-up sweep of our per-sandbox cgroups. A guest whose kernel was killed during sandbox setup
 * (before bubblewrap armed --die-with-parent) keeps running with nobody to enforce its wall time or kill
 * it; its cgroup still holds it, so a cgroup whose owner (named in it, see cgroup-owner.ts) is dead has
 * everything in it killed and is removed. Cgroups of a live owner — another kernel on this host, or
 * another runtime in this very process — are never touched. Names that cannot be judged (older naming,
 * another pid namespace, probes) keep the old rule: removed only when empty and older than `minAgeMs`.
 */
import { readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PROBE_PREFIX, SANDBOX_PREFIX, type SandboxCgroup, type SweepReport } from './cgroup-host.ts';
import { judgeOwner, ownerOf } from './cgroup-owner.ts';

async function ours(parent: string): Promise<string[]> {
  try {
    return (await readdir(parent)).filter((name) => name.startsWith(SANDBOX_PREFIX) || name.startsWith(PROBE_PREFIX));
  } catch {
    return [];
  }
}

/** rmdir of a stale child; a cgroup that still has processes refuses, as it should. */
async function removeIfStale(dir: string, minAgeMs: number): Promise<void> {
  try {
    if (Date.now() - (await stat(dir)).mtimeMs >= minAgeMs) await rmdir(dir);
  } catch {
    // busy (still running) or already gone
  }
}

/**
 * Sweeps the same-named children of `parents` (one per v1 hierarchy, or the v2 parent). `open` gives the
 * cgroup of a name across all hierarchies, so its kill and removal reach every one of them.
 */
export async function sweepCgroups(parents: readonly string[], minAgeMs: number, open: (name: string) => SandboxCgroup): Promise<SweepReport> {
  const report: SweepReport = { orphans: 0, failed: [] };
  const names = new Set((await Promise.all(parents.map(ours))).flat());
  for (const name of names) {
    const owner = ownerOf(name);
    const verdict = owner ? await judgeOwner(owner) : 'unknown';
    if (verdict === 'alive') continue;
    if (verdict === 'unknown') {
      for (const parent of parents) await removeIfStale(path.join(parent, name), minAgeMs);
      continue;
    }
    // A dead owner is not setting anything up any more, so there is no age to wait for.
    const cgroup = open(name);
    const held = (await cgroup.processes()).length > 0;
    await cgroup.killAll();
    if (!(await cgroup.remove())) report.failed.push(name);
    else if (held) report.orphans++;
  }
  return report;
}
