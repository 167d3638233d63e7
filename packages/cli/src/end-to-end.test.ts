import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AetherClient, isAetherError } from '@aether/sdk';
import { type Daemon, runAether, startAetherd } from './testing.ts';

const PASSWORD = 'a long admin password';

let dir: string;
let env: NodeJS.ProcessEnv;
let daemon: Daemon;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aether-e2e-'));
  env = { AETHER_DATA_DIR: path.join(dir, 'data'), AETHER_PORT: '0', AETHER_CREDENTIALS: path.join(dir, 'credentials.json'), AETHER_LOG_LEVEL: 'warn' };
  daemon = await startAetherd(env);
});
after(async () => {
  if (daemon.process.exitCode === null) await daemon.stop();
  await rm(dir, { recursive: true, force: true });
});

test('setup, CLI login, a scoped token used through the SDK, and a denial outside its scope', async () => {
  // aetherd on embedded defaults announced itself and the one-time setup token.
  assert.ok(daemon.setupToken !== undefined, daemon.output());
  const discovery = JSON.parse(await readFile(path.join(env.AETHER_DATA_DIR as string, 'aetherd.json'), 'utf8')) as { url: string; pid: number };
  assert.equal(discovery.url, daemon.url);
  assert.equal((await stat(path.join(env.AETHER_DATA_DIR as string, 'aetherd.json'))).mode & 0o777, 0o600);

  // The first admin, from the setup token; the token does not work twice.
  const setup = await runAether(['setup', '--token', daemon.setupToken, '--user', 'admin', '--password-stdin'], env, `${PASSWORD}\n`);
  assert.equal(setup.code, 0, setup.stderr);
  const again = await runAether(['setup', '--token', daemon.setupToken, '--user', 'other', '--password-stdin'], env, `${PASSWORD}\n`);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /conflict/);

  // Log in with the CLI; the credential is kept 0600.
  const login = await runAether(['login', '--user', 'admin', '--password-stdin'], env, `${PASSWORD}\n`);
  assert.equal(login.code, 0, login.stderr);
  assert.equal((await stat(env.AETHER_CREDENTIALS as string)).mode & 0o777, 0o600);
  const status = await runAether(['status', '--json'], env);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { whoami: { user: string } }).whoami.user, 'admin');

  // A scoped token, shown once.
  const created = await runAether(['token', 'create', 'ci', '--cap', 'kernel.status', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const { secret, token } = JSON.parse(created.stdout) as { secret: string; token: { id: string } };
  const listed = await runAether(['token', 'list', '--json'], env);
  assert.ok((JSON.parse(listed.stdout) as { tokens: Array<{ id: string }> }).tokens.some((t) => t.id === token.id));

  // The SDK with that token: allowed inside its scope, denied outside.
  const client = await AetherClient.connect({ url: daemon.url, token: secret });
  const kernelStatus = await client.request('kernel.status', {});
  assert.equal(typeof kernelStatus.version, 'string');
  await assert.rejects(client.request('auth.user.list', {}), (thrown) => isAetherError(thrown, 'permission_denied'));
  await assert.rejects(client.subscribe('vm.*', () => {}), (thrown) => isAetherError(thrown, 'permission_denied'));
  client.close();

  // The CLI reports a denial as a failed operation (exit 1) with what was missing.
  const denied = await runAether(['call', 'auth.user.list', '--token', secret], env);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /permission_denied.*missing auth\.admin/);

  // Logging out revokes the login token and forgets it.
  const logout = await runAether(['logout'], env);
  assert.equal(logout.code, 0, logout.stderr);
  await assert.rejects(stat(env.AETHER_CREDENTIALS as string));
});

test('a second daemon on the same data directory is refused; a clean stop removes the discovery file', async () => {
  await assert.rejects(startAetherd(env), /exited with 1/);
  assert.equal(await daemon.stop(), 0);
  await assert.rejects(stat(path.join(env.AETHER_DATA_DIR as string, 'aetherd.json')));
  const status = await runAether(['status'], env);
  assert.equal(status.code, 1);
  assert.match(status.stderr, /no aetherd is running.*\n.*aether start/);
});
