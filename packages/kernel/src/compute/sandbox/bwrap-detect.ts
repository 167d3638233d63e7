/**
 * Finds out once per bubblewrap path whether sandboxes can run on this host: the binary exists, is
 * bubblewrap, and can actually create the namespaces we need. Any failure is `unsupported_backend`;
 * there is never a fallback to running the command on the host.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { KernelError } from '../../contracts/errors.ts';
import type { HostUser } from './host-user.ts';
import { oncePer } from './host-probe.ts';
import { systemMounts } from './system-mounts.ts';

export interface BwrapInfo {
  path: string;
  version: string;
}


function run(file: string, args: readonly string[], user: HostUser | undefined): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const options = { timeout: 10_000, env: {}, ...(user ?? {}) };
    execFile(file, args, options, (error, stdout, stderr) => {
      if (error) reject(Object.assign(new Error(error.message, { cause: error }), { stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

function unsupported(path: string, why: string, cause?: unknown): KernelError {
  return new KernelError('unsupported_backend', `sandbox backend unavailable: ${why}`, { backend: 'sandbox', bwrap: path }, { cause });
}

async function probe(path: string, user: HostUser | undefined): Promise<BwrapInfo> {
  try {
    await access(path, constants.X_OK);
  } catch (cause) {
    throw unsupported(path, 'bubblewrap (bwrap) is not installed', cause);
  }
  let version: string;
  try {
    version = (await run(path, ['--version'], user)).stdout.trim();
  } catch (cause) {
    throw unsupported(path, 'bubblewrap does not run', cause);
  }
  if (!version.startsWith('bubblewrap')) throw unsupported(path, `${path} is not bubblewrap`);
  const namespaces = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net'];
  try {
    // Every option the real spawns rely on, so an older bubblewrap is refused here rather than at spawn.
    const options = ['--disable-userns', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--clearenv'];
    const mounts = [...systemMounts(), '--proc', '/proc', '--dev', '/dev', '--size', '65536', '--tmpfs', '/tmp', '--remount-ro', '/'];
    await run(path, [...namespaces, ...options, ...mounts, '--', '/usr/bin/true'], user);
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr?.trim() ?? '';
    throw unsupported(path, `bubblewrap cannot create namespaces here${stderr ? ` (${stderr})` : ''}`, cause);
  }
  return { path, version };
}

/** Resolves once per path (success and failure are both cached); rejects with `unsupported_backend`. */
export const detectBwrap: (path: string, user: HostUser | undefined) => Promise<BwrapInfo> = oncePer(probe);
