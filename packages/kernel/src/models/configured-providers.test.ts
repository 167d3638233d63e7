/**
 * Providers from config and environment: the usual variables configure providers and win over the file,
 * OPENAI_BASE_URL alone points `openai` at a local Chat Completions server, named OpenAI-compatible
 * endpoints take their key from the variable they name, the default model is chosen as documented, and
 * a provider without a key is a configuration error that names the variable.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { BUILT_IN_DEFAULT_MODELS, type Environment, gatewayOptionsFromConfig } from './configured-providers.ts';
import { createModelGateway } from './create-model-gateway.ts';
import { type ModelsConfigInput, ModelsConfigSchema } from './models-config.ts';
import { type ProviderServer, startProviderServer } from './testing/provider-server.ts';
import { openaiChatWire } from './testing/wire-formats.ts';

const options = (config: ModelsConfigInput, env: Environment) => gatewayOptionsFromConfig(ModelsConfigSchema.parse(config), env);
const gatewayOf = (config: ModelsConfigInput, env: Environment) => createModelGateway(options(config, env));

let server: ProviderServer;
before(async () => {
  server = await startProviderServer();
});
after(() => server.close());

async function ask(config: ModelsConfigInput, env: Environment, model?: string) {
  server.requests.length = 0;
  server.reply({ kind: 'stream', events: openaiChatWire.stream({ text: ['ok'], usage: { input: 1, output: 1 } }) });
  const result = await gatewayOf(config, env).generate({
    agentId: 'agent:a',
    userId: 'user:u',
    messages: [{ role: 'user', text: 'hi' }],
    tools: [],
    signal: new AbortController().signal,
    ...(model === undefined ? {} : { model }),
  });
  const request = server.requests[0];
  assert.ok(request);
  return { result, request };
}

test('nothing configured: no providers, and the not_found names the variables to set', () => {
  const gateway = gatewayOf({}, {});
  assert.throws(() => gateway.resolveModel(), (error) => isKernelError(error, 'not_found') && /ANTHROPIC_API_KEY/.test(error.message));
});

test('one API key is enough: the provider and a built-in default model', () => {
  for (const [variable, provider] of [
    ['OPENAI_API_KEY', 'openai'],
    ['ANTHROPIC_API_KEY', 'anthropic'],
    ['GOOGLE_GENERATIVE_AI_API_KEY', 'google'],
  ] as const) {
    const built = options({}, { [variable]: 'key' });
    assert.deepEqual(Object.keys(built.providers), [provider]);
    assert.equal(built.defaultModel, `${provider}/${BUILT_IN_DEFAULT_MODELS[provider]}`);
  }
});

test('AETHER_MODEL wins over the file default, which wins over the first listed model', () => {
  const config = { default: 'openai/from-file', providers: { openai: { api_key: 'k', models: [{ id: 'listed' }] } } };
  assert.equal(options(config, { AETHER_MODEL: 'openai/from-env' }).defaultModel, 'openai/from-env');
  assert.equal(options(config, {}).defaultModel, 'openai/from-file');
  assert.equal(options({ providers: config.providers }, {}).defaultModel, 'openai/listed');
});

test('OPENAI_BASE_URL alone speaks Chat Completions to that server, without needing a key', async () => {
  const { result, request } = await ask({}, { OPENAI_BASE_URL: `${server.origin}/v1`, AETHER_MODEL: 'openai/llama3.1:8b' });
  assert.equal(result.text, 'ok');
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal((request.body as { model: string }).model, 'llama3.1:8b');
});

test('with a base URL and no AETHER_MODEL there is no guessed default', () => {
  assert.equal(options({}, { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_API_KEY: 'k' }).defaultModel, undefined);
});

test('the environment key overrides the file key and is sent as a bearer token', async () => {
  const config = { providers: { openai: { api_key: 'sk-file', base_url: `${server.origin}/v1` } } };
  const { request } = await ask(config, { OPENAI_API_KEY: 'sk-env' }, 'openai/gpt-4.1-mini');
  assert.equal(request.headers.authorization, 'Bearer sk-env');
});

test('a named OpenAI-compatible endpoint takes its key from the variable it names', async () => {
  const config = {
    providers: { vllm: { type: 'openai-compatible' as const, base_url: `${server.origin}/v1`, api_key_env: 'VLLM_KEY', max_concurrent: 2 } },
    fallbacks: {},
  };
  const { result, request } = await ask(config, { VLLM_KEY: 'vk-1' }, 'vllm/qwen/qwen3-8b');
  assert.equal(result.model, 'vllm/qwen/qwen3-8b');
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal(request.headers.authorization, 'Bearer vk-1');
  assert.equal((request.body as { model: string }).model, 'qwen/qwen3-8b');
});

test('a provider without a key, or an unknown kind without a type, is refused naming what to set', () => {
  assert.throws(
    () => options({ providers: { anthropic: {} } }, {}),
    (error) => isKernelError(error, 'payload_invalid') && /ANTHROPIC_API_KEY/.test(error.message),
  );
  assert.throws(() => options({ providers: { groq: { api_key: 'k' } } }, {}), (error) => isKernelError(error, 'payload_invalid') && /type/.test(error.message));
  assert.throws(() => options({ providers: { x: { type: 'openai-compatible', api_key: 'k' } } }, {}), /base_url/);
});

test('the schema rejects unknown keys and malformed model ids', () => {
  assert.equal(ModelsConfigSchema.safeParse({ providers: { openai: { apikey: 'k' } } }).success, false);
  assert.equal(ModelsConfigSchema.safeParse({ default: 'no-slash' }).success, false);
  assert.equal(ModelsConfigSchema.safeParse({ fallbacks: { 'openai/a': ['anthropic/b'] } }).success, true);
});

test('listed models carry their prices into ai.models', () => {
  const gateway = gatewayOf({ providers: { openai: { api_key: 'k', models: [{ id: 'gpt-4.1-mini', input_price_per_mtok: 0.4, output_price_per_mtok: 1.6 }] } } }, {});
  assert.deepEqual(gateway.models(), [{ id: 'openai/gpt-4.1-mini', provider: 'openai', inputPricePerMTok: 0.4, outputPricePerMTok: 1.6 }]);
});
