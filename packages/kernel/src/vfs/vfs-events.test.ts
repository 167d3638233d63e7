/**
 * `vfs.changed` events: every change is published with a per-path stream for triggers, and each watch
 * hears what lies under it, addressed to its own client, only while its principal may read the path.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Envelope } from '../bus/envelope.ts';
import { isKernelError } from '../contracts/errors.ts';
import { CHANGED_TOPIC } from './vfs-events.ts';
import { makeVfs, userPrincipal, type VfsFixture } from './vfs-fixture.ts';

const alice = userPrincipal('alice');
const bob = userPrincipal('bob');

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

void describe('vfs.changed events and watches', () => {
  let fx: VfsFixture;
  beforeEach(() => {
    fx = makeVfs();
  });
  afterEach(() => fx.cleanup());

  function listen(id?: string): Envelope[] {
    const seen: Envelope[] = [];
    const client = fx.bus.connect(id === undefined ? { onMessage: (e) => seen.push(e) } : { id, onMessage: (e) => seen.push(e) });
    if (id === undefined) client.subscribe(CHANGED_TOPIC);
    return seen;
  }

  void it('publishes every change with a per-path stream and sequence', async () => {
    const seen = listen();
    await fx.vfs.write(alice, '/home/alice/f', Buffer.from('1'));
    await fx.vfs.write(alice, '/home/alice/f', Buffer.from('22'));
    await fx.vfs.mkdir(alice, '/home/alice/d');
    await fx.vfs.rename(alice, '/home/alice/f', '/home/alice/d/f');
    await fx.vfs.delete(alice, '/home/alice/d', { recursive: true });
    await settle();
    const events = seen.map((e) => e.payload ?? {});
    assert.deepEqual(events.map((p) => [p.kind, p.path, p.type]), [
      ['created', '/home/alice/f', 'file'],
      ['modified', '/home/alice/f', 'file'],
      ['created', '/home/alice/d', 'directory'],
      ['renamed', '/home/alice/d/f', 'file'],
      ['deleted', '/home/alice/d', 'directory'],
    ]);
    assert.equal(events[1]?.size, 2);
    assert.equal(events[3]?.from, '/home/alice/f');
    assert.deepEqual([events[0]?._stream, events[0]?._seq, events[1]?._seq], ['vfs:/home/alice/f', 1, 2]);
  });

  void it('delivers to a watch what lies under it, addressed to its client, until unwatched', async () => {
    const mine = listen('client-a');
    const other = listen('client-b');
    const direct = fx.vfs.watch(alice, 'client-a', '/home/alice/docs');
    const deep = fx.vfs.watch(alice, 'client-a', '/home/alice', { recursive: true });
    await fx.vfs.write(alice, '/home/alice/docs/a', Buffer.from('a'), { createParents: true });
    await fx.vfs.write(alice, '/home/alice/docs/sub/b', Buffer.from('b'), { createParents: true });
    await settle();
    const heard = (watchId: string) => mine.filter((e) => e.payload?.watchId === watchId).map((e) => e.payload?.path);
    assert.deepEqual(heard(direct.id), ['/home/alice/docs', '/home/alice/docs/a', '/home/alice/docs/sub']);
    assert.deepEqual(heard(deep.id), ['/home/alice/docs', '/home/alice/docs/a', '/home/alice/docs/sub', '/home/alice/docs/sub/b']);
    assert.ok(mine.every((e) => e.to === 'client-a'));
    assert.equal(other.length, 0);
    fx.vfs.unwatch('client-a', deep.id);
    assert.throws(() => fx.vfs.unwatch('client-b', direct.id), (e: unknown) => isKernelError(e, 'not_found'));
    const before = mine.length;
    await fx.vfs.write(alice, '/home/alice/docs/sub/c', Buffer.from('c'));
    await settle();
    assert.equal(mine.length, before);
  });

  void it('needs read on the watched path, or on the whole tree for a recursive watch', () => {
    assert.throws(() => fx.vfs.watch(alice, 'client-a', '/home/bob'), (e: unknown) => isKernelError(e, 'permission_denied'));
    assert.throws(() => fx.vfs.watch(alice, 'client-a', '/', { recursive: true }), (e: unknown) => isKernelError(e, 'permission_denied'));
    const shared = fx.vfs.watch(bob, 'client-b', '/shared', { recursive: true });
    assert.equal(shared.path, '/shared');
  });

  void it('drops the watches of a client that went away and bounds watches per client', async () => {
    fx.vfs.watch(alice, 'gone-client', '/home/alice');
    for (let i = 0; i < 63; i++) fx.vfs.watch(alice, 'busy', `/home/alice/d${i}`);
    fx.vfs.watch(alice, 'busy', '/home/alice/last');
    assert.throws(() => fx.vfs.watch(alice, 'busy', '/home/alice/one-more'), (e: unknown) => isKernelError(e, 'resource_exceeded'));
    fx.vfs.dropClient('busy');
    fx.vfs.watch(alice, 'busy', '/home/alice/one-more');
    await fx.vfs.write(alice, '/home/alice/f', Buffer.from('f'));
  });
});
