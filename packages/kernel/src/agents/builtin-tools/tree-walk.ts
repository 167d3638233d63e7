/**
 * A bounded walk of a VFS tree as the caller, breadth first (shallow entries before deep ones), each
 * directory's entries in name order. Symbolic links are listed, never followed. A directory below the
 * root that cannot be listed (denied, vanished) is noted and skipped; the root failing is the caller's
 * error. The walk stops at a depth, a number of directories, or when the call is stopped.
 */
import { KernelError, toKernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { VfsEntry } from '../../vfs/index.ts';
import type { VfsHandle } from './services.ts';

export interface WalkLimits {
  /** 1 lists the root's entries only. */
  maxDepth: number;
  maxDirectories: number;
}

export interface WalkEntry extends VfsEntry {
  /** 1 for the root's entries. */
  depth: number;
}

export interface WalkNotes {
  /** Directories that could not be listed, with why (at most a few kept). */
  problems: string[];
  /** The walk left directories unlisted because of a limit. */
  cut: boolean;
}

const MAX_PROBLEMS = 10;

export async function* walk(vfs: VfsHandle, caller: Principal, root: string, limits: WalkLimits, notes: WalkNotes, signal: AbortSignal): AsyncGenerator<WalkEntry> {
  const queue: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
  let listed = 0;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (signal.aborted) throw new KernelError('cancelled', `stopped while walking ${root}`);
    if (listed >= limits.maxDirectories) {
      notes.cut = true;
      return;
    }
    let entries: VfsEntry[];
    try {
      const listing = await vfs.list(caller, next.path);
      entries = listing.entries;
      if (listing.truncated) {
        notes.cut = true;
        note(notes, `${next.path}: only its first ${entries.length} entries were listed`);
      }
    } catch (thrown) {
      if (next.depth === 0) throw thrown;
      note(notes, `${next.path}: ${toKernelError(thrown).message}`);
      continue;
    }
    listed += 1;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      yield { ...entry, depth: next.depth + 1 };
      if (entry.type !== 'directory') continue;
      if (next.depth + 1 < limits.maxDepth) queue.push({ path: entry.path, depth: next.depth + 1 });
      else notes.cut = true;
    }
  }
}

function note(notes: WalkNotes, problem: string): void {
  if (notes.problems.length < MAX_PROBLEMS) notes.problems.push(problem);
  else if (notes.problems.length === MAX_PROBLEMS) notes.problems.push('…and more');
}
