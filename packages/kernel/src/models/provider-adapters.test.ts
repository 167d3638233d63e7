/**
 * Provider adapter tests: the gateway, built from config as in production, talks to a local HTTP server
 * that replays each provider's real streaming wire format — OpenAI Chat Completions and Responses,
 * Anthropic Messages, Gemini streamGenerateContent. Each must stream deltas and return the tool call,
 * wait out a 429's retry-after and retry, retry a 500, turn a malformed stream into a structured error
 * (never a hang), and time out a stream that stalls.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { gatewayOptionsFromConfig } from './configured-providers.ts';
import { type AetherModelGateway, createModelGateway } from './create-model-gateway.ts';
import type { ModelDelta, ModelTool } from './model-gateway.ts';
import { type ModelsConfigInput, ModelsConfigSchema } from './models-config.ts';
import { type ProviderServer, startProviderServer } from './testing/provider-server.ts';
import { type WireFormat, type WireTurn, anthropicWire, geminiWire, openaiChatWire, openaiResponsesWire } from './testing/wire-formats.ts';

const echo: ModelTool = {
  name: 'echo',
  description: 'Repeats its input.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
};

interface Case {
  wire: WireFormat;
  model: string;
  path: RegExp;
  config: (origin: string) => ModelsConfigInput;
  env: Record<string, string>;
  /** Where the provider's request carries our tool's JSON Schema. */
  toolSchema: (body: unknown) => unknown;
  reasoning: boolean;
  /** Gemini sends no call ids; the SDK makes one up. */
  keepsCallId: boolean;
}

type Body = Record<string, unknown> & { tools: Array<Record<string, unknown>> };
const tools = (body: unknown): Body['tools'] => (body as Body).tools;

const cases: Case[] = [
  {
    wire: openaiChatWire,
    model: 'openai/gpt-4.1-mini',
    path: /^\/v1\/chat\/completions$/,
    config: (origin) => ({ providers: { openai: { base_url: `${origin}/v1` } } }),
    env: { OPENAI_API_KEY: 'sk-test' },
    toolSchema: (body) => (tools(body)[0]?.function as Record<string, unknown>).parameters,
    reasoning: false,
    keepsCallId: true,
  },
  {
    wire: openaiResponsesWire,
    model: 'openai/gpt-4.1-mini',
    path: /^\/v1\/responses$/,
    config: (origin) => ({ providers: { openai: { base_url: `${origin}/v1`, api: 'responses' } } }),
    env: { OPENAI_API_KEY: 'sk-test' },
    toolSchema: (body) => tools(body)[0]?.parameters,
    reasoning: false,
    keepsCallId: true,
  },
  {
    wire: anthropicWire,
    model: 'anthropic/claude-sonnet-4-5',
    path: /^\/v1\/messages$/,
    config: (origin) => ({ providers: { anthropic: { base_url: `${origin}/v1` } } }),
    env: { ANTHROPIC_API_KEY: 'sk-ant-test' },
    toolSchema: (body) => tools(body)[0]?.input_schema,
    reasoning: true,
    keepsCallId: true,
  },
  {
    wire: geminiWire,
    model: 'google/gemini-2.5-flash',
    path: /^\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/,
    config: (origin) => ({ providers: { google: { base_url: `${origin}/v1beta` } } }),
    env: { GOOGLE_GENERATIVE_AI_API_KEY: 'g-test' },
    toolSchema: (body) => (tools(body)[0]?.functionDeclarations as Array<Record<string, unknown>>)[0]?.parameters,
    reasoning: true,
    keepsCallId: false,
  },
];

const turn: WireTurn = {
  reasoning: ['Let me ', 'echo.'],
  text: ['Sure, ', 'echoing.'],
  toolCall: { id: 'call_42', name: 'echo', argumentChunks: ['{"text":', '"hi"}'] },
  usage: { input: 21, output: 9 },
};

