/**
 * `vfs`: file write and read throughput through the VFS service (capability checks, mount lookup,
 * quota accounting, confined openat-style resolution, change events) for 4 KB and 1 MB files, next to
 * raw `fs.writeFileSync` / `fs.readFileSync` of the same bytes at the same depth in the same run.
 * Also, for context, the same through the `vfs:write` / `vfs:read` contracts (base64 on the wire, one
 * 512 KiB chunk a call). Pairs run in alternating rounds after a warm-up; figures and ratios are medians.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InProcessBus } from '../../packages/kernel/src/bus/in-process-bus.ts';
import { ContractRegistry } from '../../packages/kernel/src/contracts/registry.ts';
import { CapabilitySet } from '../../packages/kernel/src/security/capability-set.ts';
import { makePrincipal } from '../../packages/kernel/src/security/principal.ts';
import { MAX_CHUNK_BYTES } from '../../packages/kernel/src/vfs/content.ts';
import { registerVfsContracts } from '../../packages/kernel/src/vfs/register.ts';
import { VfsService } from '../../packages/kernel/src/vfs/vfs-service.ts';
import { type Report, type Scenario, percentile, throughput } from '../scenario.ts';

const ROUNDS = 7;
const MS = 200;
const SIZES = [
  { label: '4kb', bytes: 4 * 1024 },
  { label: '1mb', bytes: 1024 * 1024 },
];

const alice = makePrincipal('user', 'alice', CapabilitySet.of(['fs.*:/home/alice/**']));
const median = (values: readonly number[]): number => percentile(values, 50);

/** Median ops/s of `ours` and `baseline`, measured in alternating rounds. */
async function pair(ours: () => Promise<unknown>, baseline: () => unknown): Promise<{ ours: number; baseline: number }> {
  await throughput(MS / 2, 1, async () => void (await ours()));
  await throughput(MS / 2, 1, () => void baseline());
  const o: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    o.push(await throughput(MS, 1, async () => void (await ours())));
    b.push(await throughput(MS, 1, () => void baseline()));
  }
  return { ours: median(o), baseline: median(b) };
}

function mbPerSecond(opsPerSecond: number, bytes: number): number {
  return (opsPerSecond * bytes) / (1024 * 1024);
}

const scenario: Scenario = {
  name: 'vfs',
  description: 'VFS write/read of 4 KB and 1 MB files vs raw fs in the same run',
  async run(report: Report) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'aether-bench-vfs-'));
    const bus = new InProcessBus();
    const vfs = new VfsService({ dataDir: path.join(base, 'data'), bus });
    const registry = new ContractRegistry();
    registerVfsContracts(registry, vfs);
    const context = { principal: alice, requestId: 'bench', clientId: 'bench', signal: new AbortController().signal };
    const rawDir = path.join(base, 'raw', 'vfs', 'home', 'alice', 'docs');
    fs.mkdirSync(rawDir, { recursive: true });
    await vfs.mkdir(alice, '/home/alice/docs', { recursive: true });
    report.note(`${ROUNDS} alternating rounds of ${MS} ms; same file rewritten / reread; ${os.tmpdir()} on this machine's disk`);
    try {
      for (const { label, bytes } of SIZES) {
        const data = Buffer.alloc(bytes, 0x61);
        const rawFile = path.join(rawDir, `f-${label}`);
        const vfsFile = `/home/alice/docs/f-${label}`;
        const write = await pair(() => vfs.write(alice, vfsFile, data), () => fs.writeFileSync(rawFile, data));
        report.figure(`vfs_write_${label}`, mbPerSecond(write.ours, bytes), 'MB/s');
        report.figure(`fs_write_${label}`, mbPerSecond(write.baseline, bytes), 'MB/s');
        report.ratio(`vfs_write_${label}_vs_fs`, write.ours / write.baseline);
        const read = await pair(() => vfs.read(alice, vfsFile), () => fs.readFileSync(rawFile));
        report.figure(`vfs_read_${label}`, mbPerSecond(read.ours, bytes), 'MB/s');
        report.figure(`fs_read_${label}`, mbPerSecond(read.baseline, bytes), 'MB/s');
        report.ratio(`vfs_read_${label}_vs_fs`, read.ours / read.baseline);

        const chunk = data.subarray(0, Math.min(bytes, MAX_CHUNK_BYTES));
        const content = chunk.toString('base64');
        const wirePath = `/home/alice/docs/w-${label}`;
        const wire = await pair(
          () => registry.call('vfs:write', { path: wirePath, content, encoding: 'base64' }, context),
          () => fs.writeFileSync(rawFile, chunk),
        );
        report.figure(`contract_write_${label}`, mbPerSecond(wire.ours, chunk.length), 'MB/s');
        report.ratio(`contract_write_${label}_vs_fs`, wire.ours / wire.baseline);
        const wireRead = await pair(
          () => registry.call('vfs:read', { path: wirePath, encoding: 'base64' }, context),
          () => fs.readFileSync(rawFile),
        );
        report.figure(`contract_read_${label}`, mbPerSecond(wireRead.ours, chunk.length), 'MB/s');
        report.ratio(`contract_read_${label}_vs_fs`, wireRead.ours / wireRead.baseline);
      }
    } finally {
      vfs.close();
      await bus.close();
      fs.rmSync(base, { recursive: true, force: true });
    }
  },
};

export default scenario;
