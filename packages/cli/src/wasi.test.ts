/**
 * `aether wasi run`, the command line the WebAssembly/wasi-testsuite drives: no daemon, the guest's
 * stdout and stderr exactly as it wrote them, its exit code as ours, `--dir HOST[::GUEST]` preopens and
 * `--env NAME=VALUE`. Needs clang for wasm32-wasi to build the guest; skips with the reason without.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runAether } from './testing.ts';
import { compileWasm, skipWithoutClang } from './testing/toolchains.ts';

const dir = await mkdtemp(path.join(os.tmpdir(), 'aether-cli-wasi-'));
const noClang = await skipWithoutClang(dir);

/** Copies argv[1] to argv[2] (paths in the guest) and reports what it saw. */
const GUEST = `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: copy FROM TO [CODE]\\n"); return 2; }
  FILE *in = fopen(argv[1], "r");
  if (!in) { perror(argv[1]); return 3; }
  FILE *out = fopen(argv[2], "w");
  if (!out) { perror(argv[2]); return 4; }
  char buf[256]; size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
  fclose(in); fclose(out);
  const char *mode = getenv("MODE");
  printf("copied %s to %s (mode %s)\\n", argv[1], argv[2], mode ? mode : "unset");
  fprintf(stderr, "a note on stderr\\n");
  return argc > 3 ? atoi(argv[3]) : 0;
}
`;

after(() => rm(dir, { recursive: true, force: true }));

describe('aether wasi run', { skip: noClang }, () => {
  let module = '';
  const host = path.join(dir, 'host');
  before(async () => {
    module = await compileWasm(dir, 'copy', GUEST);
    await mkdir(host);
    await writeFile(path.join(host, 'in.txt'), 'file content\n');
  });

  const wasi = (args: string[]): ReturnType<typeof runAether> => runAether(['wasi', 'run', ...args], { AETHER_DATA_DIR: path.join(dir, 'no-daemon') }, '', { cwd: host });

  test("stdout, stderr and the exit code are the guest's own, with nothing added", async () => {
    const ran = await wasi(['--dir', '.', '--env', 'MODE=fast', module, 'in.txt', 'out.txt', '5']);
    assert.equal(ran.code, 5);
    assert.equal(ran.stdout, 'copied in.txt to out.txt (mode fast)\n');
    assert.equal(ran.stderr, 'a note on stderr\n');
    assert.equal(await readFile(path.join(host, 'out.txt'), 'utf8'), 'file content\n');
  });

  test('--dir HOST::GUEST maps a host directory at another guest path', async () => {
    const ran = await wasi([`--dir=${host}::/data`, module, '/data/in.txt', '/data/mapped.txt']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'copied /data/in.txt to /data/mapped.txt (mode unset)\n');
    assert.equal(await readFile(path.join(host, 'mapped.txt'), 'utf8'), 'file content\n');
  });

  test('without --dir the guest sees no host files', async () => {
    const ran = await wasi([module, 'in.txt', 'out.txt']);
    assert.equal(ran.code, 3);
    assert.match(ran.stderr, /in\.txt/);
  });

  test('usage errors exit 2 and say how to call it', async () => {
    const none = await wasi([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no module given/);
    assert.equal((await runAether(['wasi'], {})).code, 2);
    assert.equal((await runAether(['wasi', '--help'], {})).code, 0);
  });
});
