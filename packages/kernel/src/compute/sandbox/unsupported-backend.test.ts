/**
 * Without a working bubblewrap there is no sandbox — and no fallback to running on the host: spawn is
 * `unsupported_backend`, the status says why, and the answer is decided once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isKernelError } from '../../contracts/errors.ts';
import { SandboxRuntime } from './sandbox-runtime.ts';

describe('sandbox without bubblewrap', () => {
  const scratch = mkdtemp(path.join(os.tmpdir(), 'aether-nobwrap-'));
  after(async () => rm(await scratch, { recursive: true, force: true }));

  it('refuses to spawn with unsupported_backend when bwrap is missing', async () => {
    const dir = await scratch;
    const runtime = new SandboxRuntime({ bwrapPath: path.join(dir, 'no-such-bwrap') });
    const marker = path.join(dir, 'ran-on-host');
    await assert.rejects(runtime.spawn({ argv: ['/usr/bin/touch', marker], workspace: { hostDir: dir } }), (e) => isKernelError(e, 'unsupported_backend'));
    await assert.rejects(rm(marker), { code: 'ENOENT' }, 'nothing ran on the host');
    const status = await runtime.status();
    assert.equal(status.available, false);
    assert.match(status.reason ?? '', /not installed/);
  });

  it('refuses a binary that is not bubblewrap', async () => {
    const runtime = new SandboxRuntime({ bwrapPath: '/bin/true' });
    await assert.rejects(runtime.spawn({ argv: ['/bin/true'], workspace: { hostDir: await scratch } }), (e) => isKernelError(e, 'unsupported_backend'));
  });

  it('decides once: the same answer without probing again', async () => {
    const runtime = new SandboxRuntime({ bwrapPath: path.join(await scratch, 'still-missing') });
    const first = await runtime.status();
    const second = await runtime.status();
    assert.deepEqual(first, second);
    assert.equal(second.available, false);
  });
});
