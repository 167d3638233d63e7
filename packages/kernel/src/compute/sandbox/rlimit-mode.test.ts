/**
 * The weaker mode used when no cgroup can be created (forced here with `cgroups: false`): rlimits still
 * bound CPU time, memory per process, file size and — per user namespace, so per sandbox — processes; the
 * mode is reported, and tree-wide CPU and memory figures are absent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SandboxRuntime } from './sandbox-runtime.ts';
import { run, skipUnlessBwrap } from './test-kit.ts';

const weaker = new SandboxRuntime({ cgroups: false });

describe('sandbox in rlimit-only mode', { skip: await skipUnlessBwrap() }, () => {
  it('reports the mode and why', async () => {
    const status = await weaker.status();
    assert.equal(status.mode, 'rlimit');
    assert.match(status.cgroupReason ?? '', /disabled/);
    const { exit } = await run({ argv: ['/bin/true'] }, weaker);
    assert.equal(exit.usage.mode, 'rlimit');
    assert.equal(exit.usage.cpuMs, undefined);
  });

  it('still refuses processes beyond the limit', async () => {
    const { stderr, exit } = await run({ argv: ['/bin/sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done; wait'], limits: { processes: 6 } }, weaker);
    assert.match(stderr, /fork/i);
    assert.notEqual(exit.code, 0);
  });

  it('counts processes per sandbox, not per host user', async () => {
    const script = 'for i in 1 2 3 4 5 6; do sleep 2 & done; wait; echo all-forked';
    const both = await Promise.all([1, 2].map(() => run({ argv: ['/bin/sh', '-c', script], limits: { processes: 10 } }, weaker)));
    for (const { stdout } of both) assert.equal(stdout, 'all-forked\n');
  });

  it('still stops a CPU hog', async () => {
    const { exit } = await run({ argv: ['/bin/sh', '-c', 'while :; do :; done'], limits: { cpuSeconds: 1, wallMs: 60_000 } }, weaker);
    assert.equal(exit.reason, 'resource_exceeded');
    assert.equal(exit.limit, 'cpu');
  });
});
