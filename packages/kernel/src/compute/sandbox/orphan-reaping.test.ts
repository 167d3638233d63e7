/**
 * A guest whose kernel process died during sandbox setup (before bubblewrap armed --die-with-parent) is
 * held only by its cgroup, which is named for the kernel process that made it. The next kernel start kills
 * it and removes the cgroup; the cgroups of a live kernel — this very process included — are left alone.
 * The orphan is staged with real parts: a real cgroup named for a dead (or recycled) pid, and a real
 * process in it. Killing the staged kernel mid-setup instead would make the test depend on timing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { detectCgroups } from './cgroup-detect.ts';
import type { CgroupHost, SandboxCgroup } from './cgroup-host.ts';
import { type CgroupOwner, kernelOwner, sandboxCgroupName } from './cgroup-owner.ts';
import type { SandboxStatus } from './sandbox-runtime.ts';
import { eventually, processState, skipUnlessCgroups } from './test-kit.ts';
import { DEFAULT_SANDBOX_LIMITS } from './types.ts';

const skip = await skipUnlessCgroups();
const fixture = fileURLToPath(new URL('./kernel-start-fixture.ts', import.meta.url));

async function host(): Promise<CgroupHost> {
  const detection = await detectCgroups();
  assert.ok(detection.host, 'cgroups are available');
  return detection.host;
}

/** A kernel process that has died: a child we started, killed and reaped, so its pid runs nothing of ours. */
async function deadKernel(): Promise<CgroupOwner> {
  const child = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pid = child.pid ?? assert.fail('the child started');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  child.kill('SIGKILL');
  await exited;
  return { ...(await kernelOwner()), pid, start };
}

interface Orphan {
  name: string;
  guest: ChildProcess;
  cgroup: SandboxCgroup;
  /** Resolves with the guest's signal once it has ended (and been reaped: it is our child). */
  ended: Promise<NodeJS.Signals | null>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A guest (a long sleep) inside a sandbox cgroup named for `owner`; disposing kills it and removes the cgroup. */
async function guestOf(owner: CgroupOwner): Promise<Orphan> {
  const name = sandboxCgroupName(owner, randomBytes(8).toString('hex'));
  const cgroup = await (await host()).create(name, DEFAULT_SANDBOX_LIMITS);
  const guest = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
  const ended = new Promise<NodeJS.Signals | null>((resolve) => guest.once('exit', (_code, signal) => resolve(signal)));
  await new Promise((resolve) => guest.once('spawn', resolve));
  await cgroup.add(guest.pid ?? assert.fail('the guest started'));
  return {
    name, guest, cgroup, ended,
    [Symbol.asyncDispose]: async () => {
      guest.kill('SIGKILL');
      await cgroup.remove();
      await ended;
    },
  };
}

/** Starts another kernel process, which sweeps at start-up, and returns its status. */
async function nextKernelStart(): Promise<SandboxStatus> {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture]);
  return JSON.parse(stdout) as SandboxStatus;
}

/** Whether the cgroup directory still exists in any hierarchy. */
async function cgroupExists(name: string): Promise<boolean> {
  const found = await Promise.all((await host()).parents.map((parent) => access(path.join(parent, name)).then(() => true, () => false)));
  return found.includes(true);
}

/** The guest's end, or 'still running' after a deadline that only guards against hanging. */
function endOf(orphan: Orphan): Promise<NodeJS.Signals | null | 'still running'> {
  return Promise.race([orphan.ended, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000).unref())]);
}

async function assertLeftAlone(orphan: Orphan): Promise<void> {
  assert.equal(orphan.guest.exitCode, null, 'the guest still runs');
  assert.equal(orphan.guest.signalCode, null, 'the guest was not killed');
  assert.ok(!['Z', undefined].includes(await processState(orphan.guest.pid ?? 0)), 'the guest is still a live process');
  assert.ok(await cgroupExists(orphan.name), 'the cgroup stays');
  assert.ok((await orphan.cgroup.processes()).includes(orphan.guest.pid ?? 0), 'the guest is still in its cgroup');
}

describe('sandbox guests orphaned by a kernel process that died', { skip }, () => {
  it('a guest orphaned by a dead kernel is killed at the next start', async () => {
    await using orphan = await guestOf(await deadKernel());
    const status = await nextKernelStart();
    assert.equal(await endOf(orphan), 'SIGKILL', 'the guest was killed');
    assert.ok(await eventually(async () => !(await cgroupExists(orphan.name))), 'its cgroup is removed');
    assert.ok((status.swept?.orphans ?? 0) >= 1, 'the start reports the orphans it reaped');
    assert.deepEqual(status.swept?.failed, []);
  });

  it("a live kernel's sandboxes are left alone", async () => {
    await using live = await guestOf(await kernelOwner());
    // Another kernel starting on this host, and a sweep inside this very process (which shares the pid
    // with every runtime in it), even with no minimum age.
    await nextKernelStart();
    await (await host()).sweep(0);
    await assertLeftAlone(live);
  });

  it('a guest whose kernel pid now belongs to another process is killed', async () => {
    // Our pid, but an earlier start time: a kernel that died, whose pid was handed to this process.
    const me = await kernelOwner();
    assert.ok(me.start > 0, 'this process knows its start time');
    await using orphan = await guestOf({ ...me, start: me.start - 1 });
    await (await host()).sweep(60_000);
    assert.equal(await endOf(orphan), 'SIGKILL', 'the guest was killed');
    assert.equal(await cgroupExists(orphan.name), false, 'its cgroup is removed');
  });

  it('sandboxes of a kernel in another pid namespace are left alone', async () => {
    // Its pid means nothing here, so whether it lives cannot be told; only an empty stale cgroup would go.
    const dead = await deadKernel();
    await using foreign = await guestOf({ ...dead, pidNs: dead.pidNs + 1 });
    await (await host()).sweep(0);
    await assertLeftAlone(foreign);
  });
});
