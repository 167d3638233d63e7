/**
 * Where `aether vm run FILE.wasm` finds its module: a local file is uploaded into your home under
 * `~/.aether/wasm/<content hash>-<name>` (skipped when that exact module is already there), so the wasi
 * backend can load it through the VFS with your rights; `vfs:PATH` or an absolute path that is not a
 * local file names a module already in the VFS.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Caller } from '../callers.ts';
import { CliError } from '../errors.ts';
import { onPath } from '../fs/fs-errors.ts';
import { upload } from '../fs/transfer.ts';
import { VFS_PREFIX, VfsPaths } from '../fs/vfs-paths.ts';

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeInVfs(caller: Caller, vfsPath: string): Promise<number | undefined> {
  try {
    const found = await caller.call('vfs:stat', { path: vfsPath });
    return found.type === 'file' ? Number(found.size) : undefined;
  } catch {
    return undefined;
  }
}

/** The module's VFS path, uploading it first when `raw` is a local file. */
export async function moduleInVfs(caller: Caller, raw: string, chunkBytes: () => Promise<number>): Promise<string> {
  const paths = new VfsPaths(caller);
  if (raw.startsWith(VFS_PREFIX)) return paths.resolve(raw);
  const local = await stat(raw).catch(() => undefined);
  if (local === undefined) {
    if (raw.startsWith('/')) return raw;
    throw new CliError(1, `no local file ${raw}`, 'give a .wasm file here, or a module in the VFS as vfs:PATH');
  }
  if (!local.isFile()) throw new CliError(1, `${raw} is not a file`);
  const home = await paths.home();
  if (home === undefined) throw new CliError(1, 'uploading a module needs a home directory, and you have none here', 'upload it yourself with `aether fs put` and run it as vfs:PATH');
  const target = `${home}/.aether/wasm/${(await sha256(raw)).slice(0, 16)}-${path.basename(raw)}`;
  if ((await sizeInVfs(caller, target)) === local.size) return target;
  const limit = await chunkBytes();
  await onPath(target, () => upload(caller, target, createReadStream(raw, { highWaterMark: 256 * 1024 }), { chunkBytes: limit, createParents: true }));
  return target;
}
