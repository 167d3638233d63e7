import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestDaemon, postJson, startTestDaemon } from '../testing/daemon.ts';
import { restPathOf } from './topic-path.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
});
after(() => daemon.dispose());

test('every contract in the registry has its REST route', async () => {
  for (const { topic } of daemon.kernel.registry.describe()) {
    const { status, body } = await postJson(daemon.url + restPathOf(topic), {});
    assert.notEqual(status, 404, `${topic} has no route`);
    assert.equal(typeof body.code === 'string' || status === 200, true);
  }
});

test('without credentials every non-public contract answers 401 unauthenticated', async () => {
  const closed = daemon.kernel.registry.describe().filter((c) => !c.public);
  assert.ok(closed.length > 0);
  for (const { topic } of closed) {
    const { status, body } = await postJson(daemon.url + restPathOf(topic), {});
    assert.equal(status, 401, topic);
    assert.equal(body.code, 'unauthenticated', topic);
  }
});

test('the admin token calls a contract and gets its reply', async () => {
  const { status, body } = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: daemon.admin });
  assert.equal(status, 200);
  assert.equal(body.version, daemon.kernel.version);
  assert.equal('_request_id' in body, false);
});

test('a forged bearer token is refused before any contract runs', async () => {
  for (const token of ['aet_forged', 'x'.repeat(64), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.', daemon.adminToken.slice(0, -1)]) {
    const { status, body, headers } = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: `Bearer ${token}` });
    assert.equal(status, 401);
    assert.equal(body.code, 'unauthenticated');
    assert.equal(headers.get('www-authenticate'), 'Bearer');
  }
  const basic = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: 'Basic YWRtaW46YWRtaW4=' });
  assert.equal(basic.status, 401);
});

test('an invalid payload is 400 payload_invalid with the schema issues', async () => {
  const { status, body } = await postJson(`${daemon.url}/api/v1/bus/subscribe`, { pattern: 'no spaces allowed' }, { authorization: daemon.admin });
  assert.equal(status, 400);
  assert.equal(body.code, 'payload_invalid');
  assert.ok(Array.isArray((body.details as { issues: unknown[] }).issues));
});

test('a body that is not JSON, not an object, or not sent as JSON is refused in the error shape', async () => {
  const url = `${daemon.url}/api/v1/kernel/status`;
  const broken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: daemon.admin }, body: '{"a":' });
  assert.equal(broken.status, 400);
  assert.equal(((await broken.json()) as { code: string }).code, 'payload_invalid');
  const array = await postJson(url, [1, 2], { authorization: daemon.admin });
  assert.equal(array.status, 400);
  assert.equal(array.body.code, 'payload_invalid');
  const form = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: daemon.admin }, body: 'a=1' });
  assert.equal(form.status, 415);
  assert.equal(((await form.json()) as { code: string }).code, 'payload_invalid');
});

test('an empty body is an empty payload', async () => {
  const response = await fetch(`${daemon.url}/api/v1/kernel/status`, { method: 'POST', headers: { authorization: daemon.admin } });
  assert.equal(response.status, 200);
});

test('an oversized body is 413 payload_too_large', async () => {
  const big = { pad: 'x'.repeat(daemon.kernel.config.limits.max_payload_bytes + 1) };
  const { status, body } = await postJson(`${daemon.url}/api/v1/kernel/status`, big, { authorization: daemon.admin });
  assert.equal(status, 413);
  assert.equal(body.code, 'payload_too_large');
});

test('an unknown route is 404 not_found pointing at the OpenAPI document', async () => {
  const { status, body } = await postJson(`${daemon.url}/api/v1/no/such/topic`, {}, { authorization: daemon.admin });
  assert.equal(status, 404);
  assert.equal(body.code, 'not_found');
  assert.match(String(body.error), /openapi\.json/);
});

test('responses carry security headers and no CORS grant for a foreign origin', async () => {
  const response = await fetch(`${daemon.url}/health`, { headers: { origin: 'https://evil.example' } });
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(response.headers.get('content-security-policy'));
  assert.equal(response.headers.get('access-control-allow-origin'), null);
});

test('a state-changing request from a foreign page is refused (CSRF), even without credentials', async () => {
  const { status, body } = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { origin: 'https://evil.example', authorization: daemon.admin });
  assert.equal(status, 403);
  assert.equal(body.code, 'permission_denied');
  const same = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { origin: daemon.url, authorization: daemon.admin });
  assert.equal(same.status, 200);
});

test('a body nesting absurdly deep is refused before it is parsed', async () => {
  const depth = 400_000;
  const response = await fetch(`${daemon.url}/api/v1/kernel/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: daemon.admin },
    body: `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { code: string }).code, 'payload_invalid');
});
