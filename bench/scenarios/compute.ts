/**
 * `compute`: everything issue 4's "Done when" asks for, in one scenario, by running the existing
 * scenarios under prefixes — `wasi.*` (compute-wasi: hello-world spawn→exit p50/p99, cold and warm, ÷
 * node:wasi in a fresh worker; target warm ≤ 1.0), `sandbox.*` (compute-sandbox: spawn→exit of /bin/true
 * ÷ a plain child_process.spawn), `vfs.*` (vfs: 4 KB and 1 MB read/write ÷ raw fs; target ≥ 0.8 for
 * 1 MB) — and then what the `vm.*` service adds on top of each backend (`vm.*`): spawn→exit through the
 * `vm.spawn` contract until the `vm.exit` event, ÷ the same program through the runtime directly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InProcessBus } from '../../packages/kernel/src/bus/in-process-bus.ts';
import {
  ComputeConfigSchema, ComputeService, registerComputeContracts, SandboxRuntime, WasiRuntime,
} from '../../packages/kernel/src/compute/index.ts';
import { grantWorkspace } from '../../packages/kernel/src/compute/sandbox/index.ts';
import { compileC, CONFORMANCE_DIR, skipWithoutClang } from '../../packages/kernel/src/compute/wasi/conformance/compile.ts';
import { ContractRegistry } from '../../packages/kernel/src/contracts/registry.ts';
import { CapabilitySet } from '../../packages/kernel/src/security/capability-set.ts';
import { makePrincipal } from '../../packages/kernel/src/security/principal.ts';
import { VfsService } from '../../packages/kernel/src/vfs/index.ts';
import { percentile, type Report, type Scenario } from '../scenario.ts';
import sandboxScenario from './compute-sandbox.ts';
import wasiScenario from './compute-wasi.ts';
import vfsScenario from './vfs.ts';

const RUNS = 30;
const alice = makePrincipal('user', 'alice', CapabilitySet.of(['fs.*:/home/alice/**', 'vm.spawn:*']));

/** The same report with every metric named `<prefix>.<metric>`. */
function prefixed(report: Report, prefix: string): Report {
  return {
    figure: (metric, value, unit) => report.figure(`${prefix}.${metric}`, value, unit),
    ratio: (metric, value) => report.ratio(`${prefix}.${metric}`, value),
    note: (text) => report.note(`${prefix}: ${text}`),
  };
}

/** Alternates the two, one run each, so load from elsewhere falls on both alike; `prepare` is not timed. */
async function paired(ours: () => Promise<void>, direct: () => Promise<void>, prepare: () => Promise<void> = () => Promise.resolve()): Promise<{ ours: number[]; direct: number[] }> {
  const out = { ours: [] as number[], direct: [] as number[] };
  const time = async (fn: () => Promise<void>): Promise<number> => {
    await prepare();
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  await time(ours);
  await time(direct);
  for (let i = 0; i < RUNS; i++) {
    out.direct.push(await time(direct));
    out.ours.push(await time(ours));
  }
  return out;
}

function figures(report: Report, name: string, samples: { ours: number[]; direct: number[] }): void {
  for (const p of [50, 99]) {
    report.figure(`${name}_vm_spawn_p${p}`, percentile(samples.ours, p), 'ms');
    report.figure(`${name}_runtime_p${p}`, percentile(samples.direct, p), 'ms');
    report.ratio(`${name}_vm_spawn_p${p}_vs_runtime`, percentile(samples.ours, p) / percentile(samples.direct, p));
  }
}

/** Spawn→exit through the `vm.*` contracts, against each runtime on its own. */
async function serviceOverhead(report: Report): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'aether-bench-vm-'));
  const bus = new InProcessBus();
  const vfs = new VfsService({ dataDir: path.join(base, 'data'), bus });
  const wasi = new WasiRuntime({ poolSize: 2 });
  const sandbox = new SandboxRuntime();
  const compute = new ComputeService({ bus, vfs, wasi, sandbox, config: ComputeConfigSchema.parse({ max_vms_per_principal: 4 }) });
  const registry = new ContractRegistry();
  registerComputeContracts(registry, compute);
  const exits = new Map<string, () => void>();
  const early = new Set<string>();
  const listener = bus.connect({
    onMessage: (envelope) => {
      const vmId = envelope.payload?.vmId as string;
      const waiter = exits.get(vmId);
      if (waiter === undefined) early.add(vmId);
      else waiter();
    },
  });
  listener.subscribe('vm.exit');
  const context = { principal: alice, requestId: 'bench', clientId: 'bench', signal: new AbortController().signal };
  const viaContract = (request: Record<string, unknown>) => async (): Promise<void> => {
    const { vmId } = (await registry.call('vm.spawn', request, context)) as { vmId: string };
    if (early.delete(vmId)) return;
    await new Promise<void>((resolve) => exits.set(vmId, resolve));
    exits.delete(vmId);
  };
  try {
    const skip = await skipWithoutClang().catch((error: unknown) => (error as Error).message);
    if (skip === false) {
      const wasm = fs.readFileSync(await compileC(path.join(CONFORMANCE_DIR, 'hello.c'), base));
      await vfs.write(alice, '/home/alice/hello.wasm', wasm);
      const limits = { wallMs: 30_000, memoryBytes: 64 * 1024 * 1024, outputBytes: 1024 * 1024 };
      const direct = async (): Promise<void> => void (await wasi.spawn({ module: new Uint8Array(wasm), args: ['hello', 'bench'], limits }).exit);
      const untilWarm = async (): Promise<void> => {
        while (wasi.warm < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      const ours = viaContract({ backend: 'wasi', program: '/home/alice/hello.wasm', args: ['bench'] });
      figures(report, 'wasi_warm', await paired(ours, direct, untilWarm));
    } else report.note(`wasi part skipped: ${skip}`);
    const status = await sandbox.status();
    if (status.available) {
      const dir = fs.mkdtempSync(path.join(base, 'sbx-'));
      // The baseline's own workspace: reachable by the sandbox's host user, as compute-sandbox does it.
      fs.chmodSync(base, 0o711);
      await grantWorkspace(dir, sandbox.hostUser);
      const direct = async (): Promise<void> => void (await (await sandbox.spawn({ argv: ['/bin/true'], workspace: { hostDir: dir } })).exit);
      figures(report, 'sandbox', await paired(viaContract({ backend: 'sandbox', command: ['/bin/true'] }), direct));
    } else report.note(`sandbox part skipped: ${status.reason ?? 'unavailable'}`);
  } finally {
    await compute.close();
    listener.close();
    vfs.close();
    await bus.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

const scenario: Scenario = {
  name: 'compute',
  description: 'issue 4 in one run: wasi vs node:wasi, sandbox vs plain spawn, VFS vs raw fs, and the vm.* service on top of each backend',
  async run(report) {
    await wasiScenario.run(prefixed(report, 'wasi'));
    await sandboxScenario.run(prefixed(report, 'sandbox'));
    await vfsScenario.run(prefixed(report, 'vfs'));
    await serviceOverhead(prefixed(report, 'vm'));
  },
};

export default scenario;
