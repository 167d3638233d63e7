/**
 * The local-disk storage backend: each mount is a directory under `<dataDir>/vfs/<id>` (mode 0700),
 * reached only through a ConfinedRoot, so no path, symlink, hardlink or race leads outside it.
 * Operations are synchronous underneath; each one runs to completion before the next starts, which is
 * what makes a quota decision and the write it admits one step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isKernelError } from '../contracts/errors.ts';
import { ConfinedRoot, type DirEntryStats, type PathGuard } from './confined/confined-root.ts';
import { confinedError } from './confined/errors.ts';
import type { EntryInfo, EntryType, MountStore, PlannedWrite, StatInfo, StorageBackend, Usage, WriteMode, WriteResult } from './storage-backend.ts';

const C = fs.constants;
const STORAGE_ID = /^(?:shared|(?:home|workspaces|apps)\/[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,127})$/;

function typeOf(stats: fs.Stats): EntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

function child(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export class LocalDiskBackend implements StorageBackend {
  readonly name = 'local';
  readonly #base: string;

  /** `base` is `<dataDir>/vfs`; created (0700) when missing. */
  constructor(base: string) {
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    this.#base = fs.realpathSync(base);
  }

  open(id: string, options: { readOnly: boolean; create: boolean }): MountStore | undefined {
    const dir = this.hostDir(id, options.create);
    return dir === undefined ? undefined : new LocalMountStore(new ConfinedRoot(dir, { readOnly: options.readOnly }));
  }

  hostDir(id: string, create: boolean): string | undefined {
    if (!STORAGE_ID.test(id)) throw new TypeError(`invalid mount id ${JSON.stringify(id)}`);
    const dir = path.join(this.#base, id);
    if (!fs.existsSync(dir)) {
      if (!create) return undefined;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    return dir;
  }

  names(collection: string): string[] {
    try {
      return fs.readdirSync(path.join(this.#base, collection), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      return [];
    }
  }

  close(): void {}
}

export class LocalMountStore implements MountStore {
  readonly #root: ConfinedRoot;

  constructor(root: ConfinedRoot) {
    this.#root = root;
  }

  get readOnly(): boolean {
    return this.#root.readOnly;
  }

  /** The underlying confined root, for kernel services that need descriptors (the WASI host). */
  get confinedRoot(): ConfinedRoot {
    return this.#root;
  }

  stat(rel: string, guard?: PathGuard): Promise<StatInfo> {
    const stats = this.#root.stat(rel, guard);
    return Promise.resolve({ type: typeOf(stats), size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777 });
  }

  read(rel: string, offset: number, length: number, guard?: PathGuard): Promise<{ data: Buffer; size: number }> {
    const fd = this.#root.open(rel, C.O_RDONLY, 0, guard);
    try {
      const stats = fs.fstatSync(fd);
      if (stats.isDirectory()) throw confinedError('EISDIR', rel);
      const size = stats.size;
      const data = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < data.length) {
        const n = fs.readSync(fd, data, done, data.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return Promise.resolve({ data: done === data.length ? data : data.subarray(0, done), size });
    } finally {
      fs.closeSync(fd);
    }
  }

  write(rel: string, data: Uint8Array, mode: WriteMode, options: { exclusive: boolean; admit: (plan: PlannedWrite) => void; guard?: PathGuard }): Promise<WriteResult> {
    const before = this.#statOrUndefined(rel, options.guard);
    if (before?.isDirectory() === true) throw confinedError('EISDIR', rel);
    if (before !== undefined && options.exclusive) throw confinedError('EEXIST', rel);
    const previousSize = before?.size ?? 0;
    const newSize = mode.kind === 'replace' ? data.length : mode.kind === 'append' ? previousSize + data.length : Math.max(previousSize, mode.offset + data.length);
    const plan: PlannedWrite = { created: before === undefined, previousSize, newSize };
    options.admit(plan);
    let flags = C.O_WRONLY | C.O_CREAT;
    if (options.exclusive) flags |= C.O_EXCL;
    if (mode.kind === 'replace') flags |= C.O_TRUNC;
    if (mode.kind === 'append') flags |= C.O_APPEND;
    const fd = this.#root.open(rel, flags, 0o644, options.guard);
    try {
      let position: number | null = mode.kind === 'at' ? mode.offset : mode.kind === 'replace' ? 0 : null;
      let done = 0;
      while (done < data.length) {
        const n = fs.writeSync(fd, data, done, data.length - done, position);
        done += n;
        if (position !== null) position += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return Promise.resolve({ ...plan, bytes: data.length });
  }

  list(rel: string, guard?: PathGuard): Promise<EntryInfo[]> {
    return Promise.resolve(this.#root.readdirStats(rel, guard));
  }

  mkdir(rel: string, options: { recursive: boolean; admit: (entries: number) => void; guard?: PathGuard }): Promise<number> {
    const existing = this.#statOrUndefined(rel, options.guard);
    if (existing !== undefined) {
      if (!existing.isDirectory()) throw confinedError('EEXIST', rel);
      return Promise.resolve(0);
    }
    const parts = rel.split('/').filter((p) => p !== '');
    const missing: string[] = [];
    for (let i = parts.length; i > 0; i--) {
      const prefix = '/' + parts.slice(0, i).join('/');
      if (i < parts.length && this.#statOrUndefined(prefix) !== undefined) break;
      missing.unshift(prefix);
      if (!options.recursive) break;
    }
    options.admit(missing.length);
    for (const dir of missing) this.#root.mkdir(dir, 0o755, dir === rel ? options.guard : undefined);
    return Promise.resolve(missing.length);
  }

  remove(rel: string, options: { recursive: boolean; guard?: PathGuard }): Promise<{ type: EntryType; freed: Usage }> {
    if (rel === '/') throw confinedError('EBUSY', rel);
    const stats = this.#root.lstat(rel, options.guard);
    const type = typeOf(stats);
    if (!stats.isDirectory()) {
      this.#root.unlink(rel);
      return Promise.resolve({ type, freed: { bytes: stats.isFile() ? stats.size : 0, entries: 1 } });
    }
    const freed: Usage = { bytes: 0, entries: 0 };
    if (options.recursive) this.#emptyTree(rel, freed);
    this.#root.rmdir(rel);
    freed.entries += 1;
    return Promise.resolve({ type, freed });
  }

  rename(from: string, to: string, options: { overwrite: boolean; guard?: PathGuard }): Promise<{ type: EntryType; freed: Usage }> {
    if (from === '/' || to === '/') throw confinedError('EBUSY', from === '/' ? from : to);
    const type = typeOf(this.#root.lstat(from, options.guard));
    const target = this.#lstatOrUndefined(to);
    if (target !== undefined && !options.overwrite) throw confinedError('EEXIST', to);
    this.#root.rename(from, to, options.guard);
    const freed = target === undefined ? { bytes: 0, entries: 0 } : { bytes: target.isFile() ? target.size : 0, entries: 1 };
    return Promise.resolve({ type, freed });
  }

  usage(): Promise<Usage> {
    const total: Usage = { bytes: 0, entries: 0 };
    this.#walk('/', (entry) => {
      total.entries += 1;
      if (entry.type === 'file') total.bytes += entry.size;
    });
    return Promise.resolve(total);
  }

  close(): void {
    this.#root.close();
  }

  /** Visits every entry below `dir`, parents before children, never following symlinks. */
  #walk(dir: string, visit: (entry: DirEntryStats, at: string) => void): void {
    for (const entry of this.#root.readdirStats(dir)) {
      const at = child(dir, entry.name);
      visit(entry, at);
      if (entry.type === 'directory') this.#walk(at, visit);
    }
  }

  /** Removes everything below `dir` (children first), adding what it frees to `freed`. */
  #emptyTree(dir: string, freed: Usage): void {
    for (const entry of this.#root.readdirStats(dir)) {
      const at = child(dir, entry.name);
      if (entry.type === 'directory') {
        this.#emptyTree(at, freed);
        this.#root.rmdir(at);
      } else {
        this.#root.unlink(at);
        if (entry.type === 'file') freed.bytes += entry.size;
      }
      freed.entries += 1;
    }
  }

  #statOrUndefined(rel: string, guard?: PathGuard): fs.Stats | undefined {
    try {
      return this.#root.stat(rel, guard);
    } catch (error) {
      if (isKernelError(error, 'not_found')) return undefined;
      throw error;
    }
  }

  #lstatOrUndefined(rel: string): fs.Stats | undefined {
    try {
      return this.#root.lstat(rel);
    } catch (error) {
      if (isKernelError(error, 'not_found')) return undefined;
      throw error;
    }
  }
}
