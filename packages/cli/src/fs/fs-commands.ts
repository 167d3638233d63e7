/**
 * `aether fs ls|cat|put|get|rm|mv`: the caller's files in the VFS. Paths are absolute or relative to
 * your home; content moves in chunks (transfer.ts), so files of any size and any bytes go both ways.
 */
import { createReadStream } from 'node:fs';
import { rename, rm as rmLocal, stat as statLocal, open } from 'node:fs/promises';
import path from 'node:path';
import { isAetherError } from '@aether/sdk';
import type { Caller } from '../callers.ts';
import type { CliContext } from '../context.ts';
import { CliError, usage } from '../errors.ts';
import { table } from '../commands/users.ts';
import { stdout, writeAll } from '../terminal.ts';
import { fsError, onPath } from './fs-errors.ts';
import { download, serverChunkBytes, upload } from './transfer.ts';
import { VfsPaths, baseName, stripPrefix } from './vfs-paths.ts';

interface Entry {
  name: string;
  path: string;
  type: string;
  size: number;
  mtime: string;
}

async function isDirectory(caller: Caller, vfsPath: string): Promise<boolean> {
  try {
    return (await caller.call('vfs:stat', { path: vfsPath })).type === 'directory';
  } catch {
    return false;
  }
}

function longLine(entry: Entry): string[] {
  const kind = entry.type === 'directory' ? 'd' : entry.type === 'symlink' ? 'l' : entry.type === 'file' ? '-' : '?';
  const name = entry.type === 'directory' ? `${entry.name}/` : entry.name;
  return [kind, entry.type === 'directory' ? '-' : String(entry.size), entry.mtime.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), name];
}

export async function fsLs(ctx: CliContext, raw: string | undefined, long: boolean): Promise<void> {
  await ctx.withCaller(async (caller) => {
    const target = await new VfsPaths(caller).resolve(raw ?? '~');
    let entries: Entry[];
    let truncated = false;
    try {
      const reply = await caller.call('vfs:list', { path: target });
      entries = reply.entries as Entry[];
      truncated = reply.truncated === true;
    } catch (thrown) {
      // A file lists as itself.
      if (!isAetherError(thrown, 'payload_invalid') || thrown.details?.errno !== 'ENOTDIR') throw fsError(thrown, target);
      const one = await onPath(target, () => caller.call('vfs:stat', { path: target }));
      entries = [{ name: baseName(target), path: target, type: String(one.type), size: Number(one.size), mtime: String(one.mtime) }];
    }
    if (ctx.options.json) ctx.io.out(JSON.stringify({ path: target, entries, truncated }, null, 2));
    else if (long) for (const line of table(['TYPE', 'SIZE', 'MODIFIED', 'NAME'], entries.map(longLine)).slice(1)) ctx.io.out(line);
    else for (const entry of entries) ctx.io.out(entry.type === 'directory' ? `${entry.name}/` : entry.name);
    if (truncated) ctx.io.err(`aether: only the first ${entries.length} entries of ${target} are listed`);
  });
}

export async function fsCat(ctx: CliContext, raws: readonly string[]): Promise<void> {
  await ctx.withCaller(async (caller) => {
    const paths = new VfsPaths(caller);
    for (const raw of raws) {
      const source = await paths.resolve(raw);
      await onPath(source, () => download(caller, source, (bytes) => writeAll(stdout(), bytes)));
    }
  });
}

export interface PutFlags {
  parents: boolean;
}

