import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from './cli.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aether-cli-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { AETHER_DATA_DIR: dir, AETHER_CREDENTIALS: path.join(dir, 'c.json') });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('no command prints the help and is a usage error; --help is not', async () => {
  const none = await run();
  assert.equal(none.code, 2);
  assert.match(none.out, /usage: aether/);
  assert.equal((await run('--help')).code, 0);
  assert.match((await run('token', 'create', '--help')).out, /--cap/);
});

test('usage errors exit 2 and say what to do', async () => {
  const unknown = await run('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command "frobnicate"\n.*aether --help/);
  assert.equal((await run('user', 'add')).code, 2);
  assert.equal((await run('user', 'list', '--bogus')).code, 2);
  const json = await run('call', 'kernel.status', '{nope');
  assert.equal(json.code, 2);
  assert.match(json.err, /not valid JSON[\s\S]*quote it/);
  const caps = await run('token', 'create', 'x');
  assert.equal(caps.code, 2);
  assert.match(caps.err, /--cap/);
});

test('without a daemon, commands that need one fail (exit 1) and say how to start it', async () => {
  const status = await run('status');
  assert.equal(status.code, 1);
  assert.match(status.err, /no aetherd is running for .*\n.*aether start/);
  assert.equal((await run('user', 'list')).code, 1);
});

test('a daemon that is not there is reported as a connection failure', async () => {
  const result = await run('call', 'kernel.status', '--url', 'http://127.0.0.1:9');
  assert.equal(result.code, 1);
  assert.match(result.err, /connection_failed[\s\S]*aether start/);
});
