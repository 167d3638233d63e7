/**
 * Identity work on the data directory itself, for when no daemon runs (`aether user add --admin` on a
 * fresh host, `aether setup` before the first start): a kernel is opened on the directory, used, and
 * closed. With a daemon running, commands go through it instead.
 */
import { type Kernel, createKernel, loadConfig, silentLogger } from '@aether/kernel';

export async function withOfflineKernel<T>(dataDir: string, work: (kernel: Kernel) => Promise<T>): Promise<T> {
  const kernel = await createKernel(loadConfig({ flags: { data_dir: dataDir } }), { logger: silentLogger() });
  try {
    return await work(kernel);
  } finally {
    await kernel.stop();
  }
}
