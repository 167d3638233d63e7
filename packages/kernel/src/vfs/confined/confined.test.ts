/**
 * Escape tests for ConfinedRoot: each plants a real trick on disk under a temporary directory (a secret
 * outside the root, a sibling root) and checks the confined operation refuses it, after checking that a
 * naive path join would indeed have escaped.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConfinedRoot, OPEN_APPEND, OPEN_READ, OPEN_WRITE } from './confined-root.ts';
import { assertRefused, makeEscapeFixture, readFd, SECRET, type EscapeFixture } from './escape-fixture.ts';

const C = fs.constants;

void describe('ConfinedRoot refuses every escape', () => {
  let fx: EscapeFixture;
  let root: ConfinedRoot;
  beforeEach(() => {
    fx = makeEscapeFixture();
    fs.mkdirSync(path.join(fx.root, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(fx.root, 'a', 'b', 'inside.txt'), 'inside');
    root = new ConfinedRoot(fx.root);
  });
  afterEach(() => {
    root.close();
    fx.cleanup();
  });

  void it('refuses .. in every position that would climb above the root', () => {
    const climbs = ['..', '../outside/secret', '/../outside/secret', 'a/../../outside/secret', 'a/b/../../../outside/secret',
      './../outside/secret', 'a/./b/../.././../outside/secret', 'a/b/../../..', '../root2/secret'];
    for (const climb of climbs) {
      assertRefused(() => root.open(climb, OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
      assertRefused(() => root.stat(climb), 'permission_denied', 'ENOTCAPABLE');
      assertRefused(() => root.mkdir(climb + '/x'), 'permission_denied', 'ENOTCAPABLE');
    }
    assert.equal(readFd(root.open('a/b/../b/./inside.txt', OPEN_READ)), 'inside');
    assert.equal(root.realpathInside('a/b/..'), '/a');
  });

  void it('reads absolute paths as paths inside the root, never on the host', () => {
    assertRefused(() => root.open('/etc/passwd', OPEN_READ), 'not_found', 'ENOENT');
    assertRefused(() => root.open(path.join(fx.outside, 'secret'), OPEN_READ), 'not_found', 'ENOENT');
    assert.equal(readFd(root.open('/a/b/inside.txt', OPEN_READ)), 'inside');
  });

  void it('refuses a symlink planted as a middle component pointing to /etc', () => {
    fs.symlinkSync('/etc', path.join(fx.root, 'etc'));
    assert.ok(fs.readFileSync(path.join(fx.root, 'etc', 'passwd')).length > 0, 'the naive join escapes');
    assertRefused(() => root.open('etc/passwd', OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.readdir('etc'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.stat('etc/passwd'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.open('etc/aether-planted', OPEN_WRITE), 'permission_denied', 'ENOTCAPABLE');
    assert.equal(fs.existsSync('/etc/aether-planted'), false);
  });

  void it('refuses symlinks to .. and to ../.. used as middle components', () => {
    fs.symlinkSync('..', path.join(fx.root, 'up'));
    fs.symlinkSync('../..', path.join(fx.root, 'a', 'up2'));
    fs.symlinkSync('../../..', path.join(fx.root, 'a', 'b', 'up3'));
    assert.equal(fs.readFileSync(path.join(fx.root, 'up', 'outside', 'secret'), 'utf8'), SECRET, 'the naive join escapes');
    for (const p of ['up/outside/secret', 'a/up2/outside/secret', 'a/b/up3/outside/secret', 'a/b/up3/root2/secret']) {
      assertRefused(() => root.open(p, OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
      assertRefused(() => root.open(p, OPEN_APPEND), 'permission_denied', 'ENOTCAPABLE');
    }
    assertRefused(() => root.readdir('up'), 'permission_denied', 'ENOTCAPABLE');
    assert.equal(fs.readFileSync(path.join(fx.outside, 'secret'), 'utf8'), SECRET);
  });

  void it('refuses symlinks into a sibling mount, relative, absolute or sharing the root path as a prefix', () => {
    fs.symlinkSync('../root2', path.join(fx.root, 'rel'));
    fs.symlinkSync(fx.sibling, path.join(fx.root, 'abs'));
    fs.symlinkSync(path.join(fx.sibling, 'secret'), path.join(fx.root, 'file'));
    for (const p of ['rel/secret', 'abs/secret', 'file']) {
      assertRefused(() => root.open(p, OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
    }
  });

  void it('refuses a last-component symlink to an outside file, and O_NOFOLLOW refuses any last symlink', () => {
    fs.symlinkSync(path.join(fx.outside, 'secret'), path.join(fx.root, 'link'));
    assertRefused(() => root.open('link', OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.open('link', OPEN_WRITE), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.open('link', C.O_RDONLY | C.O_NOFOLLOW), 'payload_invalid', 'ELOOP');
    assert.equal(root.lstat('link').isSymbolicLink(), true);
    assert.equal(fs.readFileSync(path.join(fx.outside, 'secret'), 'utf8'), SECRET);
  });

  void it('never creates or truncates a file outside through a symlinked directory', () => {
    fs.symlinkSync(fx.outside, path.join(fx.root, 'out'));
    assertRefused(() => root.open('out/secret', OPEN_WRITE), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.open('out/created', OPEN_WRITE), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.mkdir('out/dir'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.rename('a/b/inside.txt', 'out/moved'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.unlink('out/secret'), 'permission_denied', 'ENOTCAPABLE');
    assert.deepEqual(fs.readdirSync(fx.outside), ['secret']);
    assert.equal(fs.readFileSync(path.join(fx.outside, 'secret'), 'utf8'), SECRET);
  });

  void it('refuses a hardlink to a file outside, for reading and for writing', () => {
    fs.linkSync(path.join(fx.outside, 'secret'), path.join(fx.root, 'hard'));
    assert.equal(fs.readFileSync(path.join(fx.root, 'hard'), 'utf8'), SECRET, 'the naive read escapes');
    assertRefused(() => root.open('hard', OPEN_READ), 'permission_denied', 'EACCES');
    assertRefused(() => root.open('hard', OPEN_WRITE), 'permission_denied', 'EACCES');
    assertRefused(() => root.open('hard', OPEN_APPEND), 'permission_denied', 'EACCES');
    assert.equal(fs.readFileSync(path.join(fx.outside, 'secret'), 'utf8'), SECRET);
  });

  void it('cannot reach /proc/self/root by path or by symlink', () => {
    assertRefused(() => root.open('/proc/self/root/etc/passwd', OPEN_READ), 'not_found', 'ENOENT');
    fs.symlinkSync('/proc/self/root', path.join(fx.root, 'proot'));
    fs.symlinkSync('/proc/self/cwd', path.join(fx.root, 'pcwd'));
    fs.symlinkSync('/proc/self/fd', path.join(fx.root, 'pfd'));
    assertRefused(() => root.open('proot/etc/passwd', OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.readdir('pcwd'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.readdir('pfd'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.open('pfd/3', OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
  });

  void it('refuses device files, FIFOs and sockets, and a FIFO does not block the caller', async (t) => {
    fs.symlinkSync('/dev/zero', path.join(fx.root, 'zero'));
    assertRefused(() => root.open('zero', OPEN_READ), 'permission_denied', 'ENOTCAPABLE');
    execFileSync('mkfifo', [path.join(fx.root, 'fifo')]);
    assertRefused(() => root.open('fifo', OPEN_READ), 'permission_denied', 'EACCES');
    assertRefused(() => root.open('fifo', C.O_WRONLY), 'permission_denied');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(fx.root, 'sock'), resolve));
    try {
      assertRefused(() => root.open('sock', OPEN_READ), 'permission_denied');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    try {
      execFileSync('mknod', [path.join(fx.root, 'null'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      t.diagnostic('mknod is not permitted here; character-device case skipped');
      return;
    }
    assertRefused(() => root.open('null', OPEN_READ), 'permission_denied', 'EACCES');
    assertRefused(() => root.open('null', OPEN_WRITE), 'permission_denied', 'EACCES');
  });

  void it('refuses creating symlinks that are absolute or lead outside, and still refuses them if planted', () => {
    assertRefused(() => root.symlink('/etc', 'etc'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.symlink('../outside', 'out'), 'permission_denied', 'ENOTCAPABLE');
    assertRefused(() => root.symlink('../../../outside', 'a/b/out'), 'permission_denied', 'ENOTCAPABLE');
    root.symlink('../a', 'a/up');
    fs.renameSync(path.join(fx.root, 'a', 'up'), path.join(fx.root, 'moved'));
    assertRefused(() => root.readdir('moved'), 'permission_denied', 'ENOTCAPABLE');
  });
});
