/**
 * The sandbox runs what it is given, exactly: output streams while the program runs, stdin reaches it,
 * argv is never interpreted by a shell, exit codes and signals come back, the environment is only what
 * was passed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isKernelError } from '../../contracts/errors.ts';
import { collect, run, runtime, skipUnlessBwrap, waitFor, workspace } from './test-kit.ts';

describe('sandbox runs commands', { skip: await skipUnlessBwrap() }, () => {
  it('streams output while the program is still running and delivers stdin', async () => {
    await using ws = await workspace();
    const proc = await runtime.spawn({ argv: ['/bin/sh', '-c', 'echo ready; read line; echo "got $line"'], workspace: { hostDir: ws.dir } });
    const result = collect(proc);
    await waitFor(proc.stdout, /ready\n/);
    proc.stdin.end('hello\n');
    const { stdout, exit } = await result;
    assert.equal(stdout, 'ready\ngot hello\n');
    assert.equal(exit.code, 0);
    assert.equal(exit.reason, undefined);
  });

  it('passes argv with shell metacharacters literally', async () => {
    const tricky = ['$(id)', '`id`', '; touch /workspace/pwned', '&& echo no', '| cat', '*', "'quoted'", '"dq"', '$HOME', 'a\nb'];
    await using ws = await workspace();
    const { stdout, exit } = await collect(await runtime.spawn({ argv: ['/usr/bin/printf', '%s\\0', ...tricky], workspace: { hostDir: ws.dir } }));
    assert.equal(exit.code, 0);
    assert.deepEqual(stdout.split('\0').slice(0, -1), tricky);
    await assert.rejects(readFile(path.join(ws.dir, 'pwned')), { code: 'ENOENT' });
  });

  it('runs a shell only when asked for one, with arguments as positional parameters', async () => {
    const { stdout, exit } = await run({ shell: { script: 'echo "$1-$2"; echo $((6 * 7))', args: ['a b', '$(id)'] } });
    assert.equal(exit.code, 0);
    assert.equal(stdout, 'a b-$(id)\n42\n');
  });

  it('reports exit codes and stderr', async () => {
    const { stderr, exit } = await run({ argv: ['/bin/sh', '-c', 'echo oops >&2; exit 7'] });
    assert.equal(exit.code, 7);
    assert.equal(exit.signal, null);
    assert.equal(stderr, 'oops\n');
  });

  it('reports the signal that killed the program', async () => {
    const { exit } = await run({ argv: ['/bin/sh', '-c', 'kill -TERM $$'] });
    assert.equal(exit.code, null);
    assert.equal(exit.signal, 'SIGTERM');
  });

  it('a missing program is an ordinary failed exit, not a crash', async () => {
    const { exit, stderr } = await run({ argv: ['/no/such/program'] });
    assert.notEqual(exit.code, 0);
    assert.match(stderr, /No such file or directory/);
  });

  it('gives the program only the environment it was given', async () => {
    const { stdout } = await run({ argv: ['/usr/bin/env'], env: { ONLY: 'this', PATH: '/usr/bin:/bin' } });
    // bubblewrap itself sets PWD to the guest working directory.
    assert.deepEqual(stdout.trim().split('\n').sort(), ['ONLY=this', 'PATH=/usr/bin:/bin', 'PWD=/workspace']);
  });

  it('starts in the workspace, which is the only writable host directory', async () => {
    await using ws = await workspace();
    const { stdout, exit } = await collect(
      await runtime.spawn({ argv: ['/bin/sh', '-c', 'pwd; echo data > made.txt'], workspace: { hostDir: ws.dir, guestPath: '/work/space' } }),
    );
    assert.equal(exit.code, 0);
    assert.equal(stdout, '/work/space\n');
    assert.equal(await readFile(path.join(ws.dir, 'made.txt'), 'utf8'), 'data\n');
  });

  it('reports the limit mode and wall time in usage', async () => {
    const { exit } = await run({ argv: ['/bin/true'] });
    const status = await runtime.status();
    assert.equal(exit.usage.mode, status.mode);
    assert.ok(exit.usage.wallMs >= 0);
    assert.equal(exit.usage.outputBytes, 0);
  });

  it('refuses malformed specs with payload_invalid', async () => {
    await using ws = await workspace();
    const workspaceSpec = { hostDir: ws.dir };
    for (const spec of [
      { argv: [] },
      { argv: ['/bin/true'], shell: { script: 'true' } },
      { argv: ['/bin/echo', 'nul\0byte'] },
      { argv: ['/bin/true'], env: { 'BAD=NAME': 'x' } },
      { argv: ['/bin/true'], cwd: '../..' },
      { argv: ['/bin/true'], limits: { wallMs: -1 } },
    ]) {
      await assert.rejects(runtime.spawn({ ...spec, workspace: workspaceSpec }), (e) => isKernelError(e, 'payload_invalid'));
    }
    await assert.rejects(runtime.spawn({ argv: ['/bin/true'], workspace: { hostDir: ws.dir, guestPath: '/usr/x' } }), (e) => isKernelError(e, 'payload_invalid'));
    await assert.rejects(runtime.spawn({ argv: ['/bin/true'], workspace: { hostDir: path.join(ws.dir, 'missing') } }), (e) => isKernelError(e, 'not_found'));
  });
});
