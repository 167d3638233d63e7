import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';
import { metricsAllowed } from './basic-routes.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
});
after(() => daemon.dispose());

test('/health is 200 {"status":"ok"} without authentication and says nothing more', async () => {
  const response = await fetch(`${daemon.url}/health`);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '{"status":"ok"}');
});

test('/metrics on a loopback daemon is Prometheus text with gateway and bus figures', async () => {
  await fetch(`${daemon.url}/api/v1/kernel/status`, { method: 'POST' });
  const response = await fetch(`${daemon.url}/metrics`);
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.match(text, /aether_http_requests_total\{route="\/api\/v1\/kernel\/status",status="401"\} 1/);
  assert.match(text, /aether_errors_total\{code="unauthenticated",surface="http"\} 1/);
  assert.match(text, /aether_bus\{figure="clients"\}/);
  assert.match(text, /aether_ws_connections 0/);
});

test('/api/v1/openapi.json is served without authentication', async () => {
  const response = await fetch(`${daemon.url}/api/v1/openapi.json`);
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { openapi: string }).openapi, '3.1.0');
});

test('/metrics off loopback needs the metrics token or the admin token', () => {
  const metricsToken = 'm'.repeat(16) + 'etrics-token-0123456789abcdef';
  const admin = { verify: (token: string) => token === daemon.adminToken };
  assert.equal(metricsAllowed(true, undefined, undefined, undefined), true);
  assert.equal(metricsAllowed(false, undefined, admin, metricsToken), false);
  assert.equal(metricsAllowed(false, `Bearer ${metricsToken}`, admin, metricsToken), true);
  assert.equal(metricsAllowed(false, `Bearer ${daemon.adminToken}`, admin, undefined), true);
  assert.equal(metricsAllowed(false, 'Bearer guess', admin, metricsToken), false);
  assert.equal(metricsAllowed(false, `Basic ${metricsToken}`, admin, metricsToken), false);
});
