/**
 * How the file tools take paths and derive capabilities from them. A path is an absolute VFS path,
 * normalised by the VFS's own rules as the arguments are validated (so a bad path is an invalid-argument
 * result the model can fix, and the capability checked is exactly the path acted on). A call over several
 * paths or a tree needs the capability for the smallest tree that holds them all.
 */
import { VfsPathSchema, fsCapability } from '../../vfs/index.ts';

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
