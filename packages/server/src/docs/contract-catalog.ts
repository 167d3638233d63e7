/**
 * Every contract the daemon serves, described: the kernel's registry plus what the gateway registers
 * itself (`bus.resume`). Built on a throwaway kernel in a temporary directory, with no network listener.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema, type ContractDescriptor, createKernel, silentLogger } from '@aether/kernel';
import { ReplayOptionsSchema } from '../options.ts';
import { ReplayBuffer } from '../streams/replay-buffer.ts';
import { registerResumeContract } from '../streams/resume-contract.ts';

export async function describeAllContracts(): Promise<readonly ContractDescriptor[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-docs-'));
  const kernel = await createKernel(ConfigSchema.parse({ data_dir: dataDir }), { logger: silentLogger() });
  try {
    const replayer = kernel.bus.connect({ onMessage: () => {} });
    registerResumeContract(kernel, new ReplayBuffer(ReplayOptionsSchema.parse({})), replayer);
    return kernel.registry.describe();
  } finally {
    await kernel.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
