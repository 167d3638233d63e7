/**
 * Running the real `aetherd` and `aether` programs for tests: child processes on Node, with their own
 * data directory and credentials file, output captured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const AETHERD = path.join(ROOT, 'packages/server/src/main.ts');
export const AETHER = path.join(ROOT, 'packages/cli/src/main.ts');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** Standard output as bytes (for binary output). */
  bytes: Buffer;
}

export interface RunOptions {
  /** Working directory of the command. */
  cwd?: string;
  /** Called with standard error as it grows (to act on what a running command says). */
  onStderr?: (stderr: string) => void;
}

/** Runs `aether …` to completion, with `input` on standard input. */
export function runAether(args: readonly string[], env: NodeJS.ProcessEnv, input: string | Buffer = '', options: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AETHER, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout: bytes.toString('utf8'), stderr, bytes });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export interface Daemon {
  readonly process: ChildProcess;
  readonly url: string;
  readonly setupToken: string | undefined;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

/** Starts aetherd and resolves once it printed where it listens (and the setup token, on first run). */
export function startAetherd(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Daemon> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AETHERD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number>((done) => child.once('exit', (code) => done(code ?? -1)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /Aether listening on (\S+)/.exec(stdout)?.[1];
      if (url === undefined || !stdout.includes('Press Ctrl+C')) return;
      resolve({
        process: child,
        url,
        setupToken: /^\s+(aeset_\S+)$/m.exec(stdout)?.[1],
        output: () => stdout,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.stderr.resume();
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`aetherd exited with ${code} before listening: ${stdout}`)));
  });
}
