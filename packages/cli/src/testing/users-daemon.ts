/**
 * A real aetherd (ephemeral port, temporary data directory) with two people logged in through the CLI:
 * `admin` (the first admin, from the setup token) and `bob` (the plain `user` role), each with their own
 * credentials file, so a test runs `aether …` as either.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Daemon, runAether, startAetherd } from '../testing.ts';

export const PASSWORD = 'a long enough password';

export interface UsersDaemon {
  daemon: Daemon;
  /** A scratch directory for local files (removed at dispose). */
  dir: string;
  admin: NodeJS.ProcessEnv;
  bob: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

async function must(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<void> {
  const ran = await runAether(args, env, input);
  if (ran.code !== 0) throw new Error(`aether ${args.join(' ')} failed (${ran.code}): ${ran.stderr}`);
}

export async function startUsersDaemon(): Promise<UsersDaemon> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aether-cli-users-'));
  const base = { AETHER_DATA_DIR: path.join(dir, 'data'), AETHER_PORT: '0', AETHER_LOG_LEVEL: 'warn' };
  const admin = { ...base, AETHER_CREDENTIALS: path.join(dir, 'admin.json') };
  const bob = { ...base, AETHER_CREDENTIALS: path.join(dir, 'bob.json') };
  const daemon = await startAetherd(admin);
  try {
    if (daemon.setupToken === undefined) throw new Error(`no setup token: ${daemon.output()}`);
    await must(['setup', '--token', daemon.setupToken, '--user', 'admin', '--password-stdin'], admin, `${PASSWORD}\n`);
    await must(['login', '--user', 'admin', '--password-stdin'], admin, `${PASSWORD}\n`);
    await must(['user', 'add', 'bob', '--password-stdin'], admin, `${PASSWORD}\n`);
    await must(['login', '--user', 'bob', '--password-stdin'], bob, `${PASSWORD}\n`);
    await mkdir(path.join(dir, 'work'));
  } catch (error) {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    daemon,
    dir: path.join(dir, 'work'),
    admin,
    bob,
    dispose: async () => {
      if (daemon.process.exitCode === null) await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