for (const c of cases) {
  describe(`${c.wire.name} over a local server`, () => {
    let server: ProviderServer;
    let gateway: AetherModelGateway;
    let sleeps: number[];

    before(async () => {
      server = await startProviderServer();
    });
    after(() => server.close());
    beforeEach(() => {
      server.requests.length = 0;
      sleeps = [];
      const options = gatewayOptionsFromConfig(ModelsConfigSchema.parse({ ...c.config(server.origin), timeout_ms: 500 }), c.env);
      gateway = createModelGateway({
        ...options,
        defaultModel: c.model,
        random: () => 0.5,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      });
    });

    const generate = (onDelta?: (delta: ModelDelta) => void) =>
      gateway.generate({
        agentId: 'agent:a',
        userId: 'user:u',
        messages: [{ role: 'user', text: 'echo hi' }],
        tools: [echo],
        signal: new AbortController().signal,
        ...(onDelta === undefined ? {} : { onDelta }),
      });

    test('streams deltas and returns the tool call, the usage and the finish reason', async () => {
      server.reply({ kind: 'stream', events: c.wire.stream(turn) });
      const deltas: ModelDelta[] = [];
      const result = await generate((delta) => deltas.push(delta));
      assert.deepEqual(
        deltas.filter((delta) => delta.type === 'text').map((delta) => delta.text),
        ['Sure, ', 'echoing.'],
      );
      if (c.reasoning) assert.equal(result.reasoning, 'Let me echo.');
      assert.equal(result.text, 'Sure, echoing.');
      assert.equal(result.toolCalls.length, 1);
      assert.equal(result.toolCalls[0]?.name, 'echo');
      assert.deepEqual(result.toolCalls[0]?.input, { text: 'hi' });
      if (c.keepsCallId) assert.equal(result.toolCalls[0]?.id, 'call_42');
      assert.equal(result.finishReason, 'tool-calls');
      assert.deepEqual(result.usage, { inputTokens: 21, outputTokens: 9, costUsd: 0 });
      assert.equal(result.model, c.model);

      const [request] = server.requests;
      assert.ok(request);
      assert.match(request.path, c.path);
      const schema = c.toolSchema(request.body) as Record<string, unknown>;
      assert.equal(schema.type, 'object');
      assert.deepEqual(Object.keys(schema.properties as object), ['text']);
    });

    test('waits out a 429 for its retry-after, then succeeds', async () => {
      server.reply(
        { kind: 'error', status: 429, headers: { 'retry-after': '2' }, body: c.wire.errorBody(429, 'slow down') },
        { kind: 'stream', events: c.wire.stream(turn) },
      );
      const result = await generate();
      assert.equal(result.text, 'Sure, echoing.');
      assert.deepEqual(sleeps, [2000]);
      assert.equal(server.requests.length, 2);
    });

    test('retries a 500 with backoff, then succeeds', async () => {
      server.reply({ kind: 'error', status: 500, body: c.wire.errorBody(500, 'boom') }, { kind: 'stream', events: c.wire.stream(turn) });
      const result = await generate();
      assert.equal(result.toolCalls.length, 1);
      assert.equal(sleeps.length, 1);
      assert.equal(server.requests.length, 2);
    });

    test('gives up after the attempts with rate_limited when the 429s continue', async () => {
      const limited = { kind: 'error' as const, status: 429, headers: { 'retry-after': '1' }, body: c.wire.errorBody(429, 'slow down') };
      server.reply(limited, limited, limited);
      await assert.rejects(generate(), (error) => isKernelError(error, 'rate_limited') && error.details?.status === 429);
      assert.equal(server.requests.length, 3);
    });

    test('turns a malformed stream into a structured error instead of hanging', async () => {
      server.reply({ kind: 'stream', events: c.wire.malformed() });
      await assert.rejects(generate(), (error) => isKernelError(error, 'internal_error') && error.details?.reason === 'malformed');
      const usage = gateway.usage({ model: c.model });
      assert.equal(usage[0]?.failures, 1);
    });

    test('treats a stream cut off after its first text as malformed, not as a short answer', async () => {
      const events = c.wire.stream({ text: ['Hel', 'lo'], usage: { input: 1, output: 2 } });
      const cut = events.findIndex((text) => text.includes('"Hel"'));
      server.reply({ kind: 'stream', events: events.slice(0, cut + 1) });
      await assert.rejects(generate(), (error) => isKernelError(error, 'internal_error') && error.details?.reason === 'malformed');
    });

    test('times out a stream that stalls, then retries', async () => {
      const events = c.wire.stream(turn);
      server.reply({ kind: 'stream', events: events.slice(0, 1), hang: true }, { kind: 'stream', events });
      const result = await generate();
      assert.equal(result.text, 'Sure, echoing.');
      assert.equal(server.requests.length, 2);
    });
  });
}
