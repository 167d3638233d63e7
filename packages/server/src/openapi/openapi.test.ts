import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractRegistry, defineContract } from '@aether/kernel';
import { z } from 'zod';
import { openApiDocument } from './openapi.ts';

type Json = Record<string, unknown>;

const Node: z.ZodType<{ name: string; children: unknown[] }> = z.lazy(() => z.object({ name: z.string(), children: z.array(Node) }));

function registry(): ContractRegistry {
  const registry = new ContractRegistry();
  registry.register(
    defineContract({ topic: 'vfs:write', summary: 'Write a file.', request: z.object({ path: z.string(), content: z.string() }), reply: z.object({ bytes: z.number() }), capability: ({ path }) => `fs.write:${path}`, streams: ['vfs.changed'], idempotent: true }),
    () => Promise.resolve({ bytes: 0 }),
  );
  registry.register(
    defineContract({ topic: 'auth.login', summary: 'Log in.', request: z.object({ user: z.string() }), reply: z.object({ tree: Node }), capability: () => null, idempotent: false, public: true }),
    () => Promise.resolve({ tree: { name: 'a', children: [] } }),
  );
  registry.register(
    defineContract({ topic: 'tree.get', summary: 'A tree.', request: z.object({}), reply: Node, capability: () => null, idempotent: true }),
    () => Promise.resolve({ name: 'a', children: [] }),
  );
  return registry;
}

/** Every `$ref` in the document, which must all resolve inside it. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else refs(inner, out);
    }
  }
  return out;
}

function resolve(document: Json, pointer: string): unknown {
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], document);
}

test('every contract is a POST operation at its derived path, with its schemas', () => {
  const document = openApiDocument(registry().describe(), '1.2.3');
  assert.equal(document.openapi, '3.1.0');
  const paths = document.paths as Record<string, { post: Json }>;
  const write = paths['/api/v1/vfs:write']?.post;
  assert.equal(write?.operationId, 'vfs:write');
  assert.deepEqual(write?.['x-aether-streams'], ['vfs.changed']);
  const schema = ((write?.requestBody as Json).content as Record<string, { schema: Json }>)['application/json']?.schema;
  assert.deepEqual(schema?.required, ['path', 'content']);
  assert.equal('$schema' in (schema ?? {}), false);
});

test('public contracts need no security; others use bearer or session', () => {
  const document = openApiDocument(registry().describe(), '1');
  const paths = document.paths as Record<string, { post: Json }>;
  assert.deepEqual(paths['/api/v1/auth/login']?.post.security, []);
  assert.equal(paths['/api/v1/vfs:write']?.post.security, undefined);
  assert.deepEqual(document.security, [{ bearer: [] }, { session: [] }]);
});

test('every $ref resolves inside the document, recursive schemas included', () => {
  const document = openApiDocument(registry().describe(), '1');
  const all = refs(document);
  assert.ok(all.length > 1);
  for (const ref of all) assert.ok(resolve(document, ref) !== undefined, `dangling ${ref}`);
});
