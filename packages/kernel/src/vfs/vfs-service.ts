/**
 * The VFS service (DESIGN §7): one tree of canonical paths over per-principal mounts. Every call names
 * its caller; each path is checked against the caller's capabilities (`fs.read|write|list:<path>`) as
 * spelled and again as really reached after symlinks, quotas are decided before bytes move, and every
 * change is announced as `vfs.changed`. Storage is a StorageBackend (local disk by default).
 */
import path from 'node:path';
import type { Bus } from '../bus/bus.ts';
import { KernelError } from '../contracts/errors.ts';
import type { Principal } from '../security/principal.ts';
import type { PathGuard } from './confined/confined-root.ts';
import { confinedError } from './confined/errors.ts';
import { LocalDiskBackend } from './local-backend.ts';
import { MountCache } from './mount-cache.ts';
import { type Mount, isVirtual, place, TOP_LEVEL } from './mounts.ts';
import { type Quota, type QuotaConfig, QuotaLedger } from './quota.ts';
import type { EntryType, MountStore, StorageBackend, Usage, WriteMode } from './storage-backend.ts';
import { VfsEvents } from './vfs-events.ts';
import { type FsAction, fsCapability, joinVfs, normaliseVfsPath } from './vfs-path.ts';
import type { Watch, WatchLimits } from './watchers.ts';

/** Largest read a single call may ask for (the wire contracts use a smaller chunk). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Most entries one listing returns. */
export const MAX_LIST_ENTRIES = 10_000;

export interface VfsServiceOptions {
  dataDir: string;
  bus: Bus;
  quotas?: QuotaConfig;
  /** Defaults to local disk under `<dataDir>/vfs`. */
  backend?: StorageBackend;
  /** Whether a bus client still exists; watches of gone clients are dropped. */
  isClientLive?: (clientId: string) => boolean;
  watchLimits?: WatchLimits;
}

export interface VfsStat {
  path: string;
  type: EntryType;
  size: number;
  mtime: string;
  readOnly: boolean;
}

export interface VfsEntry {
  name: string;
  path: string;
  type: EntryType;
  size: number;
  mtime: string;
}

export interface WriteOptions {
  /** Add to the end of the file. */
  append?: boolean;
  /** Write at this byte offset without truncating (chunked upload). */
  offset?: number;
  /** Fail with `conflict` when the file exists. */
  exclusive?: boolean;
  /** Create missing parent directories. */
  createParents?: boolean;
}

type Located = { mount: Mount; rel: string; store: MountStore };

/**
 * Runs a store operation and names any file error by its whole VFS path: stores name paths inside their
 * mount (`/notes.txt` for /home/alice/notes.txt), which would send a caller looking in the wrong place.
 */
async function inVfs<T>(mount: Mount, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (thrown) {
    const inner = thrown instanceof KernelError ? thrown.details?.path : undefined;
    if (!(thrown instanceof KernelError) || typeof thrown.details?.errno !== 'string' || typeof inner !== 'string') throw thrown;
    const full = joinVfs(mount.path, inner);
    const message = thrown.message.endsWith(`: ${inner}`) ? `${thrown.message.slice(0, -inner.length)}${full}` : thrown.message;
    throw new KernelError(thrown.code, message, { ...thrown.details, path: full }, { cause: thrown });
  }
}

export class VfsService {
  readonly #mounts: MountCache;
  readonly #quotas: QuotaLedger;
  readonly #events: VfsEvents;

  constructor(options: VfsServiceOptions) {
    this.#mounts = new MountCache(options.backend ?? new LocalDiskBackend(path.join(options.dataDir, 'vfs')));
    this.#quotas = new QuotaLedger(options.quotas);
    const eventOptions: { isClientLive?: (clientId: string) => boolean; watchLimits?: WatchLimits } = {};
    if (options.isClientLive !== undefined) eventOptions.isClientLive = options.isClientLive;
    if (options.watchLimits !== undefined) eventOptions.watchLimits = options.watchLimits;
    this.#events = new VfsEvents(options.bus, eventOptions);
  }

