/**
 * Per-mount quotas at the edge: exactly the quota fits, one byte (or entry) more is `resource_exceeded`
 * before anything is written, freed space can be used again, and mounts do not share a quota.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { VfsService } from './vfs-service.ts';
import { makeVfs, userPrincipal, type VfsFixture } from './vfs-fixture.ts';

const alice = userPrincipal('alice');
const bob = userPrincipal('bob');

function exceeded(resource: 'bytes' | 'entries') {
  return (error: unknown): boolean => isKernelError(error, 'resource_exceeded') && error.details?.resource === resource;
}

void describe('VFS quotas', () => {
  let fx: VfsFixture;
  afterEach(() => fx.cleanup());

  void it('fits exactly the byte quota and refuses one byte more, leaving the file as it was', async () => {
    fx = makeVfs({ default: { bytes: 1000 } });
    await fx.vfs.write(alice, '/home/alice/a', Buffer.alloc(600));
    await fx.vfs.write(alice, '/home/alice/b', Buffer.alloc(400));
    assert.deepEqual((await fx.vfs.usage('/home/alice')).usage, { bytes: 1000, entries: 2 });
    await assert.rejects(fx.vfs.write(alice, '/home/alice/c', Buffer.alloc(1)), exceeded('bytes'));
    await assert.rejects(fx.vfs.write(alice, '/home/alice/b', Buffer.alloc(1), { append: true }), exceeded('bytes'));
    await assert.rejects(fx.vfs.write(alice, '/home/alice/b', Buffer.alloc(1), { offset: 400 }), exceeded('bytes'));
    await assert.rejects(fx.vfs.write(alice, '/home/alice/b', Buffer.alloc(401)), exceeded('bytes'));
    assert.equal((await fx.vfs.stat(alice, '/home/alice/b')).size, 400);
    await assert.rejects(fx.vfs.stat(alice, '/home/alice/c'), (e: unknown) => isKernelError(e, 'not_found'));
    await fx.vfs.write(alice, '/home/alice/b', Buffer.alloc(400, 1), { offset: 0 });
    await fx.vfs.write(alice, '/home/alice/b', Buffer.alloc(100));
    await fx.vfs.write(alice, '/home/alice/c', Buffer.alloc(300));
    assert.deepEqual((await fx.vfs.usage('/home/alice')).usage, { bytes: 1000, entries: 3 });
  });

  void it('counts entries, and deleting or overwriting by rename frees them', async () => {
    fx = makeVfs({ default: { entries: 3 } });
    await fx.vfs.mkdir(alice, '/home/alice/d');
    await fx.vfs.write(alice, '/home/alice/d/1', Buffer.from('1'));
    await fx.vfs.write(alice, '/home/alice/d/2', Buffer.from('2'));
    await assert.rejects(fx.vfs.write(alice, '/home/alice/d/3', Buffer.from('3')), exceeded('entries'));
    await assert.rejects(fx.vfs.mkdir(alice, '/home/alice/e'), exceeded('entries'));
    await assert.rejects(fx.vfs.mkdir(alice, '/home/alice/x/y/z', { recursive: true }), exceeded('entries'));
    await fx.vfs.rename(alice, '/home/alice/d/1', '/home/alice/d/2', { overwrite: true });
    await fx.vfs.write(alice, '/home/alice/d/3', Buffer.from('3'));
    await fx.vfs.delete(alice, '/home/alice/d', { recursive: true });
    assert.deepEqual((await fx.vfs.usage('/home/alice')).usage, { bytes: 0, entries: 0 });
    await fx.vfs.mkdir(alice, '/home/alice/x/y/z', { recursive: true });
  });

  void it('keeps one quota per mount, with per-mount overrides', async () => {
    fx = makeVfs({ default: { bytes: 10 }, mounts: { '/home/bob': { bytes: 20 } } });
    await fx.vfs.write(alice, '/home/alice/f', Buffer.alloc(10));
    await fx.vfs.write(bob, '/home/bob/f', Buffer.alloc(20));
    await assert.rejects(fx.vfs.write(bob, '/home/bob/g', Buffer.alloc(1)), exceeded('bytes'));
    assert.equal((await fx.vfs.usage('/home/bob')).quota.bytes, 20);
  });

  void it('measures usage already on disk, and again after forgetUsage', async () => {
    fx = makeVfs({ default: { bytes: 100 } });
    await fx.vfs.write(alice, '/home/alice/f', Buffer.alloc(90));
    const again = new VfsService({ dataDir: fx.dataDir, bus: fx.bus, quotas: { default: { bytes: 100 } } });
    try {
      await assert.rejects(again.write(alice, '/home/alice/g', Buffer.alloc(11)), exceeded('bytes'));
      await again.write(alice, '/home/alice/g', Buffer.alloc(10));
      await fx.vfs.write(alice, '/home/alice/f', Buffer.alloc(80));
      again.forgetUsage('/home/alice');
      assert.deepEqual((await again.usage('/home/alice')).usage, { bytes: 90, entries: 2 });
    } finally {
      again.close();
    }
  });
});
