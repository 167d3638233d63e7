/**
 * The read-only system directories a guest sees, mirrored from the host's layout: on merged-/usr hosts
 * (`/bin -> usr/bin`) the top-level names become the same symlinks inside the sandbox; real directories
 * are bound read-only. Nothing else of the host's root is visible.
 */
import { lstatSync, readlinkSync } from 'node:fs';

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

let cached: readonly string[] | undefined;

function scan(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    let stats;
    try {
      stats = lstatSync(dir);
    } catch {
      continue;
    }
    if (stats.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (stats.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** bubblewrap arguments for the system directories (computed once per process). */
export function systemMounts(): readonly string[] {
  cached ??= scan();
  return cached;
}
