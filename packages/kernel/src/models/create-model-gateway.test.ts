/**
 * The gateway over the scripted model: a turn streams text and reasoning, returns tool calls without
 * running them, converts the conversation for the AI SDK, accounts usage, refuses empty tool schemas and
 * reports a missing provider or default model as `not_found`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { createModelGateway } from './create-model-gateway.ts';
import type { ModelCall, ModelDelta, ModelTool } from './model-gateway.ts';
import { scriptedGateway } from './testing/scripted-gateway.ts';

const echo: ModelTool = {
  name: 'echo',
  description: 'Repeats its input.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

function call(overrides: Partial<ModelCall> = {}): ModelCall {
  return {
    agentId: 'agent:a',
    userId: 'user:u',
    messages: [{ role: 'user', text: 'hello' }],
    tools: [echo],
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe('model gateway over the scripted model', () => {
  test('streams reasoning and text deltas and returns the whole turn', async () => {
    const { gateway } = scriptedGateway([{ reasoning: ['think', 'ing'], text: ['Hel', 'lo'], usage: { inputTokens: 7, outputTokens: 3 } }]);
    const deltas: ModelDelta[] = [];
    const result = await gateway.generate(call({ onDelta: (delta) => deltas.push(delta) }));
    assert.deepEqual(deltas, [
      { type: 'reasoning', text: 'think' },
      { type: 'reasoning', text: 'ing' },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
    ]);
    assert.equal(result.model, 'scripted/test');
    assert.equal(result.text, 'Hello');
    assert.equal(result.reasoning, 'thinking');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { inputTokens: 7, outputTokens: 3, costUsd: 0 });
  });

  test('returns tool calls with their parsed input and does not execute them', async () => {
    const { gateway } = scriptedGateway([{ toolCalls: [{ name: 'echo', input: { text: 'hi' } }, { id: 'x9', name: 'echo', input: { text: 'again' } }] }]);
    const result = await gateway.generate(call());
    assert.equal(result.finishReason, 'tool-calls');
    assert.deepEqual(result.toolCalls, [
      { id: 'call_1_1', name: 'echo', input: { text: 'hi' } },
      { id: 'x9', name: 'echo', input: { text: 'again' } },
    ]);
  });

  test('passes a call to an unknown tool through for the loop to answer with an error result', async () => {
    const { gateway } = scriptedGateway([{ toolCalls: [{ name: 'rm_rf', input: { path: '/' } }] }]);
    const result = await gateway.generate(call());
    assert.deepEqual(result.toolCalls.map((toolCall) => toolCall.name), ['rm_rf']);
  });

  test('sends the system prompt, the conversation and the tool schemas to the model', async () => {
    const { gateway, model } = scriptedGateway([{ text: 'done' }]);
    await gateway.generate(
      call({
        system: 'Be brief.',
        maxOutputTokens: 50,
        messages: [
          { role: 'user', text: 'echo hi' },
          { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'echo', input: { text: 'hi' } }] },
          { role: 'tool', callId: 'c1', name: 'echo', output: 'hi', isError: false },
        ],
      }),
    );
    const sent = model.calls[0];
    assert.ok(sent);
    assert.equal(sent.maxOutputTokens, 50);
    assert.deepEqual(
      sent.prompt.map((message) => message.role),
      ['system', 'user', 'assistant', 'tool'],
    );
    assert.deepEqual(sent.tools?.map((tool) => tool.type === 'function' && tool.inputSchema), [echo.inputSchema]);
    const toolMessage = sent.prompt[3];
    assert.equal(toolMessage?.role, 'tool');
    assert.deepEqual(toolMessage.content[0], {
      type: 'tool-result',
      toolCallId: 'c1',
      toolName: 'echo',
      output: { type: 'text', value: 'hi' },
      providerOptions: undefined,
    });
  });

  test('refuses a tool with an empty schema with payload_invalid before calling the model', async () => {
    const { gateway, model } = scriptedGateway([{ text: 'never' }]);
    for (const inputSchema of [{}, { type: 'string' }]) {
      await assert.rejects(gateway.generate(call({ tools: [{ name: 'bad', description: 'x', inputSchema }] })), (error) =>
        isKernelError(error, 'payload_invalid'),
      );
    }
    assert.equal(model.calls.length, 0);
  });

  test('accounts usage per agent, user and model', async () => {
    const { gateway } = scriptedGateway([{ usage: { inputTokens: 100, outputTokens: 10 } }, { usage: { inputTokens: 50, outputTokens: 5 } }], {
      providers: {},
    });
    await gateway.generate(call({ agentId: 'agent:a' }));
    await gateway.generate(call({ agentId: 'agent:b' }));
    assert.deepEqual(gateway.usage({ agentId: 'agent:b' }), [{ calls: 1, failures: 0, inputTokens: 50, outputTokens: 5, costUsd: 0 }]);
    assert.deepEqual(
      gateway.usage({ groupBy: ['user', 'model'] }),
      [{ userId: 'user:u', model: 'scripted/test', calls: 2, failures: 0, inputTokens: 150, outputTokens: 15, costUsd: 0 }],
    );
  });

  test('with no provider configured, fails at once with not_found naming what to set', async () => {
    const gateway = createModelGateway({ providers: {} });
    await assert.rejects(gateway.generate(call()), (error) => isKernelError(error, 'not_found') && /OPENAI_API_KEY/.test(error.message));
    assert.deepEqual(gateway.models(), []);
  });

  test('with providers but no default model, not_found says to set AETHER_MODEL', async () => {
    const { gateway } = scriptedGateway([], { defaultModel: undefined });
    await assert.rejects(gateway.generate(call()), (error) => isKernelError(error, 'not_found') && /AETHER_MODEL/.test(error.message));
    await assert.rejects(gateway.generate(call({ model: 'nowhere/x' })), (error) => isKernelError(error, 'not_found') && /nowhere/.test(error.message));
  });
});
