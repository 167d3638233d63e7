/**
 * Writes what a sandbox changed in its staged workspace back to the VFS directory it came from, through
 * the VfsService as the caller: every write, mkdir and delete is capability-checked, counted against the
 * mount's quota and announced as `vfs.changed`. Runs only after the sandbox's whole process tree is gone
 * and the directory was taken back from its host user, and never follows a symlink on the host side.
 *
 * - a file that is new, or differs in size or modification time from its staged copy, is written back;
 * - a staged file or directory that is gone is deleted, a directory only when empty in the VFS too;
 * - a path also changed in the VFS since staging is a conflict: the VFS's version is kept;
 * - symlinks and special files are not written back. Each path left alone is reported with the reason.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isKernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { VfsService, VfsStat } from '../../vfs/index.ts';
import type { SyncReport } from './vm-events.ts';
import { COPY_CHUNK, type Manifest, type StagedEntry, vfsJoin } from './workspace-stage.ts';

/** Most skipped paths named in one report (the count of the rest is in the last entry). */
const MAX_REPORTED = 100;

class Sync {
  readonly report: SyncReport = { written: 0, deleted: 0, skipped: [] };
  readonly seen = new Set<string>();
  #unreported = 0;

  readonly vfs: VfsService;
  readonly caller: Principal;
  readonly base: string;
  readonly hostDir: string;
  readonly manifest: Manifest;

  constructor(vfs: VfsService, caller: Principal, base: string, hostDir: string, manifest: Manifest) {
    this.vfs = vfs;
    this.caller = caller;
    this.base = base;
    this.hostDir = hostDir;
    this.manifest = manifest;
  }

  skip(rel: string, reason: string): void {
    if (this.report.skipped.length < MAX_REPORTED) this.report.skipped.push({ path: vfsJoin(this.base, rel), reason });
    else this.#unreported += 1;
  }

  finish(): SyncReport {
    if (this.#unreported > 0) this.report.skipped.push({ path: this.base, reason: `${this.#unreported} more paths skipped` });
    return this.report;
  }

  async current(rel: string): Promise<VfsStat | undefined> {
    try {
      return await this.vfs.stat(this.caller, vfsJoin(this.base, rel));
    } catch (error) {
      if (isKernelError(error, 'not_found')) return undefined;
      throw error;
    }
  }

  /** True when the VFS entry is still what was staged (or still absent, for a new one). */
  async untouched(rel: string, staged: StagedEntry | undefined): Promise<boolean> {
    const now = await this.current(rel);
    if (staged === undefined) return now === undefined;
    return now !== undefined && now.type === staged.type && (staged.type === 'directory' || (now.mtime === staged.vfsMtime && now.size === staged.vfsSize));
  }

  async copy(rel: string): Promise<void> {
    const handle = await fs.open(path.join(this.hostDir, rel), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) return this.skip(rel, 'not a regular file');
      const target = vfsJoin(this.base, rel);
      const buffer = Buffer.allocUnsafe(COPY_CHUNK);
      for (let offset = 0; ; ) {
        const { bytesRead } = await handle.read(buffer, 0, COPY_CHUNK, offset);
        if (bytesRead === 0 && offset > 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        await this.vfs.write(this.caller, target, chunk, offset === 0 ? { createParents: true } : { offset });
        offset += bytesRead;
        if (bytesRead === 0) break;
      }
      this.report.written += 1;
    } finally {
      await handle.close();
    }
  }

  async walk(rel: string): Promise<void> {
    const entries = await fs.readdir(path.join(this.hostDir, rel), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      this.seen.add(childRel);
      await this.#attempt(childRel, async () => {
        const staged = this.manifest.get(childRel);
        if (entry.isDirectory()) {
          if (staged?.type !== 'directory') {
            if (!(await this.untouched(childRel, undefined))) return this.skip(childRel, 'conflict: created in the VFS meanwhile');
            await this.vfs.mkdir(this.caller, vfsJoin(this.base, childRel), { recursive: true });
          }
          return this.walk(childRel);
        }
        if (!entry.isFile()) return this.skip(childRel, entry.isSymbolicLink() ? 'symlink' : 'not a regular file');
        const stats = await fs.lstat(path.join(this.hostDir, childRel));
        if (staged?.type === 'file' && stats.size === staged.size && stats.mtimeMs === staged.mtimeMs) return;
        if (!(await this.untouched(childRel, staged?.type === 'file' ? staged : undefined))) return this.skip(childRel, 'conflict: changed in the VFS meanwhile');
        await this.copy(childRel);
      });
    }
  }

  async deleteGone(): Promise<void> {
    const gone = [...this.manifest.entries()].filter(([rel]) => !this.seen.has(rel));
    // Deepest first, so directories are emptied before they are removed.
    gone.sort(([a], [b]) => b.split('/').length - a.split('/').length);
    for (const [rel, staged] of gone) {
      await this.#attempt(rel, async () => {
        if (!(await this.untouched(rel, staged))) return this.skip(rel, 'conflict: changed in the VFS meanwhile');
        await this.vfs.delete(this.caller, vfsJoin(this.base, rel));
        this.report.deleted += 1;
      });
    }
  }

  async #attempt(rel: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!isKernelError(error) && !(error instanceof Error && 'code' in error)) throw error;
      this.skip(rel, isKernelError(error) ? `${error.code}: ${error.message}` : `host: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
}

export async function syncBack(vfs: VfsService, caller: Principal, vpath: string, hostDir: string, manifest: Manifest): Promise<SyncReport> {
  const sync = new Sync(vfs, caller, vpath, hostDir, manifest);
  await sync.walk('');
  await sync.deleteGone();
  return sync.finish();
}
