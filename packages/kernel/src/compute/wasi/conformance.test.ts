/**
 * WASI preview1 conformance: C programs (conformance/*.c) compiled at test time with clang, each checking
 * results and errno values of the functions we implement against the specification, run through the
 * real runtime (runner process, worker, ConfinedRoot). A program prints "ok" and exits 0 when every check
 * held; otherwise its stderr lists each failed check by line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compileAll, skipWithoutClang } from './conformance/compile.ts';
import { runGuest, TEST_LIMITS } from './conformance/run-guest.ts';
import { WasiRuntime, type WasiPreopen } from './runtime.ts';

const PROGRAMS = ['args_env', 'clock_random', 'proc_exit', 'stdio', 'fd_file_io', 'fd_dir', 'path_ops', 'poll', 'echo_stdin'];
const skip = await skipWithoutClang();

void describe('WASI preview1 conformance (clang-built C programs)', { skip }, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'aether-wasi-conf-'));
  let built = new Map<string, string>();
  const runtime = new WasiRuntime({ poolSize: 2 });

  before(async () => {
    built = await compileAll(PROGRAMS, work);
  });
  after(() => {
    runtime.close();
    rmSync(work, { recursive: true, force: true });
  });

  const sandbox = (name: string): WasiPreopen[] => {
    const host = path.join(work, `sandbox-${name}`);
    const ro = path.join(work, `ro-${name}`);
    mkdirSync(host);
    mkdirSync(ro);
    writeFileSync(path.join(ro, 'readme.txt'), 'read only');
    return [{ guest: '/sandbox', host }, { guest: '/ro', host: ro, readOnly: true }];
  };
  const module = (name: string): string => built.get(name) as string;

  const passes = (name: string, stdout: string, stderr: string, code: number | null): void => {
    assert.equal(code, 0, `${name} failed:\n${stderr}`);
    assert.match(stdout, /(^|\n)ok\n$/, `${name} printed:\n${stdout}\n${stderr}`);
  };

  void test('args and environment reach the guest exactly', async () => {
    const { exit, stdout, stderr } = await runGuest(runtime, {
      module: module('args_env'), args: ['args_env.wasm', 'first', 'sec ond'], env: { GREETING: 'hello', EMPTY: '' },
      limits: TEST_LIMITS,
    });
    passes('args_env', stdout, stderr, exit.code);
  });

  void test('clocks, random bytes and yield behave as specified', async () => {
    const { exit, stdout, stderr } = await runGuest(runtime, { module: module('clock_random'), limits: TEST_LIMITS });
    passes('clock_random', stdout, stderr, exit.code);
  });

  void test('proc_exit ends the guest with its code after its output', async () => {
    const { exit, stdout } = await runGuest(runtime, { module: module('proc_exit'), limits: TEST_LIMITS });
    assert.equal(exit.code, 42);
    assert.equal(exit.reason, undefined);
    assert.equal(stdout, 'before exit\n');
  });

  void test('standard streams: stdin in, stdout and stderr out, stream errors', async () => {
    const { exit, stdout, stderr } = await runGuest(runtime, {
      module: module('stdio'), stdin: new TextEncoder().encode('hello wasi\n'), limits: TEST_LIMITS,
    });
    passes('stdio', stdout, stderr, exit.code);
    assert.equal(stdout, 'HELLO WASI\nok\n');
    assert.equal(stderr, 'to stderr\n');
  });

  for (const name of ['fd_file_io', 'fd_dir', 'path_ops']) {
    void test(`${name}: every check against the specification holds`, async () => {
      const { exit, stdout, stderr } = await runGuest(runtime, { module: module(name), preopens: sandbox(name), limits: TEST_LIMITS });
      passes(name, stdout, stderr, exit.code);
    });
  }

  void test('stdin larger than the channel window arrives intact, whether given up front or streamed', async () => {
    const input = Buffer.alloc(300_000);
    for (let i = 0; i < input.length; i += 1) input[i] = 32 + ((i * 7919) % 95);
    const upFront = await runGuest(runtime, { module: module('echo_stdin'), stdin: input, limits: TEST_LIMITS });
    assert.equal(upFront.exit.code, 0);
    assert.equal(upFront.stdout, input.toString());
    const proc = runtime.spawn({ module: module('echo_stdin'), keepStdinOpen: true, limits: TEST_LIMITS });
    const chunks: Buffer[] = [];
    proc.on('stdout', (chunk) => chunks.push(Buffer.from(chunk)));
    for (let at = 0; at < input.length; at += 70_001) proc.write(input.subarray(at, at + 70_001));
    proc.end();
    assert.equal((await proc.exit).code, 0);
    assert.equal(Buffer.concat(chunks).toString(), input.toString());
  });

  void test('poll_oneoff waits on clocks and on stdin', async () => {
    let answered = false;
    const { exit, stdout, stderr } = await runGuest(
      runtime,
      { module: module('poll'), keepStdinOpen: true, limits: TEST_LIMITS },
      (soFar, proc) => {
        if (!answered && soFar.includes('waiting\n')) {
          answered = true;
          proc.write(new TextEncoder().encode('ping'));
          proc.end();
        }
      },
    );
    passes('poll', stdout, stderr, exit.code);
  });
});
