/**
 * The standalone `wasi run` CLI: flags parsed as other WASI runtimes take them, and — run as a real
 * process on a clang-built probe — stdin, stdout, stderr, environment and preopens pass through, and the
 * process exits with the guest's own code (or 2 for a usage error, 124 at the wall-time limit).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseWasiArgs } from './cli.ts';
import { compileAll, skipWithoutClang } from './conformance/compile.ts';

const CLI = new URL('./cli.ts', import.meta.url).pathname;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], stdin: string, cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

void describe('wasi run: argument parsing', () => {
  void test('takes --dir HOST::GUEST, --dir HOST, --env NAME=VALUE and stops at the module', () => {
    const inv = parseWasiArgs(['run', '--dir', '/h/a::/a', '--dir=/h/b', '--env', 'A=1', '--env=B=x=y', 'prog.wasm', '--dir', 'z']);
    assert.deepEqual(inv.preopens, [{ host: '/h/a', guest: '/a' }, { host: '/h/b', guest: '/h/b' }]);
    assert.deepEqual(inv.env, { A: '1', B: 'x=y' });
    assert.equal(inv.file, 'prog.wasm');
    assert.deepEqual(inv.args, ['--dir', 'z']);
  });

  void test('accepts -- before a module whose name starts with a dash, and limit flags', () => {
    const inv = parseWasiArgs(['--wall-ms', '500', '--memory-mb=16', '--', '-odd.wasm', 'x']);
    assert.equal(inv.file, '-odd.wasm');
    assert.deepEqual(inv.args, ['x']);
    assert.equal(inv.limits.wallMs, 500);
    assert.equal(inv.limits.memoryBytes, 16 * 1024 * 1024);
  });
});

const skip = await skipWithoutClang();

void describe('wasi run: a real process', { skip }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aether-wasi-cli-'));
  let probe = '';
  let loop = '';
  before(async () => {
    const built = await compileAll(['cli_probe', 'attack_loop'], work);
    probe = built.get('cli_probe') as string;
    loop = built.get('attack_loop') as string;
    fs.mkdirSync(path.join(work, 'data'));
    fs.writeFileSync(path.join(work, 'data', 'present.txt'), 'x');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  void test('passes stdio, env and a mapped directory through and exits with the guest code', async () => {
    const result = await runCli(['run', '--dir', `${path.join(work, 'data')}::/mnt`, '--env', 'PROBE=on', probe, '/mnt'], 'from stdin\n', work);
    assert.equal(result.code, 7, result.stderr);
    assert.equal(result.stdout, 'from stdin\nPROBE=on\nentry present.txt\n');
    assert.equal(result.stderr, 'to stderr\n');
    assert.equal(fs.readFileSync(path.join(work, 'data', 'made.txt'), 'utf8'), 'made');
  });

  void test('a relative --dir is seen under its own name', async () => {
    const result = await runCli(['--dir', 'data', probe, 'data'], '', work);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stdout, /entry made\.txt\nentry present\.txt\n$/);
  });

  void test('exits 2 on a usage error and 124 at the wall-time limit', async () => {
    assert.equal((await runCli(['run', '--nonsense', probe], '', work)).code, 2);
    assert.equal((await runCli(['run', '--wall-ms', '1500', loop], '', work)).code, 124);
  });
});
