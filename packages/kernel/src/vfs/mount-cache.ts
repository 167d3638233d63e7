/**
 * Open mounts and their order of changes. A mount's store is opened on first use and kept (at most
 * `maxOpen`, least recently used closed first). Changes to one mount run one after another, so a quota
 * decision and the change it admits are one step even on a backend whose operations really wait.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Mount } from './mounts.ts';
import type { MountStore, StorageBackend } from './storage-backend.ts';

export class MountCache {
  readonly #backend: StorageBackend;
  readonly #maxOpen: number;
  readonly #open = new Map<string, MountStore>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(backend: StorageBackend, maxOpen = 1024) {
    this.#backend = backend;
    this.#maxOpen = maxOpen;
  }

  /** The store of `mount`; created when `create`, else not_found when it does not exist. */
  store(mount: Mount, create: boolean): MountStore {
    const cached = this.#open.get(mount.id);
    if (cached !== undefined) {
      this.#open.delete(mount.id);
      this.#open.set(mount.id, cached);
      return cached;
    }
    const store = this.#backend.open(mount.id, { readOnly: mount.readOnly, create: create && !mount.readOnly });
    if (store === undefined) throw new KernelError('not_found', `no such file or directory: ${mount.path}`, { path: mount.path, errno: 'ENOENT' });
    this.#open.set(mount.id, store);
    if (this.#open.size > this.#maxOpen) {
      const [oldestId, oldest] = this.#open.entries().next().value ?? [];
      if (oldestId !== undefined && oldest !== undefined && !this.#queues.has(oldestId)) {
        this.#open.delete(oldestId);
        oldest.close();
      }
    }
    return store;
  }

  /** Runs `change` after every earlier change to the same mount has settled. */
  serial<T>(mount: Mount, change: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(mount.id) ?? Promise.resolve();
    const run = previous.then(change, change);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(mount.id, settled);
    void settled.then(() => {
      if (this.#queues.get(mount.id) === settled) this.#queues.delete(mount.id);
    });
    return run;
  }

  hostDir(mount: Mount, create: boolean): string | undefined {
    return this.#backend.hostDir?.(mount.id, create && !mount.readOnly);
  }

  names(collection: string): string[] {
    return this.#backend.names(collection);
  }

  close(): void {
    for (const store of this.#open.values()) store.close();
    this.#open.clear();
    this.#backend.close();
  }
}
