/**
 * Every limit stops what it should with the right reason, and the kernel is unharmed afterwards: wall and
 * idle time, output floods, CPU time, file size, /tmp size, process count (fork bomb), memory (bomb).
 * Reasons are asserted, never durations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collect, run, runtime, skipUnlessBwrap, workspace } from './test-kit.ts';

const sh = (script: string): string[] => ['/bin/sh', '-c', script];

async function kernelStillAnswers(): Promise<void> {
  const { stdout, exit } = await run({ argv: ['/bin/echo', 'still here'] });
  assert.equal(exit.code, 0);
  assert.equal(stdout, 'still here\n');
}

describe('sandbox limits', { skip: await skipUnlessBwrap() }, () => {
  it('kills an infinite loop at the wall-time limit → timeout', async () => {
    const { exit } = await run({ argv: sh('while :; do :; done'), limits: { wallMs: 1000 } });
    assert.equal(exit.reason, 'timeout');
    assert.equal(exit.limit, 'wall');
    assert.equal(exit.signal, 'SIGKILL');
  });

  it('kills a program that stays silent past the idle limit → timeout', async () => {
    const { exit } = await run({ argv: ['/bin/sleep', '1000'], limits: { idleMs: 300, wallMs: 60_000 } });
    assert.equal(exit.reason, 'timeout');
    assert.equal(exit.limit, 'idle');
  });

  it('cuts an output flood at exactly the byte limit → resource_exceeded', async () => {
    const { stdout, stderr, exit } = await run({ argv: ['/usr/bin/yes', 'flood'], limits: { outputBytes: 64 * 1024 } });
    assert.equal(exit.reason, 'resource_exceeded');
    assert.equal(exit.limit, 'output');
    assert.equal(stdout.length + stderr.length, 64 * 1024);
    assert.equal(exit.usage.outputBytes, 64 * 1024);
  });

  it('stops a CPU hog at the CPU-time limit → resource_exceeded', async () => {
    const { exit } = await run({ argv: sh('while :; do :; done'), limits: { cpuSeconds: 1, wallMs: 60_000 } });
    assert.equal(exit.reason, 'resource_exceeded');
    assert.equal(exit.limit, 'cpu');
  });

  it('stops a file larger than the file-size limit → resource_exceeded', async () => {
    const { exit } = await run({ argv: ['/bin/dd', 'if=/dev/zero', 'of=big', 'bs=65536', 'count=64'], limits: { fileBytes: 1024 * 1024 } });
    assert.equal(exit.signal, 'SIGXFSZ');
    assert.equal(exit.reason, 'resource_exceeded');
    assert.equal(exit.limit, 'file');
  });

  it('keeps /tmp within its size', async () => {
    const { stderr, exit } = await run({ argv: ['/bin/dd', 'if=/dev/zero', 'of=/tmp/big', 'bs=65536', 'count=64'], limits: { tmpBytes: 1024 * 1024 } });
    assert.notEqual(exit.code, 0);
    assert.match(stderr, /No space left on device/);
  });

  it('refuses processes beyond the process limit', async () => {
    const { stderr, exit } = await run({ argv: sh('for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do sleep 30 & done; wait'), limits: { processes: 8 } });
    assert.match(stderr, /fork/i);
    assert.notEqual(exit.code, 0);
  });

  it('contains a fork bomb; the kernel keeps answering', async () => {
    // Every process forks forever, ignoring failures, so the bomb is still at the process limit at wall time.
    const { exit } = await run({ argv: sh('bomb() { while :; do (bomb &) 2>/dev/null; done; }; bomb'), limits: { processes: 64, wallMs: 3000 } });
    assert.notEqual(exit.code, 0, 'the bomb did not get to finish');
    if (exit.usage.mode !== 'rlimit') {
      assert.ok(exit.reason === 'timeout' || (exit.reason === 'resource_exceeded' && exit.limit === 'processes'), `reason: ${exit.reason ?? 'none'}`);
    }
    await kernelStillAnswers();
  });

  it('contains a memory bomb; the kernel keeps answering', async () => {
    const { exit } = await run({ argv: sh('x=aaaaaaaa; while :; do x="$x$x"; done'), limits: { memoryBytes: 128 * 1024 * 1024, wallMs: 30_000 } });
    assert.ok(exit.code !== 0, 'the bomb failed');
    assert.notEqual(exit.limit, 'wall', 'stopped by memory, not by time');
    await kernelStillAnswers();
  });

  it('bounds the memory of the whole tree when cgroups are available', async (t) => {
    const status = await runtime.status();
    if (status.mode === 'rlimit') return t.skip(`rlimit mode: ${status.cgroupReason ?? ''}`);
    // Four processes, each under the per-process address-space limit, together over the tree limit.
    const hog = 'x=aaaaaaaa; while [ ${#x} -lt 40000000 ]; do x="$x$x"; done; sleep 30';
    await using ws = await workspace();
    const proc = await runtime.spawn({
      argv: sh(`for i in 1 2 3 4; do /bin/sh -c '${hog}' & done; wait`),
      workspace: { hostDir: ws.dir },
      limits: { memoryBytes: 160 * 1024 * 1024, wallMs: 30_000 },
    });
    const { exit } = await collect(proc);
    assert.equal(exit.reason, 'resource_exceeded');
    assert.equal(exit.limit, 'memory');
    assert.ok((exit.usage.maxRssKb ?? 0) <= 160 * 1024, `peak ${exit.usage.maxRssKb ?? 0} KiB within the limit`);
  });

  it('reports CPU time and peak memory in cgroup modes', async (t) => {
    const { exit } = await run({ argv: ['/bin/true'] });
    if (exit.usage.mode === 'rlimit') return t.skip('rlimit mode measures neither');
    assert.equal(typeof exit.usage.cpuMs, 'number');
    assert.equal(typeof exit.usage.maxRssKb, 'number');
  });
});
