import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { spawn } from 'node:child_process';
import { AETHER, runAether, startAetherd } from './testing.ts';

const PASSWORD = 'the operator password';

let dir: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aether-useradd-'));
  env = { AETHER_DATA_DIR: path.join(dir, 'data'), AETHER_PORT: '0', AETHER_CREDENTIALS: path.join(dir, 'credentials.json'), AETHER_LOG_LEVEL: 'warn' };
});
after(() => rm(dir, { recursive: true, force: true }));

test('`user add --admin` works on the data directory with no daemon, and the daemon then needs no setup', async () => {
  const added = await runAether(['user', 'add', 'root', '--admin', '--password-stdin'], env, `${PASSWORD}\n`);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /added root \(admin\) directly in/);
  const short = await runAether(['user', 'add', 'shorty', '--password-stdin'], env, 'short\n');
  assert.equal(short.code, 1);
  assert.match(short.stderr, /at least 12 characters/);

  const daemon = await startAetherd(env);
  try {
    assert.equal(daemon.setupToken, undefined, 'a user exists, so no setup token is printed');
    // With the daemon running, the host operator reaches it through the local socket without logging in.
    const viaSocket = await runAether(['user', 'add', 'ops', '--role', 'viewer', '--password-stdin'], env, `${PASSWORD}\n`);
    assert.equal(viaSocket.code, 0, viaSocket.stderr);
    const login = await runAether(['login', '--user', 'root', '--password-stdin'], env, `${PASSWORD}\n`);
    assert.equal(login.code, 0, login.stderr);
    const users = await runAether(['user', 'list', '--json'], env);
    assert.deepEqual((JSON.parse(users.stdout) as { users: Array<{ name: string; role: string }> }).users.map((u) => `${u.name}:${u.role}`), ['ops:viewer', 'root:admin']);
    const removed = await runAether(['user', 'remove', 'ops'], env);
    assert.equal(removed.code, 0, removed.stderr);

    // An admin sets a password by naming the user; the old one stops working.
    const passwd = await runAether(['user', 'passwd', 'root', '--password-stdin'], env, 'a brand new password\n');
    assert.equal(passwd.code, 0, passwd.stderr);
    assert.equal((await runAether(['login', '--user', 'root', '--password-stdin'], env, `${PASSWORD}\n`)).code, 1);
    assert.equal((await runAether(['login', '--user', 'root', '--password-stdin'], env, 'a brand new password\n')).code, 0);

    // `aether sub` prints events as they happen.
    const sub = spawn(process.execPath, [AETHER, 'sub', 'vfs.*', '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let events = '';
    let notes = '';
    sub.stdout.setEncoding('utf8').on('data', (chunk: string) => (events += chunk));
    sub.stderr.setEncoding('utf8').on('data', (chunk: string) => (notes += chunk));
    while (!notes.includes('# subscribed')) await new Promise((resolve) => setTimeout(resolve, 20));
    const write = await runAether(['call', 'vfs:write', JSON.stringify({ path: '/shared/hello.txt', content: 'hi' })], env);
    assert.equal(write.code, 0, write.stderr);
    while (!events.includes('vfs.changed')) await new Promise((resolve) => setTimeout(resolve, 20));
    const exited = new Promise<number | null>((resolve) => sub.once('exit', resolve));
    sub.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal((JSON.parse(events.split('\n')[0] ?? '') as { topic: string }).topic, 'vfs.changed');
  } finally {
    assert.equal(await daemon.stop(), 0);
  }
});
