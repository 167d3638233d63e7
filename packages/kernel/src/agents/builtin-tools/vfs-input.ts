/**
 * How the file tools take paths and derive capabilities from them. A path is an absolute VFS path,
 * normalised by the VFS's own rules as the arguments are validated (so a bad path is an invalid-argument
 * result the model can fix, and the capability checked is exactly the path acted on). A call over several
 * paths or a tree needs the capability for the smallest tree that holds them all.
 */
import { KernelError } from '../../contracts/errors.ts';
import { VfsPathSchema, fsCapability } from '../../vfs/index.ts';
import type { VfsHandle } from './services.ts';

type FsAction = Parameters<typeof fsCapability>[0];

/** An absolute VFS path, canonical after parsing. */
export const VfsPathInput = VfsPathSchema.describe('absolute VFS path, e.g. /home/alice/notes.md or /workspaces/<agent>/src/main.ts');

/** `fs.<action>:<path>`, or `fs.<action>:<path>/**` for the tree below it. */
export function pathCapability(action: FsAction, path: string, tree = false): string {
  return fsCapability(action, path, tree);
}

/** The deepest directory that is `path` or holds it, for every path given. */
export function commonAncestor(paths: readonly string[]): string {
  const split = paths.map((p) => (p === '/' ? [] : p.slice(1).split('/')));
  const first = split[0] ?? [];
  let shared = 0;
  while (shared < first.length && split.every((parts) => parts.length > shared && parts[shared] === first[shared])) shared += 1;
  return '/' + first.slice(0, shared).join('/');
}

/** The capability to read all of `paths`: the file itself for one, else the tree holding them all. */
export function readAllCapability(paths: readonly string[]): string {
  const unique = [...new Set(paths)];
  if (unique.length === 1) return pathCapability('read', unique[0] as string);
  return pathCapability('read', commonAncestor(unique), true);
}

/** `path` relative to `base` (which holds it), for compact listings. */
export function relativeTo(base: string, path: string): string {
  if (path === base) return '.';
  return base === '/' ? path.slice(1) : path.slice(base.length + 1);
}

/**
 * The VFS handle with errors that name the whole VFS path: the VFS's own file errors name the path
 * inside its mount (`no such file or directory: /notes.txt` for /home/alice/notes.txt), which would
 * send the model looking in the wrong place.
 */
export function withFullPaths(vfs: VfsHandle): VfsHandle {
  const named = async <T>(path: string, op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (thrown) {
      if (!(thrown instanceof KernelError) || typeof thrown.details?.errno !== 'string') throw thrown;
      const cut = thrown.message.lastIndexOf(': /');
      const text = cut === -1 ? thrown.message : thrown.message.slice(0, cut);
      throw new KernelError(thrown.code, `${text}: ${path}`, { ...thrown.details, path }, { cause: thrown });
    }
  };
  return {
    stat: (caller, path) => named(path, () => vfs.stat(caller, path)),
    read: (caller, path, options) => named(path, () => vfs.read(caller, path, options)),
    write: (caller, path, data, options) => named(path, () => vfs.write(caller, path, data, options)),
    list: (caller, path) => named(path, () => vfs.list(caller, path)),
  };
}
