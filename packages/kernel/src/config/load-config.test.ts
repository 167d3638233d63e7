import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { ConfigError, loadConfig } from './load-config.ts';

async function configFile(text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'aether-config-')), 'aether.yaml');
  await writeFile(file, text);
  return file;
}

test('defaults need no configuration at all', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 7700);
  assert.equal(config.data_dir, path.join(os.homedir(), '.aether'));
  assert.equal(config.database_url, undefined);
  assert.deepEqual(config.permissions, []);
});

test('the environment overrides the file and flags override both', async () => {
  const file = await configFile('port: 8000\nhost: 0.0.0.0\nrate_limits:\n  - { topic: vm.spawn, limit: 5, burst: 10, window_ms: 1000 }\n');
  const config = loadConfig({ file, env: { AETHER_PORT: '9000' }, flags: { host: '127.0.0.2' } });
  assert.equal(config.port, 9000);
  assert.equal(config.host, '127.0.0.2');
  assert.equal(config.rate_limits[0]?.burst, 10);
});

test('a bad value stops start-up with an error naming the key and its source', async () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => loadConfig({ env: { AETHER_PORT: 'eighty' } }), /port: .*AETHER_PORT.*\(from environment\)/],
    [() => loadConfig({ env: { AETHER_PORT: '70000' } }), /port: .*\(from environment\)/],
    [() => loadConfig({ env: { AETHER_DATABASE_URL: 'mysql://x' } }), /database_url: must be a postgres:\/\/ URL/],
  ];
  const file = await configFile('limits:\n  queue_limit: -1\n');
  cases.push([() => loadConfig({ file, env: {} }), /limits\.queue_limit: .*\(from file\)/]);
  const unknown = await configFile('prot: 80\n');
  cases.push([() => loadConfig({ file: unknown, env: {} }), /unknown key\(s\) prot/]);
  const notYaml = await configFile('port: [\n');
  cases.push([() => loadConfig({ file: notYaml, env: {} }), /not valid YAML/]);
  cases.push([() => loadConfig({ file: '/nonexistent/aether.yaml', env: {} }), /cannot read config file/]);
  for (const [load, message] of cases) {
    assert.throws(load, (thrown: unknown) => {
      assert.ok(thrown instanceof ConfigError && isKernelError(thrown, 'payload_invalid'));
      assert.match(thrown.message, message);
      return true;
    });
  }
});
