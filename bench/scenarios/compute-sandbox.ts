/**
 * compute-sandbox: spawn → exit latency of `/bin/true` in a bubblewrap sandbox (namespaces, mounts,
 * rlimits, cgroup when available) against a plain `child_process.spawn('/bin/true')` in the same run.
 * Ratios are sandbox ÷ plain latency (an overhead factor: lower is better, 1.0 would be free). When
 * cgroups are in use, the rlimit-only mode is measured too, to show what the per-sandbox cgroup costs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { grantWorkspace } from '../../packages/kernel/src/compute/sandbox/host-user.ts';
import { SandboxRuntime } from '../../packages/kernel/src/compute/sandbox/sandbox-runtime.ts';
import { percentile, type Report, type Scenario } from '../scenario.ts';

const WARMUP = 5;
const SAMPLES = 100;

function plainTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/true', [], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

async function measure(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const scenario: Scenario = {
  name: 'compute-sandbox',
  description: `sandbox spawn→exit of /bin/true vs plain child_process.spawn, ${SAMPLES} samples each`,
  async run(report: Report): Promise<void> {
    const runtime = new SandboxRuntime();
    const status = await runtime.status();
    if (!status.available) {
      report.note(`skipped: ${status.reason ?? 'sandbox unavailable'}`);
      return;
    }
    report.note(`${status.version ?? 'bubblewrap'}, limit mode ${status.mode}${status.cgroupReason ? ` (${status.cgroupReason})` : ''}`);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aether-bench-sbx-'));
    try {
      await grantWorkspace(dir, runtime.hostUser);
      const sandboxed = (on: SandboxRuntime) => async (): Promise<void> => {
        const proc = await on.spawn({ argv: ['/bin/true'], workspace: { hostDir: dir } });
        const exit = await proc.exit;
        if (exit.code !== 0) throw new Error(`sandboxed /bin/true exited ${String(exit.code ?? exit.signal)}`);
      };
      const plain = await measure(plainTrue);
      const runs: [string, number[]][] = [['plain', plain], ['sandbox', await measure(sandboxed(runtime))]];
      if (status.mode !== 'rlimit') runs.push(['sandbox_rlimit_only', await measure(sandboxed(new SandboxRuntime({ cgroups: false })))]);
      for (const [label, samples] of runs) {
        report.figure(`${label}.p50`, percentile(samples, 50), 'ms');
        report.figure(`${label}.p99`, percentile(samples, 99), 'ms');
      }
      for (const [label, samples] of runs.slice(1)) {
        for (const p of [50, 99]) report.ratio(`${label}_spawn_p${p}_vs_plain_spawn`, percentile(samples, p) / percentile(plain, p));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
