/**
 * `aether vm run` against a real aetherd, as bob: a sandboxed command's output and exit code are its
 * own, argv is never a shell string unless --shell, standard input is forwarded, a wall-time breach
 * exits 124 with its reason; a local .wasm is uploaded and run with its arguments, environment and input.
 * Sandbox cases need bubblewrap, WASI cases clang for wasm32-wasi; each skips with a reason without.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AETHER, runAether } from './testing.ts';
import { compileWasm, skipUnlessBwrap, skipWithoutClang } from './testing/toolchains.ts';
import { type UsersDaemon, startUsersDaemon } from './testing/users-daemon.ts';

const build = await mkdtemp(path.join(os.tmpdir(), 'aether-cli-wasm-'));
const noSandbox = await skipUnlessBwrap();
const noClang = await skipWithoutClang(build);

const GUEST = `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg %s\\n", argv[i]);
  const char *greeting = getenv("GREETING");
  printf("greeting %s\\n", greeting ? greeting : "(none)");
  char line[128];
  if (fgets(line, sizeof line, stdin)) printf("read %s", line);
  fprintf(stderr, "done\\n");
  return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
`;

let fx: UsersDaemon;
before(async () => {
  fx = await startUsersDaemon();
});
after(async () => {
  await fx.dispose();
  await rm(build, { recursive: true, force: true });
});

const bob = (args: string[], input = ''): ReturnType<typeof runAether> => runAether(args, fx.bob, input, { cwd: fx.dir });

describe('sandboxed commands', { skip: noSandbox }, () => {
  test("echo's output reaches standard output and the run exits 0", async () => {
    const ran = await bob(['vm', 'run', '--sandbox', 'echo', 'hello', 'world']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'hello world\n');
  });

  test("a failing command's exit code and standard error are its own", async () => {
    const ran = await bob(['vm', 'run', '--sandbox', 'sh', '-c', 'echo oops >&2; exit 3']);
    assert.equal(ran.code, 3);
    assert.equal(ran.stdout, '');
    assert.match(ran.stderr, /^oops$/m);
  });

  test('arguments are an argv, never a shell line, unless --shell says so', async () => {
    const literal = await bob(['vm', 'run', '--sandbox', 'echo', '$HOME;', 'a|b', '-n']);
    assert.equal(literal.stdout, '$HOME; a|b -n\n');
    const shell = await bob(['vm', 'run', '--sandbox', '--shell', 'echo one two | wc -w']);
    assert.equal(shell.code, 0, shell.stderr);
    assert.equal(shell.stdout.trim(), '2');
  });

  test('standard input is forwarded and ends with ours; --env reaches the command', async () => {
    const cat = await bob(['vm', 'run', '--sandbox', 'cat'], 'piped through\n');
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, 'piped through\n');
    const env = await bob(['vm', 'run', '-e', 'GREETING=hi there', '--sandbox', 'sh', '-c', 'echo "$GREETING"']);
    assert.equal(env.stdout, 'hi there\n');
  });

  test('Ctrl-C kills the vm: the run exits 130 and the vm is gone', async () => {
    const child = spawn(process.execPath, [AETHER, 'vm', 'run', '--sandbox', 'sh', '-c', 'echo ready; sleep 60'], { env: { ...process.env, ...fx.bob }, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stdout = '';
    child.stdout.setEncoding('utf8');
    for await (const chunk of child.stdout) {
      stdout += String(chunk);
      if (stdout.includes('ready')) break;
    }
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    const ps = await bob(['vm', 'ps', '--json']);
    assert.deepEqual((JSON.parse(ps.stdout) as { vms: unknown[] }).vms, []);
  });

  test('a wall-time breach exits 124 and says which limit', async () => {
    const ran = await bob(['vm', 'run', '--timeout', '300ms', '--sandbox', 'sleep', '30']);
    assert.equal(ran.code, 124);
    assert.match(ran.stderr, /timeout: wall-time limit of 300 ms reached/);
  });
});

describe('WASI modules', { skip: noClang }, () => {
  let module = '';
  before(async () => {
    module = await compileWasm(build, 'guest', GUEST);
  });

  test('a local module is uploaded and run with its arguments, environment and input; its exit code is ours', async () => {
    const ran = await bob(['vm', 'run', '-e', 'GREETING=hello', module, 'first', '7'], 'a line\n');
    assert.equal(ran.code, 7, ran.stderr);
    assert.equal(ran.stdout, 'arg first\narg 7\ngreeting hello\nread a line\n');
    assert.match(ran.stderr, /^done$/m);
    const listed = await bob(['fs', 'ls', '.aether/wasm']);
    assert.match(listed.stdout, /^[0-9a-f]{16}-guest\.wasm$/m);
  });

  test('a module already in the VFS runs by its vfs: path', async () => {
    assert.equal((await bob(['fs', 'put', module, 'bin/guest.wasm', '--parents'])).code, 0);
    const ran = await bob(['vm', 'run', '--no-stdin', 'vfs:bin/guest.wasm', '0']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'arg 0\ngreeting (none)\n');
  });

  test('a missing module is an error with a next step, not a hang', async () => {
    const ran = await bob(['vm', 'run', 'vfs:bin/missing.wasm']);
    assert.equal(ran.code, 1);
    assert.match(ran.stderr, /not_found[\s\S]*→/);
    assert.equal((await bob(['vm', 'run', 'no-such-file.wasm'])).code, 1);
  });
});

test('usage errors exit 2', async () => {
  assert.equal((await bob(['vm', 'run', '--shell', 'echo hi'])).code, 2, '--shell needs --sandbox');
  assert.equal((await bob(['vm', 'run', '--timeout', 'soon', '--sandbox', 'true'])).code, 2);
  assert.equal((await bob(['vm', 'run', '--tty', '--sandbox', 'true'])).code, 2, 'no terminal on stdin');
  assert.equal((await bob(['vm', 'run'])).code, 2);
});
