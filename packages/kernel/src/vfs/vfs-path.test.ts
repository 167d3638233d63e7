/** VFS path normalisation, mount placement and the capability strings derived from paths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { isVirtual, place } from './mounts.ts';
import { fsCapability, normaliseVfsPath } from './vfs-path.ts';

void describe('VFS paths', () => {
  void it('normalises slashes, dots and .. lexically, never above /', () => {
    assert.equal(normaliseVfsPath('/'), '/');
    assert.equal(normaliseVfsPath('//home//alice/./docs/'), '/home/alice/docs');
    assert.equal(normaliseVfsPath('/home/alice/../bob/x'), '/home/bob/x');
    for (const bad of ['', 'home/alice', '/..', '/home/../../etc', '/a\0b', '/a\\b', '/a/*', '/a\nb', '/a%41', '/' + 'x'.repeat(256)]) {
      assert.throws(() => normaliseVfsPath(bad), (e: unknown) => isKernelError(e, 'payload_invalid'), bad);
    }
  });

  void it('places paths in mounts, virtual directories, or nowhere', () => {
    assert.deepEqual(place('/home/alice/docs/a.txt'), {
      kind: 'mount', mount: { kind: 'home', id: 'home/alice', path: '/home/alice', readOnly: false }, rel: '/docs/a.txt',
    });
    const shared = place('/shared');
    assert.equal(shared.kind === 'mount' && shared.rel, '/');
    const app = place('/apps/editor/index.html');
    assert.equal(app.kind === 'mount' && app.mount.readOnly, true);
    assert.equal(place('/workspaces').kind, 'virtual');
    assert.ok(isVirtual('/') && isVirtual('/home') && !isVirtual('/shared') && !isVirtual('/home/alice'));
    assert.throws(() => place('/etc/passwd'), (e: unknown) => isKernelError(e, 'not_found'));
  });

  void it('derives capabilities that a holder of the home tree passes and a neighbour does not', () => {
    const alice = CapabilitySet.of(['fs.*:/home/alice/**']);
    assert.equal(alice.check(fsCapability('read', normaliseVfsPath('/home/alice/100%'))).allowed, true);
    assert.equal(alice.check(fsCapability('write', '/home/alice', true)).allowed, true);
    assert.equal(alice.check(fsCapability('read', '/home/alice2/x')).allowed, false);
    assert.equal(alice.check(fsCapability('read', normaliseVfsPath('/home/alice/../bob/x'))).allowed, false);
    assert.equal(fsCapability('list', '/', true), 'fs.list:/**');
  });
});
