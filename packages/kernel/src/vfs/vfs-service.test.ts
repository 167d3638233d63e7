/**
 * VfsService behaviour over real disk: own files, other people's files, shared and read-only mounts,
 * binary content, chunked transfer, directory work, renames, and symlinks that would bend a capability.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isKernelError, type ErrorCode } from '../contracts/errors.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal } from '../security/principal.ts';
import { admin, makeVfs, userPrincipal, type VfsFixture } from './vfs-fixture.ts';

const alice = userPrincipal('alice');
const bob = userPrincipal('bob');

async function rejects(promise: Promise<unknown>, code: ErrorCode, errno?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isKernelError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (errno !== undefined) assert.equal(error.details?.errno, errno, error.message);
    return true;
  });
}

void describe('VfsService', () => {
  let fx: VfsFixture;
  beforeEach(() => {
    fx = makeVfs();
  });
  afterEach(() => fx.cleanup());

  void it('names a missing file by its whole VFS path, in a fresh home and in a used one', async () => {
    const named = (full: string) => (error: unknown) => isKernelError(error, 'not_found') && error.message.endsWith(`: ${full}`) && error.details?.path === full;
    await assert.rejects(fx.vfs.read(alice, '/home/alice/summary.md'), named('/home/alice/summary.md'));
    await fx.vfs.write(alice, '/home/alice/notes.txt', Buffer.from('hello'));
    await assert.rejects(fx.vfs.read(alice, '/home/alice/summary.md'), named('/home/alice/summary.md'));
    await assert.rejects(fx.vfs.stat(alice, '/home/alice/a/b.txt'), named('/home/alice/a/b.txt'));
    await assert.rejects(fx.vfs.delete(alice, '/home/alice/gone'), named('/home/alice/gone'));
  });

  void it('lets a user write, read, stat and list their own home, stored under the data directory', async () => {
    const written = await fx.vfs.write(alice, '/home/alice/notes.txt', Buffer.from('hello'));
    assert.deepEqual(written, { size: 5, bytes: 5, created: true });
    assert.equal((await fx.vfs.read(alice, '/home/alice/notes.txt')).data.toString(), 'hello');
    assert.equal(fs.readFileSync(path.join(fx.dataDir, 'vfs', 'home', 'alice', 'notes.txt'), 'utf8'), 'hello');
    const stat = await fx.vfs.stat(alice, '/home/alice/notes.txt');
    assert.equal(stat.type, 'file');
    assert.equal(stat.size, 5);
    const { entries } = await fx.vfs.list(alice, '/home/alice');
    assert.deepEqual(entries.map((e) => [e.path, e.type, e.size]), [['/home/alice/notes.txt', 'file', 5]]);
  });

  void it("denies a user another user's home, whatever the spelling", async () => {
    await fx.vfs.write(bob, '/home/bob/secret', Buffer.from('bob'));
    for (const p of ['/home/bob/secret', '/home/alice/../bob/secret', '//home/bob//secret']) {
      await rejects(fx.vfs.read(alice, p), 'permission_denied');
      await rejects(fx.vfs.write(alice, p, Buffer.from('x')), 'permission_denied');
      await rejects(fx.vfs.delete(alice, p), 'permission_denied');
    }
    await rejects(fx.vfs.list(alice, '/home/bob'), 'permission_denied');
    await rejects(fx.vfs.rename(alice, '/home/bob/secret', '/home/alice/stolen'), 'permission_denied');
    assert.equal((await fx.vfs.read(bob, '/home/bob/secret')).data.toString(), 'bob');
  });

  void it('lists virtual directories showing only the mounts the caller may list', async () => {
    await fx.vfs.write(bob, '/home/bob/x', Buffer.from('x'));
    await fx.vfs.write(alice, '/home/alice/x', Buffer.from('x'));
    assert.deepEqual((await fx.vfs.list(alice, '/')).entries.map((e) => e.name), ['apps', 'home', 'shared', 'workspaces']);
    assert.deepEqual((await fx.vfs.list(alice, '/home')).entries.map((e) => e.path), ['/home/alice']);
    assert.deepEqual((await fx.vfs.list(admin, '/home')).entries.map((e) => e.path), ['/home/alice', '/home/bob']);
    assert.equal((await fx.vfs.stat(alice, '/home')).type, 'directory');
  });

  void it('shows a new user an empty home before the first write', async () => {
    assert.deepEqual((await fx.vfs.list(alice, '/home/alice')).entries, []);
    await rejects(fx.vfs.list(alice, '/shared'), 'not_found');
  });

  void it('keeps /shared read-only for users and /apps read-only for everyone', async () => {
    await fx.vfs.write(admin, '/shared/readme', Buffer.from('shared'));
    assert.equal((await fx.vfs.read(alice, '/shared/readme')).data.toString(), 'shared');
    await rejects(fx.vfs.write(alice, '/shared/readme', Buffer.from('x')), 'permission_denied');
    await rejects(fx.vfs.write(admin, '/apps/editor/index.html', Buffer.from('x')), 'permission_denied', 'EROFS');
    fs.mkdirSync(path.join(fx.dataDir, 'vfs', 'apps', 'editor'), { recursive: true });
    fs.writeFileSync(path.join(fx.dataDir, 'vfs', 'apps', 'editor', 'index.html'), '<html>');
    assert.equal((await fx.vfs.read(admin, '/apps/editor/index.html')).data.toString(), '<html>');
    await rejects(fx.vfs.write(admin, '/apps/editor/index.html', Buffer.from('x')), 'permission_denied', 'EROFS');
    await rejects(fx.vfs.delete(admin, '/apps/editor/index.html'), 'permission_denied', 'EROFS');
    assert.equal((await fx.vfs.stat(admin, '/apps/editor/index.html')).readOnly, true);
  });

  void it('keeps binary content byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await fx.vfs.write(alice, '/home/alice/bin', bytes);
    assert.deepEqual((await fx.vfs.read(alice, '/home/alice/bin')).data, bytes);
  });

  void it('moves a large file in chunks with offset and append', async () => {
    const big = Buffer.alloc(300_000, 7);
    big.write('end', big.length - 3);
    await fx.vfs.write(alice, '/home/alice/big', big.subarray(0, 100_000));
    await fx.vfs.write(alice, '/home/alice/big', big.subarray(100_000, 200_000), { append: true });
    await fx.vfs.write(alice, '/home/alice/big', big.subarray(200_000), { offset: 200_000 });
    const parts: Buffer[] = [];
    for (let offset = 0; ; ) {
      const { data, size } = await fx.vfs.read(alice, '/home/alice/big', { offset, length: 65_536 });
      parts.push(data);
      offset += data.length;
      if (offset >= size) break;
    }
    assert.deepEqual(Buffer.concat(parts), big);
    await rejects(fx.vfs.write(alice, '/home/alice/big', Buffer.from('x'), { append: true, offset: 1 }), 'payload_invalid');
  });

  void it('makes, lists, renames and deletes directories, refusing what POSIX refuses', async () => {
    assert.equal(await fx.vfs.mkdir(alice, '/home/alice/a/b/c', { recursive: true }), true);
    assert.equal(await fx.vfs.mkdir(alice, '/home/alice/a/b/c'), false);
    await rejects(fx.vfs.mkdir(alice, '/home/alice/x/y'), 'not_found', 'ENOENT');
    await fx.vfs.write(alice, '/home/alice/a/b/c/f', Buffer.from('f'));
    await fx.vfs.write(alice, '/home/alice/deep/er/g', Buffer.from('g'), { createParents: true });
    await rejects(fx.vfs.write(alice, '/home/alice/a/b/c/f', Buffer.from('f'), { exclusive: true }), 'conflict', 'EEXIST');
    await rejects(fx.vfs.delete(alice, '/home/alice/a'), 'conflict', 'ENOTEMPTY');
    await fx.vfs.rename(alice, '/home/alice/a', '/home/alice/z');
    assert.equal((await fx.vfs.read(alice, '/home/alice/z/b/c/f')).data.toString(), 'f');
    await fx.vfs.write(alice, '/home/alice/t', Buffer.from('t'));
    await rejects(fx.vfs.rename(alice, '/home/alice/deep/er/g', '/home/alice/t'), 'conflict', 'EEXIST');
    await fx.vfs.rename(alice, '/home/alice/deep/er/g', '/home/alice/t', { overwrite: true });
    assert.equal((await fx.vfs.read(alice, '/home/alice/t')).data.toString(), 'g');
    await fx.vfs.delete(alice, '/home/alice/z', { recursive: true });
    await rejects(fx.vfs.stat(alice, '/home/alice/z'), 'not_found');
    await rejects(fx.vfs.delete(alice, '/home/alice'), 'conflict', 'EBUSY');
    await rejects(fx.vfs.read(alice, '/home/alice/deep'), 'payload_invalid', 'EISDIR');
  });

  void it('gives a sandbox the host directory of a mount the caller holds entirely', () => {
    const home = fx.vfs.hostDirOf(alice, '/home/alice/sub', { action: 'write', create: true });
    assert.deepEqual(home, { mountPath: '/home/alice', hostDir: path.join(fx.dataDir, 'vfs', 'home', 'alice'), readOnly: false });
    assert.equal(fs.statSync(home.hostDir).isDirectory(), true);
    assert.equal(fx.vfs.hostDirOf(alice, '/shared'), undefined);
    assert.throws(() => fx.vfs.hostDirOf(alice, '/shared', { action: 'write' }), (e: unknown) => isKernelError(e, 'permission_denied'));
    assert.throws(() => fx.vfs.hostDirOf(alice, '/home/bob'), (e: unknown) => isKernelError(e, 'permission_denied'));
  });

  void it('refuses renames across mounts', async () => {
    const both = userPrincipal('alice', ['fs.*:/workspaces/a1/**']);
    await fx.vfs.write(both, '/home/alice/f', Buffer.from('f'));
    await rejects(fx.vfs.rename(both, '/home/alice/f', '/workspaces/a1/f'), 'payload_invalid', 'EXDEV');
    assert.equal((await fx.vfs.read(both, '/home/alice/f')).data.toString(), 'f');
  });

  void it('checks the capability of the path a symlink really reaches', async () => {
    const narrow = userPrincipal('carol', []);
    const pubOnly = makePrincipal('agent', 'pub', CapabilitySet.of(['fs.*:/home/carol/pub/**']));
    await fx.vfs.write(narrow, '/home/carol/private/key', Buffer.from('key'), { createParents: true });
    await fx.vfs.mkdir(narrow, '/home/carol/pub');
    fs.symlinkSync('../private', path.join(fx.dataDir, 'vfs', 'home', 'carol', 'pub', 'door'));
    assert.equal((await fx.vfs.read(narrow, '/home/carol/pub/door/key')).data.toString(), 'key');
    await rejects(fx.vfs.read(pubOnly, '/home/carol/pub/door/key'), 'permission_denied');
    await rejects(fx.vfs.write(pubOnly, '/home/carol/pub/door/key', Buffer.from('x')), 'permission_denied');
    await rejects(fx.vfs.list(pubOnly, '/home/carol/pub/door'), 'permission_denied');
    fs.symlinkSync('/etc', path.join(fx.dataDir, 'vfs', 'home', 'carol', 'etc'));
    await rejects(fx.vfs.read(narrow, '/home/carol/etc/passwd'), 'permission_denied', 'ENOTCAPABLE');
    fs.symlinkSync('../bob', path.join(fx.dataDir, 'vfs', 'home', 'carol', 'bob'));
    await rejects(fx.vfs.list(narrow, '/home/carol/bob'), 'permission_denied', 'ENOTCAPABLE');
  });
});
