/**
 * Watches (`vfs:watch`): who wants to hear about changes below which path. A watch on a directory hears
 * about the directory and its direct children, or everything below it when recursive; a watch on a file
 * hears about that file. Bounded per client and in total; watches of clients that went away are dropped
 * when next matched.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Principal } from '../security/principal.ts';
import type { EntryType } from './storage-backend.ts';
import { isWithin, parentOf } from './vfs-path.ts';

export type ChangeKind = 'created' | 'modified' | 'deleted' | 'renamed';

/** The payload of a `vfs.changed` event. */
export interface VfsChange {
  readonly path: string;
  readonly kind: ChangeKind;
  readonly type: EntryType;
  /** Size after the change, for files. */
  readonly size?: number;
  /** The old path of a rename. */
  readonly from?: string;
  readonly time: string;
}

export interface Watch {
  readonly id: string;
  readonly clientId: string;
  readonly principal: Principal;
  readonly path: string;
  readonly recursive: boolean;
}

export interface WatchLimits {
  perClient: number;
  total: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { perClient: 64, total: 10_000 };

function hears(watch: Watch, path: string): boolean {
  if (watch.recursive) return isWithin(path, watch.path);
  return path === watch.path || parentOf(path) === watch.path;
}

export class WatchTable {
  readonly #limits: WatchLimits;
  readonly #watches = new Map<string, Watch>();

  constructor(limits: WatchLimits = DEFAULT_WATCH_LIMITS) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#watches.size;
  }

  add(clientId: string, principal: Principal, path: string, recursive: boolean): Watch {
    const mine = [...this.#watches.values()].filter((w) => w.clientId === clientId);
    const same = mine.find((w) => w.path === path && w.recursive === recursive && w.principal.id === principal.id);
    if (same !== undefined) return same;
    if (mine.length >= this.#limits.perClient) {
      throw new KernelError('resource_exceeded', `at most ${this.#limits.perClient} watches per client`, { limit: this.#limits.perClient });
    }
    if (this.#watches.size >= this.#limits.total) {
      throw new KernelError('resource_exceeded', `at most ${this.#limits.total} watches in the kernel`, { limit: this.#limits.total });
    }
    const watch: Watch = { id: `w-${crypto.randomUUID()}`, clientId, principal, path, recursive };
    this.#watches.set(watch.id, watch);
    return watch;
  }

  /** Removes a watch of `clientId`; not_found when it has no such watch. */
  remove(id: string, clientId: string): Watch {
    const watch = this.#watches.get(id);
    if (watch?.clientId !== clientId) throw new KernelError('not_found', `no watch ${id} on this connection`, { watchId: id });
    this.#watches.delete(id);
    return watch;
  }

  removeClient(clientId: string): Watch[] {
    const gone = [...this.#watches.values()].filter((w) => w.clientId === clientId);
    for (const watch of gone) this.#watches.delete(watch.id);
    return gone;
  }

  /** Watches that hear about `change` (at its path, or at its old path for a rename). */
  matching(change: VfsChange): Watch[] {
    const out: Watch[] = [];
    for (const watch of this.#watches.values()) {
      if (hears(watch, change.path) || (change.from !== undefined && hears(watch, change.from))) out.push(watch);
    }
    return out;
  }
}
