/**
 * Per-mount quotas (DESIGN §7): bytes of file content and entries (files, directories, links). A
 * mount's usage is measured once, when it is first touched, then kept current by every change the
 * VFS makes; `forget` makes the next touch measure again (after another writer, such as a WASI guest,
 * changed the mount). A change that would pass a limit is refused with `resource_exceeded` before
 * anything is written: exactly the quota fits, one byte more does not.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Usage } from './storage-backend.ts';

export interface Quota {
  /** Most bytes of file content in the mount. */
  bytes: number;
  /** Most entries (files, directories, symlinks) in the mount. */
  entries: number;
}

export interface QuotaConfig {
  /** Limits of every mount not named in `mounts`. */
  default?: Partial<Quota>;
  /** Limits per mount, by VFS path (`/home/alice`, `/shared`). */
  mounts?: Record<string, Partial<Quota>>;
}

export const DEFAULT_QUOTA: Quota = { bytes: 1024 * 1024 * 1024, entries: 100_000 };

export class QuotaLedger {
  readonly #config: QuotaConfig;
  readonly #usage = new Map<string, Usage>();

  constructor(config: QuotaConfig = {}) {
    this.#config = config;
  }

  limitOf(mountPath: string): Quota {
    return { ...DEFAULT_QUOTA, ...this.#config.default, ...this.#config.mounts?.[mountPath] };
  }

  /** Current usage, measured by `measure` the first time (or after `forget`). */
  async usageOf(mountPath: string, measure: () => Promise<Usage>): Promise<Usage> {
    let usage = this.#usage.get(mountPath);
    if (usage === undefined) {
      usage = await measure();
      const raced = this.#usage.get(mountPath);
      if (raced !== undefined) return raced;
      this.#usage.set(mountPath, usage);
    }
    return usage;
  }

  /** Throws `resource_exceeded` when adding `delta` to the mount's usage would pass its quota. */
  admit(mountPath: string, usage: Usage, delta: Usage): void {
    const limit = this.limitOf(mountPath);
    if (delta.bytes > 0 && usage.bytes + delta.bytes > limit.bytes) {
      throw new KernelError('resource_exceeded', `quota of ${mountPath} exceeded: ${limit.bytes} bytes`, {
        mount: mountPath, limit: limit.bytes, used: usage.bytes, requested: delta.bytes, resource: 'bytes',
      });
    }
    if (delta.entries > 0 && usage.entries + delta.entries > limit.entries) {
      throw new KernelError('resource_exceeded', `quota of ${mountPath} exceeded: ${limit.entries} entries`, {
        mount: mountPath, limit: limit.entries, used: usage.entries, requested: delta.entries, resource: 'entries',
      });
    }
  }

  /** Records a change that happened (negative values free space). */
  apply(mountPath: string, delta: Usage): void {
    const usage = this.#usage.get(mountPath);
    if (usage === undefined) return;
    usage.bytes = Math.max(0, usage.bytes + delta.bytes);
    usage.entries = Math.max(0, usage.entries + delta.entries);
  }

  forget(mountPath: string): void {
    this.#usage.delete(mountPath);
  }
}
