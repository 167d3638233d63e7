/**
 * Test fixture for escape tests: a real temporary tree with a confined root, a secret outside it and a
 * sibling root beside it, so every attack runs against real files on disk.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isKernelError, type ErrorCode } from '../../contracts/errors.ts';

export const SECRET = 'SECRET-outside-the-root';

export interface EscapeFixture {
  /** Temporary directory holding everything below. */
  readonly base: string;
  /** Host directory of the confined root. */
  readonly root: string;
  /** A directory outside the root holding `secret`. */
  readonly outside: string;
  /** A sibling root (another user's mount) holding `secret`. */
  readonly sibling: string;
  cleanup(): void;
}

export function makeEscapeFixture(): EscapeFixture {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aether-confined-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  const sibling = path.join(base, 'root2');
  for (const dir of [root, outside, sibling]) fs.mkdirSync(dir);
  fs.writeFileSync(path.join(outside, 'secret'), SECRET);
  fs.writeFileSync(path.join(sibling, 'secret'), SECRET);
  return { base, root, outside, sibling, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** Asserts `fn` throws a KernelError with `code` (and `errno` when given). */
export function assertRefused(fn: () => unknown, code: ErrorCode, errno?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isKernelError(error), `expected a KernelError, got ${String(error)}`);
    assert.equal(error.code, code, `code for: ${error.message}`);
    if (errno !== undefined) assert.equal(error.details?.errno, errno, `errno for: ${error.message}`);
    return true;
  });
}

/** Reads a whole descriptor as text and closes it. */
export function readFd(fd: number): string {
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(65536);
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) chunks.push(Buffer.from(buffer.subarray(0, n)));
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
