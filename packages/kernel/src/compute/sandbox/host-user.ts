/**
 * The host identity a sandbox runs as. Measured here: bubblewrap started by root maps the guest user to
 * host uid 0, and a guest could then `chmod` the host's /dev/null through bubblewrap's device binds (the
 * host inode is "its own"). So when the kernel runs as root, sandboxes run as an unprivileged host user
 * (default nobody, 65534:65534; operators should pick a dedicated uid). The workspace must be writable by
 * that user: `grantWorkspace` hands a directory tree to it without following symlinks.
 */
import { lchown, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface HostUser {
  uid: number;
  gid: number;
}

export const NOBODY: HostUser = { uid: 65534, gid: 65534 };

/** The user to drop to: the configured one, nobody when we are root, else undefined (stay as we are). */
export function resolveHostUser(configured: HostUser | undefined): HostUser | undefined {
  if (configured) return configured;
  return process.getuid?.() === 0 ? NOBODY : undefined;
}

/**
 * Makes `dir` and everything under it owned by `user` (lchown: symlinks themselves, never their targets;
 * the walk does not descend into symlinked directories). A no-op when `user` is undefined.
 */
export async function grantWorkspace(dir: string, user: HostUser | undefined): Promise<void> {
  if (!user) return;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    await lchown(current, user.uid, user.gid);
    const stats = await lstat(current);
    if (!stats.isDirectory()) continue;
    for (const name of await readdir(current)) stack.push(path.join(current, name));
  }
}
