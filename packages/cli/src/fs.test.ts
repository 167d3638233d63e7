/**
 * `aether fs …` against a real aetherd, as bob (the plain user role): binary files larger than one chunk
 * go up and come back byte for byte through files and pipes; listing, moving, removing; and failures
 * that name the full path, the missing capability and the next step.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runAether } from './testing.ts';
import { type UsersDaemon, startUsersDaemon } from './testing/users-daemon.ts';

/** Three chunks and a bit: the daemon takes at most 512 KiB a call. */
const BIG = 3 * 512 * 1024 + 12_345;

let fx: UsersDaemon;
before(async () => {
  fx = await startUsersDaemon();
});
after(() => fx.dispose());

const bob = (args: string[], input: string | Buffer = ''): ReturnType<typeof runAether> => runAether(args, fx.bob, input, { cwd: fx.dir });

test('a binary file larger than one chunk goes up and comes back byte for byte, through files and pipes', async () => {
  const data = randomBytes(BIG);
  await writeFile(path.join(fx.dir, 'big.bin'), data);

  const put = await bob(['fs', 'put', 'big.bin']);
  assert.equal(put.code, 0, put.stderr);
  assert.ok(put.stdout.includes(`big.bin → /home/bob/big.bin (${BIG} bytes)`), put.stdout);

  const get = await bob(['fs', 'get', '/home/bob/big.bin', 'copy.bin']);
  assert.equal(get.code, 0, get.stderr);
  assert.ok((await readFile(path.join(fx.dir, 'copy.bin'))).equals(data));

  const piped = await bob(['fs', 'put', '-', 'piped.bin'], data);
  assert.equal(piped.code, 0, piped.stderr);
  const cat = await bob(['fs', 'cat', 'piped.bin']);
  assert.equal(cat.code, 0, cat.stderr);
  assert.ok(cat.bytes.equals(data));
  const toStdout = await bob(['fs', 'get', '~/big.bin', '-']);
  assert.ok(toStdout.bytes.equals(data));

  const again = await bob(['fs', 'get', 'big.bin', 'copy.bin']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /copy\.bin exists here\n\s+→ pass --force/);
  assert.equal((await bob(['fs', 'get', 'big.bin', 'copy.bin', '--force'])).code, 0);
});

test('text and empty files keep their exact bytes', async () => {
  for (const content of ['', 'héllo\nwörld\n', '\u0000\u0001 control bytes\r\n']) {
    const put = await bob(['fs', 'put', '-', 'text.txt'], content);
    assert.equal(put.code, 0, put.stderr);
    assert.equal((await bob(['fs', 'cat', 'text.txt'])).stdout, content);
  }
});

test('ls lists names, -l types and sizes, --json the entries; a file lists as itself', async () => {
  await writeFile(path.join(fx.dir, 'small.txt'), 'twelve bytes');
  assert.equal((await bob(['fs', 'put', '--parents', 'small.txt', 'listing/sub/'])).code, 0);
  assert.equal((await bob(['fs', 'put', 'small.txt', 'listing/'])).code, 0);

  const ls = await bob(['fs', 'ls', 'listing']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(ls.stdout.trim().split('\n').sort(), ['small.txt', 'sub/']);

  const long = await bob(['fs', 'ls', '-l', '/home/bob/listing']);
  assert.match(long.stdout, /^-\s+12\s+\S+ \S+\s+small\.txt$/m);
  assert.match(long.stdout, /^d\s+-\s+\S+ \S+\s+sub\/$/m);

  const json = JSON.parse((await bob(['fs', 'ls', 'listing/sub', '--json'])).stdout) as { entries: Array<{ name: string; type: string; size: number }> };
  assert.deepEqual(json.entries.map((e) => [e.name, e.type, e.size]), [['small.txt', 'file', 12]]);

  assert.match((await bob(['fs', 'ls', '-l', 'listing/small.txt'])).stdout, /^-\s+12\s+.*small\.txt$/m);
});

test('mv renames and moves into a directory; rm removes files, and directories only with -r', async () => {
  assert.equal((await bob(['fs', 'put', '-p', '-', 'moving/a.txt'], 'a')).code, 0);
  assert.equal((await bob(['fs', 'put', '-', 'moving/b.txt'], 'b')).code, 0);
  const renamed = await bob(['fs', 'mv', 'moving/a.txt', 'moving/c.txt']);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.match(renamed.stdout, /\/home\/bob\/moving\/a\.txt → \/home\/bob\/moving\/c\.txt/);
  assert.equal((await bob(['fs', 'mv', 'moving/c.txt', 'moving/b.txt'])).code, 1, 'no replacing without --force');
  assert.equal((await bob(['fs', 'mv', 'moving/c.txt', 'moving/b.txt', '--force'])).code, 0);
  assert.equal((await bob(['fs', 'cat', 'moving/b.txt'])).stdout, 'a');
  assert.equal((await bob(['fs', 'mv', 'moving/b.txt', 'listing'])).code, 0);
  assert.equal((await bob(['fs', 'cat', 'listing/b.txt'])).stdout, 'a');

  const dir = await bob(['fs', 'rm', 'listing']);
  assert.equal(dir.code, 1);
  assert.match(dir.stderr, /\/home\/bob\/listing is a directory\n\s+→ .*aether fs rm -r listing/);
  const file = await bob(['fs', 'rm', 'listing/b.txt']);
  assert.equal(file.code, 0, file.stderr);
  assert.equal((await bob(['fs', 'rm', '-r', 'listing', 'moving'])).code, 0);
  assert.doesNotMatch((await bob(['fs', 'ls'])).stdout, /listing|moving/);
});

test('failures name the full path, the missing capability and the next step', async () => {
  assert.equal((await runAether(['fs', 'put', '-', 'secret.txt'], fx.admin, 'for admins only')).code, 0);
  const denied = await bob(['fs', 'cat', '/home/admin/secret.txt']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /permission_denied: .* \(missing fs\.read:\/home\/admin\/secret\.txt\)\n\s+→ this needs fs\.read:\/home\/admin\/secret\.txt; use a path under your home/);

  const missing = await bob(['fs', 'cat', 'nowhere/nothing.txt']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not_found: .*\/home\/bob\/nowhere\/nothing\.txt\n\s+→ see what is there with `aether fs ls \/home\/bob\/nowhere`/);

  const noDest = await bob(['fs', 'put', '-']);
  assert.equal(noDest.code, 2);
  assert.match(noDest.stderr, /needs a destination/);
  const noLocal = await bob(['fs', 'put', 'no-such-local-file']);
  assert.equal(noLocal.code, 1);
  assert.match(noLocal.stderr, /no local file no-such-local-file/);
});
