/**
 * Stages a VFS directory into a sandbox's host workspace (see sandbox-workspaces.ts for why it is a copy):
 * every directory is listed and every file read through the VfsService as the caller, so `fs.read` is
 * checked on each path and the VFS's symlink rules apply; symlinks and special files are not staged.
 * Bounded: more bytes or entries than the configured caps is `resource_exceeded` before the sandbox
 * starts. The manifest records what was staged, to tell afterwards what the sandbox changed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { VfsService } from '../../vfs/index.ts';

/** Bytes moved per VFS call while staging and writing back. */
export const COPY_CHUNK = 4 * 1024 * 1024;

export interface StagedEntry {
  type: 'file' | 'directory';
  /** Size and modification time of the host copy right after staging. */
  size: number;
  mtimeMs: number;
  /** The VFS file's modification time and size when it was staged (a later change there is a conflict). */
  vfsMtime: string;
  vfsSize: number;
}

/** Staged entries by path relative to the workspace (`src/a.c`). */
export type Manifest = Map<string, StagedEntry>;

export interface StageCaps {
  maxBytes: number;
  maxEntries: number;
}

export function vfsJoin(base: string, rel: string): string {
  return rel === '' ? base : `${base === '/' ? '' : base}/${rel}`;
}

function exceeded(what: string, max: number): KernelError {
  return new KernelError('resource_exceeded', `the workspace has more ${what} than a sandbox may stage (${max})`, { limit: `workspace_${what}`, max });
}

async function copyFile(vfs: VfsService, caller: Principal, from: string, to: string, caps: StageCaps, room: number): Promise<void> {
  const handle = await fs.open(to, 'wx', 0o644);
  try {
    for (let offset = 0; ; ) {
      const { data, size } = await vfs.read(caller, from, { offset, length: COPY_CHUNK });
      if (data.length > 0) await handle.write(data, 0, data.length, offset);
      offset += data.length;
      if (offset > room) throw exceeded('bytes', caps.maxBytes);
      if (data.length === 0 || offset >= size) break;
    }
  } finally {
    await handle.close();
  }
}

export async function stageIn(vfs: VfsService, caller: Principal, vpath: string, hostDir: string, caps: StageCaps): Promise<Manifest> {
  const manifest: Manifest = new Map();
  let bytes = 0;
  const pending = [''];
  for (let rel = pending.pop(); rel !== undefined; rel = pending.pop()) {
    const listing = await vfs.list(caller, vfsJoin(vpath, rel));
    if (listing.truncated) throw exceeded('entries', caps.maxEntries);
    for (const entry of listing.entries) {
      if (entry.type !== 'file' && entry.type !== 'directory') continue;
      if (manifest.size + 1 > caps.maxEntries) throw exceeded('entries', caps.maxEntries);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const host = path.join(hostDir, childRel);
      if (entry.type === 'directory') {
        await fs.mkdir(host, { mode: 0o755 });
        pending.push(childRel);
      } else {
        if (bytes + entry.size > caps.maxBytes) throw exceeded('bytes', caps.maxBytes);
        await copyFile(vfs, caller, entry.path, host, caps, caps.maxBytes - bytes);
      }
      const stats = await fs.lstat(host);
      // Counted as copied: the file may have grown since it was listed.
      if (entry.type === 'file') bytes += stats.size;
      if (bytes > caps.maxBytes) throw exceeded('bytes', caps.maxBytes);
      manifest.set(childRel, { type: entry.type, size: stats.size, mtimeMs: stats.mtimeMs, vfsMtime: entry.mtime, vfsSize: entry.size });
    }
  }
  return manifest;
}
