/**
 * Race tests for ConfinedRoot: a worker thread keeps swapping a directory (or a file) inside the root for a
 * symlink to a directory (or the secret) outside, for a bounded number of swaps, while this thread reads
 * and writes through the confined root. The secret must never be read, created next to, or overwritten.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { isKernelError } from '../../contracts/errors.ts';
import { ConfinedRoot, OPEN_READ, OPEN_WRITE } from './confined-root.ts';
import { makeEscapeFixture, readFd, SECRET, type EscapeFixture } from './escape-fixture.ts';

const SWAPS = 4000;
const MAX_ATTEMPTS = 20000;

/** Swaps `real` (a directory or file) and a symlink to `evil` at path `name`, until done or told to stop. */
const SWAPPER = `
const fs = require('node:fs');
const { workerData, parentPort } = require('node:worker_threads');
const { name, evil, swaps, flags } = workerData;
const parked = name + '.parked';
parentPort.postMessage('ready');
for (let i = 0; i < swaps && Atomics.load(flags, 0) === 0; i++) {
  fs.renameSync(name, parked);
  fs.symlinkSync(evil, name);
  fs.unlinkSync(name);
  fs.renameSync(parked, name);
}
Atomics.store(flags, 1, 1);
`;

interface RaceOutcome {
  attempts: number;
  successes: number;
}

/** Runs `attempt` repeatedly while a worker swaps `name` and a symlink to `evil`. */
async function race(name: string, evil: string, attempt: () => void): Promise<RaceOutcome> {
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(SWAPPER, { eval: true, workerData: { name, evil, swaps: SWAPS, flags } });
  const exited = new Promise<number>((resolve, reject) => {
    worker.once('exit', resolve);
    worker.once('error', reject);
  });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const outcome: RaceOutcome = { attempts: 0, successes: 0 };
  while (Atomics.load(flags, 1) === 0 && outcome.attempts < MAX_ATTEMPTS) {
    outcome.attempts += 1;
    try {
      attempt();
      outcome.successes += 1;
    } catch (error) {
      if (!isKernelError(error)) throw error;
      assert.ok(['not_found', 'permission_denied', 'payload_invalid'].includes(error.code), error.message);
    }
  }
  Atomics.store(flags, 0, 1);
  assert.equal(await exited, 0);
  return outcome;
}

void describe('ConfinedRoot under directory/symlink swap races', () => {
  let fx: EscapeFixture;
  let root: ConfinedRoot;
  beforeEach(() => {
    fx = makeEscapeFixture();
    fs.mkdirSync(path.join(fx.root, 'd'));
    fs.writeFileSync(path.join(fx.root, 'd', 'secret'), 'inside');
    fs.writeFileSync(path.join(fx.root, 'f'), 'inside');
    root = new ConfinedRoot(fx.root);
  });
  afterEach(() => {
    root.close();
    fx.cleanup();
  });

  void it('never reads the outside secret while a middle directory is swapped for a symlink', async (t) => {
    let seen = 0;
    const outcome = await race(path.join(fx.root, 'd'), fx.outside, () => {
      if (readFd(root.open('d/secret', OPEN_READ)) === SECRET) seen += 1;
    });
    t.diagnostic(`${outcome.attempts} reads, ${outcome.successes} succeeded`);
    assert.equal(seen, 0);
  });

  void it('never lists the outside directory while the directory itself is swapped', async (t) => {
    let seen = 0;
    const outcome = await race(path.join(fx.root, 'd'), fx.outside, () => {
      const names = root.readdir('d').map((entry) => entry.name);
      if (names.length !== 1 || names[0] !== 'secret') seen += 1;
      if (root.stat('d/secret').size === SECRET.length) seen += 1;
    });
    t.diagnostic(`${outcome.attempts} listings, ${outcome.successes} succeeded`);
    assert.equal(seen, 0);
  });

  void it('never reads the secret while the last component is swapped for a symlink to it', async (t) => {
    let seen = 0;
    const outcome = await race(path.join(fx.root, 'f'), path.join(fx.outside, 'secret'), () => {
      if (readFd(root.open('f', OPEN_READ)) === SECRET) seen += 1;
    });
    t.diagnostic(`${outcome.attempts} reads, ${outcome.successes} succeeded`);
    assert.equal(seen, 0);
  });

  void it('never creates, truncates or overwrites anything outside while writes race the swap', async (t) => {
    const outcome = await race(path.join(fx.root, 'd'), fx.outside, () => {
      const fd = root.open('d/secret', OPEN_WRITE);
      try {
        fs.writeSync(fd, 'written');
      } finally {
        fs.closeSync(fd);
      }
      fs.closeSync(root.open(`d/new-${Math.random().toString(36).slice(2)}`, OPEN_WRITE));
      root.mkdir(`d/dir-${Math.random().toString(36).slice(2)}`);
    });
    t.diagnostic(`${outcome.attempts} writes, ${outcome.successes} succeeded`);
    assert.deepEqual(fs.readdirSync(fx.outside), ['secret']);
    assert.equal(fs.readFileSync(path.join(fx.outside, 'secret'), 'utf8'), SECRET);
  });
});
