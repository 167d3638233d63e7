/**
 * The VFS end to end: a real test kernel with the `vfs:*` contracts registered, spoken to over the wire
 * protocol through the ingress. Users reach their own files only, quotas hold at the edge, every escape
 * attempt is answered with a correlated error, and the kernel answers the next request.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Envelope } from '../bus/envelope.ts';
import { startTestKernel, settle, type TestKernel, WireClient } from '../testing/kernel.ts';
import { MAX_CHUNK_BYTES } from './content.ts';
import { userPrincipal } from './vfs-fixture.ts';

const SECRET = 'SECRET-of-bob';

function ok(reply: Envelope): Record<string, unknown> {
  assert.ok(reply.topic.endsWith(':ack'), `expected an ack, got ${reply.topic} ${JSON.stringify(reply.payload)}`);
  return reply.payload ?? {};
}

function failed(reply: Envelope, code: string): Record<string, unknown> {
  assert.ok(reply.topic.endsWith(':error'), `expected an error, got ${reply.topic} ${JSON.stringify(reply.payload)}`);
  assert.equal(reply.payload?.code, code, JSON.stringify(reply.payload));
  return reply.payload ?? {};
}

void describe('VFS over the wire', () => {
  let kernel: TestKernel;
  let alice: WireClient;
  let bob: WireClient;
  let aliceHome: string;

  before(async () => {
    kernel = await startTestKernel({ vfs: { quotas: { mounts: { '/home/alice': { bytes: 2 * MAX_CHUNK_BYTES + 100 } } } } });
    alice = new WireClient(kernel, { principal: userPrincipal('alice') });
    bob = new WireClient(kernel, { principal: userPrincipal('bob') });
    ok(await bob.call('vfs:write', { path: '/home/bob/secret', content: SECRET }));
    ok(await alice.call('vfs:mkdir', { path: '/home/alice' }));
    aliceHome = path.join(kernel.config.data_dir, 'vfs', 'home', 'alice');
  });
  after(() => kernel.dispose());

  void it('lets a user write, read, list and stat their own home, text and binary', async () => {
    assert.deepEqual(ok(await alice.call('vfs:write', { path: '/home/alice/hello.txt', content: 'héllo' })).size, 6);
    const read = ok(await alice.call('vfs:read', { path: '/home/alice/hello.txt' }));
    assert.equal(read.content, 'héllo');
    assert.equal(read.eof, true);
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
    ok(await alice.call('vfs:write', { path: '/home/alice/bin', content: bytes.toString('base64'), encoding: 'base64' }));
    assert.equal(ok(await alice.call('vfs:read', { path: '/home/alice/bin', encoding: 'base64' })).content, bytes.toString('base64'));
    failed(await alice.call('vfs:read', { path: '/home/alice/bin' }), 'payload_invalid');
    const listed = ok(await alice.call('vfs:list', { path: '/home/alice' })).entries as { name: string }[];
    assert.deepEqual(listed.map((e) => e.name), ['bin', 'hello.txt']);
    assert.equal(ok(await alice.call('vfs:stat', { path: '/home/alice/bin' })).size, 6);
  });

  void it("denies another user's home with permission_denied", async () => {
    for (const topic of ['vfs:read', 'vfs:stat', 'vfs:list', 'vfs:delete', 'vfs:watch']) {
      const error = failed(await alice.call(topic, { path: '/home/bob/secret' }), 'permission_denied');
      assert.equal(JSON.stringify(error).includes(SECRET), false);
    }
    failed(await alice.call('vfs:write', { path: '/home/bob/x', content: 'x' }), 'permission_denied');
    failed(await alice.call('vfs:rename', { from: '/home/alice/hello.txt', to: '/home/bob/hello.txt' }), 'permission_denied');
  });

  void it('moves a file larger than one chunk in several calls, and holds the quota at the edge', async () => {
    ok(await alice.call('vfs:delete', { path: '/home/alice/hello.txt' }));
    ok(await alice.call('vfs:delete', { path: '/home/alice/bin' }));
    const big = Buffer.alloc(2 * MAX_CHUNK_BYTES + 100, 'a');
    for (let offset = 0; offset < big.length; offset += MAX_CHUNK_BYTES) {
      const chunk = big.subarray(offset, offset + MAX_CHUNK_BYTES).toString('base64');
      ok(await alice.call('vfs:write', { path: '/home/alice/big', content: chunk, encoding: 'base64', offset }));
    }
    failed(await alice.call('vfs:write', { path: '/home/alice/too-big', content: 'a'.repeat(MAX_CHUNK_BYTES + 1) }), 'payload_too_large');
    const parts: Buffer[] = [];
    for (let offset = 0, eof = false; !eof; ) {
      const reply = ok(await alice.call('vfs:read', { path: '/home/alice/big', encoding: 'base64', offset }));
      parts.push(Buffer.from(reply.content as string, 'base64'));
      offset += reply.bytes as number;
      eof = reply.eof as boolean;
    }
    assert.deepEqual(Buffer.concat(parts), big);
    const error = failed(await alice.call('vfs:write', { path: '/home/alice/one-more', content: 'x' }), 'resource_exceeded');
    assert.equal((error.details as Record<string, unknown>).resource, 'bytes');
    ok(await alice.call('vfs:delete', { path: '/home/alice/big' }));
    ok(await alice.call('vfs:write', { path: '/home/alice/one-more', content: 'x' }));
  });

  void it('refuses renames across mounts', async () => {
    ok(await alice.call('vfs:write', { path: '/home/alice/f', content: 'f' }));
    const error = failed(await alice.call('vfs:rename', { from: '/home/alice/f', to: '/shared/f' }), 'permission_denied');
    assert.match(String(error.error), /fs\.write:\/shared/);
  });

  void it('fails every escape attempt with a correlated error and keeps answering', async () => {
    fs.symlinkSync('/etc', path.join(aliceHome, 'etc-link'));
    fs.symlinkSync('../bob', path.join(aliceHome, 'bob-link'));
    fs.symlinkSync('/proc/self/root', path.join(aliceHome, 'proc-link'));
    fs.linkSync(path.join(kernel.config.data_dir, 'vfs', 'home', 'bob', 'secret'), path.join(aliceHome, 'hard'));
    const attempts: [string, Record<string, unknown>, string][] = [
      ['vfs:read', { path: '/home/alice/../bob/secret' }, 'permission_denied'],
      ['vfs:read', { path: '/home/alice/../../etc/passwd' }, 'permission_denied'],
      ['vfs:read', { path: '../etc/passwd' }, 'payload_invalid'],
      ['vfs:read', { path: '/home/alice/etc-link/passwd' }, 'permission_denied'],
      ['vfs:list', { path: '/home/alice/etc-link' }, 'permission_denied'],
      ['vfs:read', { path: '/home/alice/bob-link/secret' }, 'permission_denied'],
      ['vfs:write', { path: '/home/alice/bob-link/planted', content: 'x' }, 'permission_denied'],
      ['vfs:read', { path: '/home/alice/proc-link/etc/passwd' }, 'permission_denied'],
      ['vfs:read', { path: '/home/alice/proc/self/root/etc/passwd' }, 'not_found'],
      ['vfs:read', { path: '/home/alice/hard' }, 'permission_denied'],
      ['vfs:write', { path: '/home/alice/hard', content: 'x' }, 'permission_denied'],
      ['vfs:read', { path: '/home/alice/a\u0000b' }, 'payload_invalid'],
      ['vfs:read', { path: '/home/alice/%2e%2e/bob/secret' }, 'payload_invalid'],
      ['vfs:mkdir', { path: '/home/alice/etc-link/aether' }, 'permission_denied'],
      ['vfs:rename', { from: '/home/alice/f', to: '/home/alice/etc-link/f' }, 'permission_denied'],
      ['vfs:delete', { path: '/home/alice/bob-link/secret' }, 'permission_denied'],
    ];
    for (const [topic, payload, code] of attempts) {
      const reply = await alice.call(topic, payload);
      failed(reply, code);
      assert.equal(JSON.stringify(reply).includes(SECRET), false);
      assert.equal(JSON.stringify(reply).includes(kernel.config.data_dir), false, 'no host path leaks');
      assert.equal(ok(await alice.call('vfs:stat', { path: '/home/alice/f' })).size, 1, `kernel answers after ${topic}`);
    }
    assert.equal(fs.readFileSync(path.join(kernel.config.data_dir, 'vfs', 'home', 'bob', 'secret'), 'utf8'), SECRET);
    assert.equal(fs.existsSync('/etc/aether'), false);
  });

  void it('streams vfs.changed to a watcher on its own connection only', async () => {
    const watch = ok(await alice.call('vfs:watch', { path: '/home/alice', recursive: true }));
    ok(await alice.call('vfs:write', { path: '/home/alice/watched', content: 'w' }));
    ok(await bob.call('vfs:write', { path: '/home/bob/unwatched', content: 'u' }));
    await settle();
    const events = alice.received.filter((e) => e.topic === 'vfs.changed');
    assert.deepEqual(events.map((e) => [e.payload?.path, e.payload?.watchId]), [['/home/alice/watched', watch.watchId]]);
    assert.equal(bob.received.some((e) => e.topic === 'vfs.changed'), false);
    ok(await alice.call('vfs:unwatch', { watchId: watch.watchId }));
    failed(await bob.call('vfs:unwatch', { watchId: watch.watchId }), 'not_found');
  });
});
