/**
 * `compute-wasi`: WASI hello-world spawn→exit latency of Aether's runtime, cold (a runner forked for the
 * spawn) and warm (a booted runner taken from the pool), p50/p99, against the baseline measured in the
 * same run: `node:wasi` in a fresh worker thread (no process isolation, no kill, no memory cap). Ratios
 * are ours ÷ node:wasi, so lower is better; the target is warm ≤ 1.0. The guest is the C hello world of
 * the conformance suite, built with clang at bench time (the scenario notes and skips without clang).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { compileC, CONFORMANCE_DIR, skipWithoutClang } from '../../packages/kernel/src/compute/wasi/conformance/compile.ts';
import { WasiRuntime } from '../../packages/kernel/src/compute/wasi/runtime.ts';
import { percentile, type Report, type Scenario } from '../scenario.ts';

const COLD_RUNS = 12;
const WARM_RUNS = 40;
const POOL = 2;
const LIMITS = { wallMs: 30_000, memoryBytes: 64 * 1024 * 1024, outputBytes: 1024 * 1024 };

// The baseline guest host: node:wasi inside a fresh worker, output to /dev/null.
const NODE_WASI_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WASI } = require('node:wasi');
const wasi = new WASI({ version: 'preview1', args: ['hello', 'bench'], env: {}, stdout: workerData.devNull, returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), wasi.getImportObject());
parentPort.postMessage(wasi.start(instance));
`;

async function nodeWasiOnce(bytes: Uint8Array, devNull: number): Promise<number> {
  const started = performance.now();
  const worker = new Worker(NODE_WASI_WORKER, { eval: true, workerData: { bytes, devNull }, execArgv: ['--disable-warning=ExperimentalWarning'] });
  const code = await new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (code !== 0) throw new Error(`node:wasi hello exited ${String(code)}`);
  const elapsed = performance.now() - started;
  await worker.terminate();
  return elapsed;
}

async function oursOnce(runtime: WasiRuntime, module: Uint8Array): Promise<number> {
  const started = performance.now();
  const proc = runtime.spawn({ module, args: ['hello', 'bench'], limits: LIMITS });
  let out = 0;
  proc.on('stdout', (chunk) => {
    out += chunk.length;
  });
  const exit = await proc.exit;
  const elapsed = performance.now() - started;
  if (exit.code !== 0 || out !== 'hello bench\n'.length) throw new Error(`hello exited ${exit.code} (${exit.message ?? ''})`);
  return elapsed;
}

/** Waits until the pool is full again, so a warm sample never competes with a runner booting. */
async function untilWarm(runtime: WasiRuntime, count: number): Promise<void> {
  while (runtime.warm < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Alternates ours and the baseline, one run each, so that load from elsewhere on a shared machine falls
 * on both alike; `prepare` runs before each pair, outside the measurement.
 */
async function paired(
  runs: number, ours: () => Promise<number>, baseline: () => Promise<number>, prepare?: () => Promise<void>,
): Promise<{ ours: number[]; baseline: number[] }> {
  const out = { ours: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < runs; i += 1) {
    await prepare?.();
    out.baseline.push(await baseline());
    out.ours.push(await ours());
  }
  return out;
}

function figures(report: Report, name: string, samples: { ours: number[]; baseline: number[] }): void {
  const [p50, p99] = [percentile(samples.ours, 50), percentile(samples.ours, 99)];
  const [b50, b99] = [percentile(samples.baseline, 50), percentile(samples.baseline, 99)];
  report.figure(`${name}_p50`, p50, 'ms');
  report.figure(`${name}_p99`, p99, 'ms');
  report.figure(`${name}_node_wasi_p50`, b50, 'ms');
  report.figure(`${name}_node_wasi_p99`, b99, 'ms');
  report.ratio(`${name}_p50_vs_node_wasi`, p50 / b50);
  report.ratio(`${name}_p99_vs_node_wasi`, p99 / b99);
}

const scenario: Scenario = {
  name: 'compute-wasi',
  description: 'WASI hello-world spawn→exit, cold and warm, vs node:wasi in a fresh worker (ours ÷ baseline, lower is better)',
  async run(report) {
    const skip = await skipWithoutClang().catch((error: unknown) => (error as Error).message);
    if (skip !== false) {
      report.note(`compute-wasi skipped: ${skip}`);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aether-bench-wasi-'));
    const devNull = fs.openSync('/dev/null', 'w');
    try {
      const bytes = new Uint8Array(fs.readFileSync(await compileC(path.join(CONFORMANCE_DIR, 'hello.c'), dir)));
      report.note(`guest: clang -O1 hello.c, ${bytes.length} bytes; paired runs: cold ${COLD_RUNS}, warm ${WARM_RUNS} (pool of ${POOL})`);
      const baseline = (): Promise<number> => nodeWasiOnce(bytes, devNull);
      await baseline();

      const cold = new WasiRuntime({ poolSize: 0 });
      figures(report, 'cold', await paired(COLD_RUNS, () => oursOnce(cold, bytes), baseline));
      cold.close();

      const warm = new WasiRuntime({ poolSize: POOL });
      await untilWarm(warm, POOL);
      await oursOnce(warm, bytes);
      figures(report, 'warm', await paired(WARM_RUNS, () => oursOnce(warm, bytes), baseline, () => untilWarm(warm, POOL)));
      warm.close();
    } finally {
      fs.closeSync(devNull);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
