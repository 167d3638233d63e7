/**
 * Behaviour of ConfinedRoot inside its root: ordinary file work, symlinks that stay inside, read-only
 * roots, and the error model (KernelError code + POSIX errno, no host path in any message).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isKernelError, KernelError } from '../../contracts/errors.ts';
import { ConfinedRoot, OPEN_APPEND, OPEN_DIRECTORY, OPEN_READ, OPEN_WRITE } from './confined-root.ts';
import { assertRefused, makeEscapeFixture, readFd, type EscapeFixture } from './escape-fixture.ts';

const C = fs.constants;

function write(root: ConfinedRoot, guestPath: string, text: string, flags = OPEN_WRITE): void {
  const fd = root.open(guestPath, flags);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

void describe('ConfinedRoot inside its root', () => {
  let fx: EscapeFixture;
  let root: ConfinedRoot;
  beforeEach(() => {
    fx = makeEscapeFixture();
    root = new ConfinedRoot(fx.root);
  });
  afterEach(() => {
    root.close();
    fx.cleanup();
  });

  void it('creates, reads, appends, truncates, lists, renames and removes files and directories', () => {
    root.mkdir('docs');
    write(root, 'docs/a.txt', 'hello');
    write(root, 'docs/a.txt', ' world', OPEN_APPEND);
    assert.equal(readFd(root.open('docs/a.txt', OPEN_READ)), 'hello world');
    assert.equal(fs.readFileSync(path.join(fx.root, 'docs', 'a.txt'), 'utf8'), 'hello world');
    write(root, 'docs/a.txt', 'new');
    assert.equal(readFd(root.open('/docs//a.txt', OPEN_READ)), 'new');
    root.mkdir('docs/sub');
    assert.deepEqual(root.readdir('docs'), [{ name: 'a.txt', type: 'file' }, { name: 'sub', type: 'directory' }]);
    assert.equal(root.stat('docs/a.txt').size, 3);
    assert.equal(root.statBigInt('docs/a.txt').size, 3n);
    root.rename('docs/a.txt', 'docs/sub/b.txt');
    assert.equal(readFd(root.open('docs/sub/b.txt', OPEN_READ)), 'new');
    root.unlink('docs/sub/b.txt');
    root.rmdir('docs/sub');
    assert.deepEqual(root.readdir('/docs'), []);
    assert.deepEqual(root.readdir('/').map((e) => e.name), ['docs']);
  });

  void it('follows symlinks that stay inside, relative and absolute, and reports real paths', () => {
    root.mkdir('data');
    write(root, 'data/x', 'x');
    root.symlink('data', 'alias');
    root.symlink('../data/x', 'data/xlink');
    fs.symlinkSync(path.join(fx.root, 'data'), path.join(fx.root, 'absalias'));
    assert.equal(readFd(root.open('alias/x', OPEN_READ)), 'x');
    assert.equal(readFd(root.open('data/../data/xlink', OPEN_READ)), 'x');
    assert.equal(readFd(root.open('absalias/x', OPEN_READ)), 'x');
    assert.equal(root.realpathInside('alias/x'), '/data/x');
    assert.equal(root.realpathInside('absalias/../alias/.'), '/data');
    assert.equal(root.readlink('alias'), 'data');
    assert.equal(root.lstat('alias').isSymbolicLink(), true);
    assert.equal(root.stat('alias').isDirectory(), true);
    assert.ok(root.readdir('/').some((e) => e.name === 'alias' && e.type === 'symlink'));
  });

  void it('asks the guard with the path really reached, after symlinks, and stops when it throws', () => {
    root.mkdir('pub');
    root.mkdir('private');
    write(root, 'private/k', 'k');
    root.symlink('../private/k', 'pub/k');
    const seen: string[] = [];
    const guard = (real: string): void => {
      seen.push(real);
      if (real.startsWith('/private')) throw new KernelError('permission_denied', 'denied by guard');
    };
    assertRefused(() => root.open('pub/k', OPEN_READ, 0, guard), 'permission_denied');
    assert.deepEqual(seen, ['/private/k']);
    assert.equal(root.stat('pub', guard).isDirectory(), true);
    assertRefused(() => root.rename('pub/k', 'private/k2', guard), 'permission_denied');
    assert.equal(root.lstat('pub/k').isSymbolicLink(), true);
  });

  void it('lists entries with sizes and types without following symlinks', () => {
    write(root, 'f', 'four');
    root.mkdir('d');
    root.symlink('f', 'l');
    const entries = root.readdirStats('/');
    assert.deepEqual(entries.map((e) => [e.name, e.type]), [['d', 'directory'], ['f', 'file'], ['l', 'symlink']]);
    assert.equal(entries[1]!.size, 4);
    assert.ok(entries[1]!.mtimeMs > 0);
  });

  void it('refuses symlink loops with ELOOP', () => {
    root.symlink('b', 'a');
    root.symlink('a', 'b');
    assertRefused(() => root.open('a', OPEN_READ), 'payload_invalid', 'ELOOP');
    assertRefused(() => root.open('a/x', OPEN_READ), 'payload_invalid', 'ELOOP');
  });

  void it('maps failures to codes with the POSIX errno', () => {
    root.mkdir('d');
    write(root, 'd/f', 'f');
    assertRefused(() => root.open('missing', OPEN_READ), 'not_found', 'ENOENT');
    assertRefused(() => root.open('missing/x', OPEN_WRITE), 'not_found', 'ENOENT');
    assertRefused(() => root.mkdir('d'), 'conflict', 'EEXIST');
    assertRefused(() => root.open('d/f', OPEN_WRITE | C.O_EXCL), 'conflict', 'EEXIST');
    assertRefused(() => root.rmdir('d'), 'conflict', 'ENOTEMPTY');
    assertRefused(() => root.open('d', OPEN_WRITE), 'payload_invalid', 'EISDIR');
    assertRefused(() => root.unlink('d'), 'payload_invalid', 'EISDIR');
    assertRefused(() => root.open('d/f/x', OPEN_READ), 'payload_invalid', 'ENOTDIR');
    assertRefused(() => root.open('d/f', OPEN_DIRECTORY), 'payload_invalid', 'ENOTDIR');
    assertRefused(() => root.readdir('d/f'), 'payload_invalid', 'ENOTDIR');
    assertRefused(() => root.open('a\0b', OPEN_READ), 'payload_invalid', 'EINVAL');
    assertRefused(() => root.open('', OPEN_READ), 'not_found', 'ENOENT');
    assertRefused(() => root.open('x'.repeat(256), OPEN_READ), 'payload_invalid', 'ENAMETOOLONG');
    assertRefused(() => root.open('a/'.repeat(300), OPEN_READ), 'payload_invalid', 'ENAMETOOLONG');
    assertRefused(() => root.rmdir('/'), 'conflict', 'EBUSY');
    assertRefused(() => root.rename('/', 'x'), 'conflict', 'EBUSY');
    assertRefused(() => root.open('/', OPEN_WRITE), 'payload_invalid', 'EISDIR');
    try {
      root.open('d/missing', OPEN_READ);
      assert.fail('expected not_found');
    } catch (error) {
      assert.ok(isKernelError(error));
      assert.equal(error.message.includes(fx.base), false, 'no host path in the message');
      assert.equal(JSON.stringify(error.details).includes(fx.base), false, 'no host path in details');
    }
  });

  void it('a read-only root reads but refuses every change with EROFS', () => {
    root.mkdir('d');
    write(root, 'd/f', 'f');
    const ro = new ConfinedRoot(fx.root, { readOnly: true });
    try {
      assert.equal(readFd(ro.open('d/f', OPEN_READ)), 'f');
      assert.deepEqual(ro.readdir('d'), [{ name: 'f', type: 'file' }]);
      assertRefused(() => ro.open('d/f', OPEN_WRITE), 'permission_denied', 'EROFS');
      assertRefused(() => ro.open('d/f', C.O_RDWR), 'permission_denied', 'EROFS');
      assertRefused(() => ro.open('d/g', OPEN_APPEND), 'permission_denied', 'EROFS');
      assertRefused(() => ro.mkdir('e'), 'permission_denied', 'EROFS');
      assertRefused(() => ro.unlink('d/f'), 'permission_denied', 'EROFS');
      assertRefused(() => ro.rmdir('d'), 'permission_denied', 'EROFS');
      assertRefused(() => ro.rename('d/f', 'g'), 'permission_denied', 'EROFS');
      assertRefused(() => ro.symlink('d', 'l'), 'permission_denied', 'EROFS');
      assert.equal(readFd(root.open('d/f', OPEN_READ)), 'f');
    } finally {
      ro.close();
    }
  });

  void it('refuses a host root of / and accepts a host root reached through a symlink', () => {
    assert.throws(() => new ConfinedRoot('/'), TypeError);
    fs.symlinkSync(fx.root, path.join(fx.base, 'via-link'));
    const viaLink = new ConfinedRoot(path.join(fx.base, 'via-link'));
    try {
      assert.equal(viaLink.hostRoot, fx.root);
      write(viaLink, 'x', 'x');
      assert.equal(readFd(root.open('x', OPEN_READ)), 'x');
    } finally {
      viaLink.close();
    }
  });
});
