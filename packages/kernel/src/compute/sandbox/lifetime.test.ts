/**
 * A sandbox never outlives its owner: kill() ends the whole tree (grandchildren included), and when the
 * kernel process itself dies, bubblewrap's --die-with-parent takes the sandbox down with it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collect, eventually, hostPidsRunning, runtime, skipUnlessBwrap, waitFor, workspace } from './test-kit.ts';

/** A sleep duration no other process on the host is using, so it identifies our sandbox's processes. */
const marker = (): string => `${randomInt(100_000, 900_000)}.${randomInt(1000, 9999)}`;

describe('sandbox lifetime', { skip: await skipUnlessBwrap() }, () => {
  it('kill() ends the whole tree, grandchildren included', async () => {
    const mark = marker();
    await using ws = await workspace();
    const proc = await runtime.spawn({ argv: ['/bin/sh', '-c', 'sleep "$1" & (sleep "$1" &) ; echo ready; wait', 'sh', mark], workspace: { hostDir: ws.dir } });
    const result = collect(proc);
    await waitFor(proc.stdout, /ready/);
    assert.ok(await eventually(async () => (await hostPidsRunning(['sleep', mark])).length === 2), 'both sleepers run');
    proc.kill();
    const { exit } = await result;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.reason, undefined, 'a requested kill is not a limit breach');
    assert.ok(await eventually(async () => (await hostPidsRunning(['sleep', mark])).length === 0), 'no process of the sandbox survives');
  });

  it('dies with its parent: killing the kernel process kills the sandbox', async () => {
    const mark = marker();
    await using ws = await workspace();
    const fixture = fileURLToPath(new URL('./parent-death-fixture.ts', import.meta.url));
    const parent = spawn(process.execPath, [fixture, ws.dir, mark], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    await waitFor(parent.stdout, /ready/);
    assert.ok(await eventually(async () => (await hostPidsRunning(['sleep', mark])).length === 2), 'the sandbox runs');
    parent.kill('SIGKILL');
    await exited;
    assert.ok(await eventually(async () => (await hostPidsRunning(['sleep', mark])).length === 0), 'the sandbox died with its parent');
  });
});
