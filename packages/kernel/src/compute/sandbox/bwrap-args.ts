/**
 * Builds the bubblewrap command line for one sandbox (DESIGN §7): fresh user/pid/ipc/uts/net namespaces
 * (always a network namespace of its own: with `net`, slirp4netns gives it a tap device, never the host's
 * namespace), no capabilities, a cleared environment, read-only system directories, private /proc, /dev
 * and size-capped /tmp, a synthetic /etc, the workspace as the only writable host path, and the read-only
 * root. The command is prefixed with prlimit for the rlimits.
 *
 * File descriptors: 0–2 stdio, 3 bubblewrap's info (JSON with the child pid), 4 a byte that releases the
 * sandbox once it is inside its cgroup, 5 the tty control pipe (tty mode only), 6… synthetic /etc files.
 */
import { guestEtc, GUEST_GID, GUEST_HOSTNAME, GUEST_UID } from './guest-etc.ts';
import { rlimitPrefix } from './rlimits.ts';
import type { ResolvedSpec } from './sandbox-spec.ts';
import { systemMounts } from './system-mounts.ts';

export const INFO_FD = 3;
export const BLOCK_FD = 4;
export const FIRST_DATA_FD = 6;

export interface BwrapPlan {
  args: string[];
  /** Contents to write to fds FIRST_DATA_FD, FIRST_DATA_FD + 1, … (one pipe each). */
  data: string[];
  /**
   * With `net`: the index in `data` to write only once slirp4netns is ready. bubblewrap reads its data
   * files before it enters the nested user namespace that holds the guest; while it waits on this one,
   * its child is still in the user namespace that owns the network namespace, which slirp4netns must join
   * (after the nesting, joining would leave it without rights over that network namespace).
   */
  gate: number | undefined;
}

/** `command` is what runs inside, after prlimit (the user's argv, or the tty relay wrapping it). */
export function bwrapArgs(spec: ResolvedSpec, command: readonly string[]): BwrapPlan {
  const args = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--unshare-net'];
  args.push('--disable-userns', '--die-with-parent');
  if (!spec.tty) args.push('--new-session');
  args.push('--cap-drop', 'ALL', '--uid', String(GUEST_UID), '--gid', String(GUEST_GID), '--hostname', GUEST_HOSTNAME);
  args.push('--clearenv');
  for (const [name, value] of spec.env) args.push('--setenv', name, value);

  args.push(...systemMounts());
  args.push('--proc', '/proc', '--dev', '/dev', '--size', String(spec.limits.tmpBytes), '--tmpfs', '/tmp');

  const etc = guestEtc({ home: spec.guestPath, net: spec.net });
  const data: string[] = [];
  for (const file of etc.files) {
    args.push('--perms', '0444', '--ro-bind-data', String(FIRST_DATA_FD + data.length), file.path);
    data.push(file.content);
  }
  // The last data file, so that every file before it is read and bubblewrap then waits exactly here.
  const gate = spec.net ? data.length - 1 : undefined;
  for (const bind of etc.binds) args.push('--ro-bind-try', bind, bind);

  args.push('--bind', spec.hostDir, spec.guestPath);
  args.push('--remount-ro', '/');
  args.push('--chdir', spec.cwd);
  args.push('--info-fd', String(INFO_FD), '--block-fd', String(BLOCK_FD));
  args.push('--', ...rlimitPrefix(spec.limits), ...command);
  return { args, data, gate };
}