  async stat(caller: Principal, rawPath: string): Promise<VfsStat> {
    const vpath = normaliseVfsPath(rawPath);
    if (isVirtual(vpath)) return { path: vpath, type: 'directory', size: 0, mtime: new Date(0).toISOString(), readOnly: true };
    this.#authorize(caller, 'read', vpath);
    const { mount, rel, store } = this.#locateForView(caller, vpath);
    const info = await inVfs(mount, () => store.stat(rel, this.#guard(caller, 'read', mount, rel)));
    return { path: vpath, type: info.type, size: info.size, mtime: new Date(info.mtimeMs).toISOString(), readOnly: mount.readOnly };
  }

  /** Up to `length` bytes from `offset`; `size` is the whole file's. */
  async read(caller: Principal, rawPath: string, options: { offset?: number; length?: number } = {}): Promise<{ data: Buffer; size: number }> {
    const vpath = normaliseVfsPath(rawPath);
    if (isVirtual(vpath)) throw confinedError('EISDIR', vpath);
    this.#authorize(caller, 'read', vpath);
    const { mount, rel, store } = this.#locate(vpath, false);
    const length = Math.min(options.length ?? MAX_READ_BYTES, MAX_READ_BYTES);
    return inVfs(mount, () => store.read(rel, options.offset ?? 0, length, this.#guard(caller, 'read', mount, rel)));
  }

  async write(caller: Principal, rawPath: string, data: Uint8Array, options: WriteOptions = {}): Promise<{ size: number; bytes: number; created: boolean }> {
    const vpath = normaliseVfsPath(rawPath);
    if (isVirtual(vpath)) throw confinedError('EISDIR', vpath);
    this.#authorize(caller, 'write', vpath);
    if (options.append === true && options.offset !== undefined) throw new KernelError('payload_invalid', 'give append or offset, not both');
    const mode: WriteMode = options.append === true ? { kind: 'append' } : options.offset !== undefined ? { kind: 'at', offset: options.offset } : { kind: 'replace' };
    const { mount, rel, store } = this.#locateForChange(vpath);
    const result = await inVfs(mount, () => this.#mounts.serial(mount, async () => {
      const usage = await this.#usage(mount, store);
      if (options.createParents === true) await this.#mkdirs(mount, store, usage, path.posix.dirname(rel));
      const written = await store.write(rel, data, mode, {
        exclusive: options.exclusive === true,
        guard: this.#guard(caller, 'write', mount, rel),
        admit: (plan) => this.#quotas.admit(mount.path, usage, { bytes: plan.newSize - plan.previousSize, entries: plan.created ? 1 : 0 }),
      });
      this.#quotas.apply(mount.path, { bytes: written.newSize - written.previousSize, entries: written.created ? 1 : 0 });
      return written;
    }));
    this.#changed(vpath, result.created ? 'created' : 'modified', 'file', result.newSize);
    return { size: result.newSize, bytes: result.bytes, created: result.created };
  }

  async list(caller: Principal, rawPath: string): Promise<{ entries: VfsEntry[]; truncated: boolean }> {
    const vpath = normaliseVfsPath(rawPath);
    if (isVirtual(vpath)) return { entries: this.#virtualEntries(caller, vpath), truncated: false };
    this.#authorize(caller, 'list', vpath);
    const { mount, rel, store } = this.#locateForView(caller, vpath);
    const all = await inVfs(mount, () => store.list(rel, this.#guard(caller, 'list', mount, rel)));
    const entries = all.slice(0, MAX_LIST_ENTRIES).map((e) => ({
      name: e.name, path: joinVfs(vpath, '/' + e.name), type: e.type, size: e.size, mtime: new Date(e.mtimeMs).toISOString(),
    }));
    return { entries, truncated: all.length > MAX_LIST_ENTRIES };
  }

  async mkdir(caller: Principal, rawPath: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    const vpath = normaliseVfsPath(rawPath);
    if (isVirtual(vpath)) return false;
    this.#authorize(caller, 'write', vpath);
    const { mount, rel, store } = this.#locateForChange(vpath);
    const created = await inVfs(mount, () => this.#mounts.serial(mount, async () => {
      const usage = await this.#usage(mount, store);
      const made = await store.mkdir(rel, {
        recursive: options.recursive === true,
        guard: this.#guard(caller, 'write', mount, rel),
        admit: (entries) => this.#quotas.admit(mount.path, usage, { bytes: 0, entries }),
      });
      this.#quotas.apply(mount.path, { bytes: 0, entries: made });
      return made > 0;
    }));
    if (created) this.#changed(vpath, 'created', 'directory');
    return created;
  }

  async delete(caller: Principal, rawPath: string, options: { recursive?: boolean } = {}): Promise<void> {
    const vpath = normaliseVfsPath(rawPath);
    if (isVirtual(vpath)) throw confinedError('EBUSY', vpath);
    const recursive = options.recursive === true;
    this.#authorize(caller, 'write', vpath, recursive);
    const { mount, rel, store } = this.#locate(vpath, false);
    if (mount.readOnly) throw confinedError('EROFS', vpath);
    const removed = await inVfs(mount, () => this.#mounts.serial(mount, () => store.remove(rel, { recursive, guard: this.#guard(caller, 'write', mount, rel, recursive) })));
    this.#quotas.apply(mount.path, { bytes: -removed.freed.bytes, entries: -removed.freed.entries });
    this.#changed(vpath, 'deleted', removed.type);
  }

  /** Renames within one mount; across mounts is refused (`payload_invalid`, errno EXDEV). */
  async rename(caller: Principal, rawFrom: string, rawTo: string, options: { overwrite?: boolean } = {}): Promise<void> {
    const from = normaliseVfsPath(rawFrom);
    const to = normaliseVfsPath(rawTo);
    if (isVirtual(from) || isVirtual(to)) throw confinedError('EBUSY', isVirtual(from) ? from : to);
    this.#authorize(caller, 'write', from, true);
    this.#authorize(caller, 'write', to, true);
    const source = this.#locate(from, false);
    const target = place(to);
    if (target.kind !== 'mount' || target.mount.id !== source.mount.id) throw confinedError('EXDEV', to);
    if (source.mount.readOnly) throw confinedError('EROFS', from);
    const { mount, store } = source;
    const guard: PathGuard = (real) => this.#authorize(caller, 'write', joinVfs(mount.path, real), true);
    const moved = await inVfs(mount, () => this.#mounts.serial(mount, () => store.rename(source.rel, target.rel, { overwrite: options.overwrite === true, guard })));
    this.#quotas.apply(mount.path, { bytes: -moved.freed.bytes, entries: -moved.freed.entries });
    this.#events.publish({ path: to, from, kind: 'renamed', type: moved.type, time: new Date().toISOString() });
  }

  /** Starts delivering changes at or below `path` to `clientId` (needs read on the path, or the tree when recursive). */
  watch(caller: Principal, clientId: string, rawPath: string, options: { recursive?: boolean } = {}): Watch {
    const vpath = normaliseVfsPath(rawPath);
    const recursive = options.recursive === true;
    this.#authorize(caller, 'read', vpath, recursive);
    return this.#events.watch(clientId, caller, vpath, recursive);
  }

  unwatch(clientId: string, watchId: string): void {
    this.#events.unwatch(clientId, watchId);
  }

  /** Forgets the watches of a client that went away. */
  dropClient(clientId: string): void {
    this.#events.dropClient(clientId);
  }

  /** A mount's usage and quota (measuring it if needed). */
  async usage(rawMountPath: string): Promise<{ usage: Usage; quota: Quota }> {
    const { mount, store } = this.#locate(normaliseVfsPath(rawMountPath), false);
    return { usage: { ...(await this.#usage(mount, store)) }, quota: this.#quotas.limitOf(mount.path) };
  }

  /**
   * The host directory of the mount holding `path` (local disk only), for a sandbox that opens its own
   * ConfinedRoot there. The caller must hold `action` on the mount's whole tree. Undefined when the
   * backend has no host directories, or the mount does not exist and `create` is false.
   */
  hostDirOf(caller: Principal, rawPath: string, options: { action?: FsAction; create?: boolean } = {}): { mountPath: string; hostDir: string; readOnly: boolean } | undefined {
    const placed = place(normaliseVfsPath(rawPath));
    if (placed.kind !== 'mount') throw confinedError('EISDIR', rawPath);
    this.#authorize(caller, options.action ?? 'read', placed.mount.path, true);
    const hostDir = this.#mounts.hostDir(placed.mount, options.create === true);
    return hostDir === undefined ? undefined : { mountPath: placed.mount.path, hostDir, readOnly: placed.mount.readOnly };
  }

  /** Makes the next change measure the mount again (after another writer, such as a WASI guest, changed it). */
  forgetUsage(rawMountPath: string): void {
    const placed = place(normaliseVfsPath(rawMountPath));
    if (placed.kind === 'mount') this.#quotas.forget(placed.mount.path);
  }

  close(): void {
    this.#events.close();
    this.#mounts.close();
  }

  #authorize(caller: Principal, action: FsAction, vpath: string, tree = false): void {
    const wanted = fsCapability(action, vpath, tree);
    const decision = caller.capabilities.check(wanted);
    if (!decision.allowed) throw new KernelError('permission_denied', `${caller.id} lacks ${decision.missing}`, { missing: decision.missing, hint: decision.hint });
  }

  /** Checks the path really reached when symlinks made it differ from the one spelled. */
  #guard(caller: Principal, action: FsAction, mount: Mount, rel: string, tree = false): PathGuard {
    return (real) => {
      if (real !== rel) this.#authorize(caller, action, joinVfs(mount.path, real), tree);
    };
  }

  #locate(vpath: string, create: boolean): Located {
    const placed = place(vpath);
    if (placed.kind !== 'mount') throw confinedError('EISDIR', vpath);
    try {
      return { mount: placed.mount, rel: placed.rel, store: this.#mounts.store(placed.mount, create) };
    } catch (thrown) {
      // A mount nothing was written to yet: what is missing is the path asked for.
      if (thrown instanceof KernelError && thrown.details?.errno === 'ENOENT') throw confinedError('ENOENT', vpath);
      throw thrown;
    }
  }

  /** Like #locate; a caller who may write a mount's root sees it (created empty) before its first write. */
  #locateForView(caller: Principal, vpath: string): Located {
    const placed = place(vpath);
    const create = placed.kind === 'mount' && placed.rel === '/' && !placed.mount.readOnly && caller.capabilities.check(fsCapability('write', vpath)).allowed;
    return this.#locate(vpath, create);
  }

  #locateForChange(vpath: string): Located {
    const placed = place(vpath);
    if (placed.kind === 'mount' && placed.mount.readOnly) throw confinedError('EROFS', vpath);
    return this.#locate(vpath, true);
  }

  #usage(mount: Mount, store: MountStore): Promise<Usage> {
    return this.#quotas.usageOf(mount.path, () => store.usage());
  }

  async #mkdirs(mount: Mount, store: MountStore, usage: Usage, rel: string): Promise<void> {
    if (rel === '/') return;
    const admit = (entries: number): void => this.#quotas.admit(mount.path, usage, { bytes: 0, entries });
    const made = await store.mkdir(rel, { recursive: true, admit });
    this.#quotas.apply(mount.path, { bytes: 0, entries: made });
    if (made > 0) this.#changed(joinVfs(mount.path, rel), 'created', 'directory');
  }

  #virtualEntries(caller: Principal, vpath: string): VfsEntry[] {
    const epoch = new Date(0).toISOString();
    const dir = (name: string): VfsEntry => ({ name, path: joinVfs(vpath, '/' + name), type: 'directory', size: 0, mtime: epoch });
    if (vpath === '/') return TOP_LEVEL.map(dir);
    return this.#mounts.names(vpath.slice(1)).map(dir).filter((e) => caller.capabilities.check(fsCapability('list', e.path)).allowed);
  }

  #changed(vpath: string, kind: 'created' | 'modified' | 'deleted', type: EntryType, size?: number): void {
    const time = new Date().toISOString();
    this.#events.publish(size === undefined ? { path: vpath, kind, type, time } : { path: vpath, kind, type, size, time });
  }
}
