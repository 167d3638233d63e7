import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { stat } from 'node:fs/promises';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
});
after(() => daemon.dispose());

async function rpc(body: unknown, headers: Record<string, string> = { authorization: daemon.admin }): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${daemon.url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

test('a method is a topic and params its payload', async () => {
  const { status, body } = await rpc({ jsonrpc: '2.0', id: 7, method: 'kernel.status', params: {} });
  assert.equal(status, 200);
  assert.equal((body as { id: number }).id, 7);
  assert.equal((body as { result: { version: string } }).result.version, daemon.kernel.version);
});

test('errors carry a JSON-RPC code and the wire code in data.code', async () => {
  const denied = await rpc({ jsonrpc: '2.0', id: 'a', method: 'kernel.status' }, {});
  assert.deepEqual((denied.body as { error: { data: unknown } }).error.data, { code: 'unauthenticated' });
  const unknown = await rpc({ jsonrpc: '2.0', id: 1, method: 'no.such' });
  assert.equal((unknown.body as { error: { code: number } }).error.code, -32601);
  const invalid = await rpc({ jsonrpc: '2.0', id: 2, method: 'bus.subscribe', params: { pattern: 3 } });
  const error = (invalid.body as { error: { code: number; data: { code: string } } }).error;
  assert.equal(error.code, -32602);
  assert.equal(error.data.code, 'payload_invalid');
});

test('a batch is answered in one array; notifications are not answered', async () => {
  const { body } = await rpc([
    { jsonrpc: '2.0', id: 1, method: 'kernel.status' },
    { jsonrpc: '2.0', method: 'kernel.status' },
    { jsonrpc: '2.0', id: 2, method: 'nope' },
    { foo: 'bar' },
  ]);
  const answers = body as Array<{ id: unknown; result?: unknown; error?: { code: number } }>;
  assert.equal(answers.length, 3);
  assert.ok(answers.find((a) => a.id === 1)?.result);
  assert.equal(answers.find((a) => a.id === 2)?.error?.code, -32601);
  assert.equal(answers.find((a) => a.id === null)?.error?.code, -32600);
  const onlyNotifications = await rpc([{ jsonrpc: '2.0', method: 'kernel.status' }]);
  assert.equal(onlyNotifications.status, 204);
});

test('malformed bodies get the JSON-RPC parse and request errors', async () => {
  assert.equal(((await rpc('{not json')).body as { error: { code: number } }).error.code, -32700);
  assert.equal(((await rpc([])).body as { error: { code: number } }).error.code, -32600);
  assert.equal(((await rpc({ jsonrpc: '1.0', id: 1, method: 'kernel.status' })).body as { error: { code: number } }).error.code, -32600);
  assert.equal(((await rpc({ jsonrpc: '2.0', id: 1, method: 'kernel.status', params: [1] })).body as { error: { code: number } }).error.code, -32602);
  const tooMany = Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'kernel.status' }));
  assert.equal(((await rpc(tooMany)).body as { error: { code: number } }).error.code, -32600);
});

test('the local socket speaks line-delimited JSON-RPC as the operator, and only its owner can open it', async () => {
  const socketPath = daemon.server.socketPath;
  assert.ok(socketPath !== undefined);
  assert.equal((await stat(socketPath)).mode & 0o777, 0o600);
  const lines = await new Promise<string[]>((resolve, reject) => {
    const client = net.connect(socketPath);
    let text = '';
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => {
      text += chunk;
      const got = text.split('\n').filter((l) => l !== '');
      if (got.length === 3) {
        client.end();
        resolve(got);
      }
    });
    client.on('error', reject);
    client.write('{"jsonrpc":"2.0","id":1,"method":"kernel.status"}\n');
    client.write('garbage\n');
    client.write('[{"jsonrpc":"2.0","id":2,"method":"auth.nothing"}]\n');
  });
  const answers = lines.map((line) => JSON.parse(line) as { id: unknown; result?: { version: string }; error?: { code: number } } | Array<{ error: { code: number } }>);
  const status = answers.find((a) => !Array.isArray(a) && a.id === 1) as { result: { version: string } };
  assert.equal(status.result.version, daemon.kernel.version);
  assert.ok(answers.some((a) => !Array.isArray(a) && a.error?.code === -32700));
  assert.ok(answers.some((a) => Array.isArray(a) && a[0]?.error.code === -32601));
});
