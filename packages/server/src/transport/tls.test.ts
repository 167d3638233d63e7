import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ConfigSchema, createKernel, silentLogger } from '@aether/kernel';
import WebSocket from 'ws';
import { ServerOptionsSchema, serverOptionsFrom } from '../options.ts';
import { startServer } from '../server.ts';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';

const run = promisify(execFile);

let dir: string;
let pem: { cert: string; key: string } | undefined;
let skip: string | false = false;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aether-tls-'));
  try {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
    pem = { cert: await readFile(path.join(dir, 'cert.pem'), 'utf8'), key: await readFile(path.join(dir, 'key.pem'), 'utf8') };
  } catch {
    skip = 'openssl is not available to make a test certificate';
  }
});
after(() => rm(dir, { recursive: true, force: true }));

function get(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    }).once('error', reject);
  });
}

test('with a certificate the daemon serves HTTPS and WSS only, with HSTS', async (t) => {
  if (skip !== false || pem === undefined) return t.skip(skip || 'no certificate');
  const daemon: TestDaemon = await startTestDaemon({ server: { tls: pem } });
  try {
    assert.match(daemon.url, /^https:\/\//);
    const health = await get(`${daemon.url}/health`, pem.cert);
    assert.equal(health.status, 200);
    assert.match(String(health.headers['strict-transport-security']), /max-age/);
    const socket = new WebSocket(`${daemon.url.replace('https', 'wss')}/ws`, { ca: pem.cert, headers: { authorization: daemon.admin } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.terminate();
    await assert.rejects(fetch(`${daemon.url.replace('https', 'http')}/health`), 'plain HTTP is not served');
  } finally {
    await daemon.dispose();
  }
});

test('a non-loopback address without TLS is refused unless --insecure, before anything listens', async () => {
  const kernel = await createKernel(ConfigSchema.parse({ data_dir: path.join(dir, 'k'), host: '0.0.0.0', port: 0 }), { logger: silentLogger() });
  try {
    await assert.rejects(startServer(kernel, ServerOptionsSchema.parse({})), /refusing to listen on 0\.0\.0\.0 without TLS[\s\S]*--insecure/);
  } finally {
    await kernel.stop();
  }
});

test('TLS settings come from flags or the environment, both halves required', () => {
  assert.throws(() => serverOptionsFrom({ tlsCert: '/x.pem' }, {}), /both a certificate and a key/);
  assert.throws(() => serverOptionsFrom({}, { AETHER_TLS_CERT: '/nonexistent.pem', AETHER_TLS_KEY: '/nonexistent.key' }), /cannot read the TLS certificate/);
  assert.deepEqual(serverOptionsFrom({}, { AETHER_ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).allowed_origins, ['https://a.example', 'https://b.example']);
  assert.equal(serverOptionsFrom({ insecure: true }, {}).insecure, true);
});
