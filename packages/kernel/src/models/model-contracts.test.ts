/**
 * The ai.* contracts through the contract registry: ai.generate needs `ai.generate:<model>` (the default
 * model's when none is named), bills the caller, and answers not_found when nothing is configured;
 * ai.models lists models and the default; ai.usage needs `ai.usage:<user>` or unscoped `ai.usage`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractRegistry } from '../contracts/registry.ts';
import { isKernelError } from '../contracts/errors.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal } from '../security/principal.ts';
import { createModelGateway } from './create-model-gateway.ts';
import type { AetherModelGateway } from './create-model-gateway.ts';
import { modelHandlers } from './model-contracts.ts';
import { scriptedGateway } from './testing/scripted-gateway.ts';

function registryFor(gateway: AetherModelGateway): ContractRegistry {
  const registry = new ContractRegistry();
  for (const { contract, handler } of modelHandlers(gateway)) registry.register(contract, handler);
  return registry;
}

const as = (capabilities: string[], kind: 'user' | 'token' = 'user') => ({
  principal: kind === 'user' ? makePrincipal('user', 'alice', CapabilitySet.of(capabilities)) : makePrincipal('token', 't1', CapabilitySet.of(capabilities), 'user:alice'),
  requestId: 'r1',
  clientId: 'c1',
  signal: new AbortController().signal,
});

const ask = { messages: [{ role: 'user', text: 'hi' }] };

test('ai.generate runs the default model for a caller holding its capability', async () => {
  const { gateway } = scriptedGateway([{ text: 'hello', usage: { inputTokens: 2, outputTokens: 1 } }]);
  const reply = await registryFor(gateway).call('ai.generate', ask, as(['ai.generate:scripted/*'], 'token'));
  assert.equal(reply.text, 'hello');
  assert.deepEqual(gateway.usage({ groupBy: ['agent', 'user'] }), [
    { agentId: 'token:t1', userId: 'user:alice', calls: 1, failures: 0, inputTokens: 2, outputTokens: 1, costUsd: 0 },
  ]);
});

test('ai.generate is denied without the model capability, naming the resolved model', async () => {
  const { gateway, model } = scriptedGateway([{ text: 'never' }]);
  await assert.rejects(
    registryFor(gateway).call('ai.generate', ask, as(['ai.generate:anthropic/*'])),
    (error) => isKernelError(error, 'permission_denied') && error.details?.missing === 'ai.generate:scripted/test',
  );
  assert.equal(model.calls.length, 0);
});

test('ai.generate with nothing configured answers not_found with what to set', async () => {
  const registry = registryFor(createModelGateway({ providers: {} }));
  await assert.rejects(registry.call('ai.generate', ask, as(['ai.generate:*'])), (error) => isKernelError(error, 'not_found') && /OPENAI_API_KEY/.test(error.message));
});

test('ai.generate refuses an empty tool schema with payload_invalid', async () => {
  const { gateway } = scriptedGateway([{ text: 'never' }]);
  const payload = { ...ask, tools: [{ name: 't', description: 'd', inputSchema: {} }] };
  await assert.rejects(registryFor(gateway).call('ai.generate', payload, as(['ai.generate:*'])), (error) => isKernelError(error, 'payload_invalid'));
});

test('ai.models lists the models and the default to any authenticated caller', async () => {
  const { gateway } = scriptedGateway([]);
  assert.deepEqual(await registryFor(gateway).call('ai.models', {}, as([])), {
    models: [{ id: 'scripted/test', provider: 'scripted' }],
    default: 'scripted/test',
  });
});

test("ai.usage: one's own usage with ai.usage:<user>, everyone's only with ai.usage", async () => {
  const { gateway } = scriptedGateway([{ usage: { inputTokens: 5, outputTokens: 5 } }]);
  const registry = registryFor(gateway);
  await registry.call('ai.generate', ask, as(['ai.generate:*']));
  const own = as(['ai.usage:user:alice']);
  const reply = await registry.call('ai.usage', { userId: 'user:alice', groupBy: ['model'] }, own);
  assert.deepEqual(reply.rows, [{ model: 'scripted/test', calls: 1, failures: 0, inputTokens: 5, outputTokens: 5, costUsd: 0 }]);
  await assert.rejects(registry.call('ai.usage', { userId: 'user:bob' }, own), (error) => isKernelError(error, 'permission_denied'));
  await assert.rejects(registry.call('ai.usage', {}, own), (error) => isKernelError(error, 'permission_denied'));
  assert.equal(((await registry.call('ai.usage', {}, as(['ai.usage']))).rows as unknown[]).length, 1);
});