/** Local file (or `-`, standard input) → VFS path (default: your home; into a directory: by name). */
export async function fsPut(ctx: CliContext, local: string, rawDest: string | undefined, flags: PutFlags): Promise<void> {
  const fromStdin = local === '-';
  if (fromStdin && rawDest === undefined) throw usage('put from standard input needs a destination', 'e.g. `… | aether fs put - ~/notes.txt`');
  if (!fromStdin) {
    const found = await statLocal(local).catch(() => undefined);
    if (found === undefined) throw new CliError(1, `no local file ${local}`, 'check the path; use - to read standard input');
    if (!found.isFile()) throw usage(`${local} is not a regular file`, 'put copies one file at a time');
  }
  const chunkBytes = await serverChunkBytes(await ctx.url());
  await ctx.withCaller(async (caller) => {
    const paths = new VfsPaths(caller);
    let dest = await paths.resolve(rawDest ?? '~');
    if (rawDest === undefined || stripPrefix(rawDest).endsWith('/') || (await isDirectory(caller, dest))) dest = path.posix.join(dest, baseName(local));
    const source = fromStdin ? process.stdin : createReadStream(local, { highWaterMark: 256 * 1024 });
    const bytes = await onPath(dest, () => upload(caller, dest, source, { chunkBytes, createParents: flags.parents }));
    ctx.print({ path: dest, bytes }, `${fromStdin ? 'standard input' : local} → ${dest} (${bytes} bytes)`);
  });
}

export interface GetFlags {
  force: boolean;
}

/** VFS path → local file (default: its name in this directory; `-`: standard output). */
export async function fsGet(ctx: CliContext, rawSource: string, local: string | undefined, flags: GetFlags): Promise<void> {
  await ctx.withCaller(async (caller) => {
    const source = await new VfsPaths(caller).resolve(rawSource);
    if (local === '-') {
      await onPath(source, () => download(caller, source, (bytes) => writeAll(stdout(), bytes)));
      return;
    }
    let target = local ?? baseName(source);
    if ((await statLocal(target).catch(() => undefined))?.isDirectory() === true) target = path.join(target, baseName(source));
    const there = await statLocal(target).catch(() => undefined);
    if (there?.isDirectory() === true) throw new CliError(1, `${target} is a directory here`, 'name a file to write to');
    if (there !== undefined && !flags.force) throw new CliError(1, `${target} exists here`, 'pass --force to replace it, or name another file');
    // Written beside the target and renamed into place, so a failed transfer leaves no half file.
    const partial = path.join(path.dirname(target), `.${path.basename(target)}.aether-part-${process.pid}`);
    const file = await open(partial, 'w', 0o644);
    let bytes: number;
    try {
      bytes = await onPath(source, () => download(caller, source, async (chunk) => void (await file.write(chunk))));
      await file.close();
      await rename(partial, target);
    } catch (thrown) {
      await file.close().catch(() => undefined);
      await rmLocal(partial, { force: true });
      throw thrown;
    }
    ctx.print({ path: source, file: target, bytes }, `${source} → ${target} (${bytes} bytes)`);
  });
}

export async function fsRm(ctx: CliContext, raws: readonly string[], recursive: boolean): Promise<void> {
  await ctx.withCaller(async (caller) => {
    const paths = new VfsPaths(caller);
    const removed: string[] = [];
    for (const raw of raws) {
      const target = await paths.resolve(raw);
      await onPath(target, async () => {
        if (!recursive && (await isDirectory(caller, target))) throw new CliError(1, `${target} is a directory`, `remove it and everything in it with \`aether fs rm -r ${raw}\``);
        await caller.call('vfs:delete', { path: target, recursive });
      });
      removed.push(target);
    }
    ctx.print({ removed }, removed.map((p) => `removed ${p}`));
  });
}

export async function fsMv(ctx: CliContext, rawFrom: string, rawTo: string, force: boolean): Promise<void> {
  await ctx.withCaller(async (caller) => {
    const paths = new VfsPaths(caller);
    const from = await paths.resolve(rawFrom);
    let to = await paths.resolve(rawTo);
    if (stripPrefix(rawTo).endsWith('/') || (await isDirectory(caller, to))) to = path.posix.join(to, baseName(from));
    await onPath(from, () => caller.call('vfs:rename', { from, to, overwrite: force }));
    ctx.print({ from, to }, `${from} → ${to}`);
  });
}
