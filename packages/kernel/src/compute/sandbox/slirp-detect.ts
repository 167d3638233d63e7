/**
 * Finds out once per slirp4netns path and host user whether `net: true` sandboxes can be served: the
 * binary exists, is slirp4netns, knows every option we rely on, and the sandbox's host user may open
 * /dev/net/tun (slirp4netns creates the sandbox's tap device with it, as that user). A failure is
 * `unsupported_backend` for networked spawns only; there is never a fallback to the host's network.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { KernelError } from '../../contracts/errors.ts';
import type { HostUser } from './host-user.ts';
import { oncePer } from './host-probe.ts';

export interface SlirpInfo {
  path: string;
  version: string;
}

/** Options of slirp4netns that the sandbox's network depends on (all present since 1.0). */
const REQUIRED_OPTIONS = ['--configure', '--mtu', '--disable-host-loopback', '--ready-fd', '--exit-fd', '--enable-sandbox', '--enable-seccomp'];
const TUN = '/dev/net/tun';


function run(file: string, args: readonly string[], user: HostUser | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, env: {}, cwd: '/', ...(user ?? {}) }, (error, stdout) => {
      if (error) reject(new Error(error.message, { cause: error }));
      else resolve(stdout);
    });
  });
}

const INSTALL = 'install slirp4netns (Debian package slirp4netns, 1.0 or newer); sandboxes without net still run';

function unavailable(path: string, why: string, hint: string, cause?: unknown): KernelError {
  return new KernelError('unsupported_backend', `sandbox network unavailable: ${why}`, { backend: 'sandbox', feature: 'net', slirp4netns: path, hint }, { cause });
}

async function probe(path: string, user: HostUser | undefined): Promise<SlirpInfo> {
  try {
    await access(path, constants.X_OK);
  } catch (cause) {
    throw unavailable(path, 'slirp4netns is not installed (apt-get install slirp4netns)', INSTALL, cause);
  }
  let version: string;
  let help: string;
  try {
    version = (await run(path, ['--version'], user)).split('\n')[0]?.trim() ?? '';
    help = await run(path, ['--help'], user);
  } catch (cause) {
    throw unavailable(path, 'slirp4netns does not run', INSTALL, cause);
  }
  const number = /^slirp4netns version (\S+)/.exec(version)?.[1];
  if (number === undefined) throw unavailable(path, `${path} is not slirp4netns`, INSTALL);
  const missing = REQUIRED_OPTIONS.filter((option) => !help.includes(option));
  if (missing.length > 0) throw unavailable(path, `slirp4netns ${number} lacks ${missing.join(', ')}`, INSTALL);
  try {
    // `test` checks with the caller's real ids, so this answers for the sandbox's host user, not for us.
    await run('/usr/bin/test', ['-c', TUN, '-a', '-r', TUN, '-a', '-w', TUN], user);
  } catch (cause) {
    const who = user ? `uid ${user.uid}` : 'the kernel user';
    throw unavailable(path, `${TUN} is missing or not read-writable by ${who}`, `make ${TUN} mode 0666 (the udev default) or grant ${who} access to it`, cause);
  }
  return { path, version: number };
}

/** Resolves once per path and user (success and failure are both cached); rejects with `unsupported_backend`. */
export const detectSlirp: (path: string, user: HostUser | undefined) => Promise<SlirpInfo> = oncePer(probe);
