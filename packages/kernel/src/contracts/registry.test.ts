import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal } from '../security/principal.ts';
import { defineContract } from './contract.ts';
import { isKernelError } from './errors.ts';
import { ContractRegistry } from './registry.ts';

const write = defineContract({
  topic: 'vfs:write',
  summary: 'Write a file.',
  request: z.object({ path: z.string(), content: z.string().max(10) }),
  reply: z.object({ bytes: z.number() }),
  capability: ({ path }) => `fs.write:${path}`,
  streams: ['vfs.changed'],
  idempotent: true,
});

const context = (capabilities: string[]) => ({
  principal: makePrincipal('user', 'alice', CapabilitySet.of(capabilities)),
  requestId: 'r1',
  clientId: 'c1',
  signal: new AbortController().signal,
});

test('the capability is computed from the validated payload', async () => {
  const registry = new ContractRegistry();
  registry.register(write, ({ content }) => Promise.resolve({ bytes: content.length }));
  const reply = await registry.call('vfs:write', { path: '/home/alice/a.txt', content: 'hi' }, context(['fs.write:/home/alice/**']));
  assert.deepEqual(reply, { bytes: 2 });
  await assert.rejects(registry.call('vfs:write', { path: '/home/bob/a.txt', content: 'hi' }, context(['fs.write:/home/alice/**'])), (thrown) =>
    isKernelError(thrown, 'permission_denied') && /fs\.write:\/home\/bob\/a\.txt/.test(thrown.message),
  );
});

test('a denial is reported to the listener with what was missing', async () => {
  const denials: string[] = [];
  const registry = new ContractRegistry({ onDenial: (principal, topic, missing) => denials.push(`${principal.id} ${topic} ${missing}`) });
  registry.register(write, () => Promise.resolve({ bytes: 0 }));
  await assert.rejects(registry.call('vfs:write', { path: '/etc/passwd', content: '' }, context([])));
  assert.deepEqual(denials, ['user:alice vfs:write fs.write:/etc/passwd']);
});

test('invalid payloads are rejected before the capability check, with their issues', async () => {
  const registry = new ContractRegistry();
  registry.register(write, () => Promise.resolve({ bytes: 0 }));
  await assert.rejects(registry.call('vfs:write', { path: 1, content: 'x'.repeat(11) }, context(['*.*'])), (thrown) => {
    assert.ok(isKernelError(thrown, 'payload_invalid'));
    const issues = thrown.details?.issues as Array<{ path: string }>;
    assert.deepEqual(issues.map((issue) => issue.path).sort(), ['content', 'path']);
    return true;
  });
});

test('a contract is registered once and described with JSON Schemas', () => {
  const registry = new ContractRegistry();
  registry.register(write, () => Promise.resolve({ bytes: 0 }));
  assert.throws(() => registry.register(write, () => Promise.resolve({ bytes: 0 })), (thrown) => isKernelError(thrown, 'conflict'));
  const [descriptor] = registry.describe();
  assert.equal(descriptor?.topic, 'vfs:write');
  assert.deepEqual(descriptor?.streams, ['vfs.changed']);
  assert.deepEqual((descriptor?.request as { required: string[] }).required, ['path', 'content']);
  assert.equal((descriptor?.reply as { type: string }).type, 'object');
});

test('malformed declarations fail at definition time', () => {
  const base = { summary: 's', request: z.object({}), reply: z.object({}), capability: () => null, idempotent: true };
  assert.throws(() => defineContract({ ...base, topic: 'kernel.status:ack' }));
  assert.throws(() => defineContract({ ...base, topic: 'vm.error' }));
  assert.throws(() => defineContract({ ...base, topic: 'has space' }));
  assert.throws(() => defineContract({ ...base, topic: 'ok.topic', summary: ' ' }));
  assert.throws(() => defineContract({ ...base, topic: 'ok.topic', streams: ['bad stream'] }));
});
