import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';

const DESK = 'https://desk.example.com';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon({ server: { allowed_origins: [DESK] } });
});
after(() => daemon.dispose());

function preflight(origin: string): Promise<Response> {
  return fetch(`${daemon.url}/api/v1/kernel/status`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
  });
}

test('an allowlisted origin gets a CORS grant with credentials and the CSRF header', async () => {
  const response = await preflight(DESK);
  assert.equal(response.headers.get('access-control-allow-origin'), DESK);
  assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /x-csrf-token/);
  const call = await fetch(`${daemon.url}/api/v1/kernel/status`, { method: 'POST', headers: { origin: DESK, authorization: daemon.admin } });
  assert.equal(call.status, 200);
  assert.equal(call.headers.get('access-control-allow-origin'), DESK);
});

test('any other origin gets no CORS grant (the browser keeps the answer from the page)', async () => {
  const response = await preflight('https://evil.example');
  assert.equal(response.headers.get('access-control-allow-origin'), null);
});
