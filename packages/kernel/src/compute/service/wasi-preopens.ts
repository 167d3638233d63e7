/**
 * A `wasi` guest's file system is what the VFS shows its caller: one preopen per mount the caller holds
 * entirely, named by its VFS path (`/home/alice`, `/shared`), writable when the caller may write the
 * mount's whole tree, read-only when it may only read it, absent otherwise. The guest's ConfinedRoot in
 * the runner keeps it inside each preopen (symlinks, hardlinks and races included). Mounts the caller
 * holds only part of are not preopened: the runner cannot ask the kernel about each path.
 *
 * Candidates are the mounts named by the caller's `fs.*` grants plus the mounts it may list (which is
 * how an administrator's `fs.*:/**` reaches every home); VfsService.hostDirOf decides each one.
 */
import { isKernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { WasiPreopen } from '../wasi/index.ts';
import { type VfsService, normaliseVfsPath } from '../../vfs/index.ts';

const COLLECTIONS = ['home', 'workspaces', 'apps'] as const;
const MOUNT_NAME = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,127}$/;

/** The mount a capability's path scope lies in (`fs.read:/home/alice/**` → `/home/alice`). */
function mountOfScope(capability: string): string | undefined {
  if (!capability.startsWith('fs.')) return undefined;
  const colon = capability.indexOf(':');
  if (colon < 0) return undefined;
  const [top, name] = capability.slice(colon + 1).split('/').slice(1);
  if (top === 'shared') return '/shared';
  if (top === undefined || name === undefined || !(COLLECTIONS as readonly string[]).includes(top) || !MOUNT_NAME.test(name)) return undefined;
  return `/${top}/${name}`;
}

async function candidates(vfs: VfsService, caller: Principal): Promise<string[]> {
  const found = new Set<string>(['/shared']);
  for (const capability of caller.capabilities.list()) {
    const mount = mountOfScope(capability);
    if (mount !== undefined) found.add(mount);
  }
  for (const collection of COLLECTIONS) {
    try {
      for (const entry of (await vfs.list(caller, `/${collection}`)).entries) found.add(entry.path);
    } catch (error) {
      if (!isKernelError(error)) throw error;
    }
  }
  return [...found].sort();
}

function hostDir(vfs: VfsService, caller: Principal, mount: string, action: 'read' | 'write'): { hostDir: string; readOnly: boolean } | undefined {
  try {
    return vfs.hostDirOf(caller, mount, { action, create: action === 'write' });
  } catch (error) {
    if (isKernelError(error, 'permission_denied') || isKernelError(error, 'not_found')) return undefined;
    throw error;
  }
}

/** The preopens of a guest run for `caller`. */
export async function preopensFor(vfs: VfsService, caller: Principal): Promise<WasiPreopen[]> {
  const preopens: WasiPreopen[] = [];
  for (const mount of await candidates(vfs, caller)) {
    const writable = hostDir(vfs, caller, mount, 'write');
    const found = writable ?? hostDir(vfs, caller, mount, 'read');
    if (found === undefined) continue;
    preopens.push({ guest: mount, host: found.hostDir, readOnly: writable === undefined || found.readOnly });
  }
  return preopens;
}

/**
 * `cwd` of a wasi run, preopened again as `.` so relative paths work. Only a mount root is accepted: a
 * deeper directory would be a host path through guest-made names, which a guest could swap for a symlink.
 */
export function cwdPreopen(preopens: readonly WasiPreopen[], rawCwd: string): WasiPreopen | undefined {
  const cwd = normaliseVfsPath(rawCwd);
  const match = preopens.find((p) => p.guest === cwd);
  return match === undefined ? undefined : { guest: '.', host: match.host, readOnly: match.readOnly ?? false };
}
