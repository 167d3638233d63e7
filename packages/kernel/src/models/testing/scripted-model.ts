/**
 * The scripted model: the one allowed stand-in for a real provider (DESIGN §6). It is the AI SDK's own mock
 * language model playing a list of turns, so the gateway's real code path (streamText with tools, the
 * stream integrity check, retries, fallbacks, budgets) runs. Deterministic: no timers; a turn can wait on a
 * promise the test controls. Each model call consumes the next turn; running out is an error.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart, LanguageModelV3StreamResult } from '@ai-sdk/provider';
import { APICallError, JSONParseError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { GatewayProvider } from '../gateway-options.ts';

export interface ScriptedTurn {
  /** Streamed as one delta, or one delta per element. */
  text?: string | readonly string[];
  reasoning?: string | readonly string[];
  toolCalls?: ReadonlyArray<{ id?: string; name: string; input: unknown }>;
  /** Defaults: 10 input tokens, 5 output tokens. */
  usage?: { inputTokens?: number; outputTokens?: number };
  finishReason?: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'other';
  /**
   * Fail this turn the way a provider would: `rate_limited` is an HTTP 429 (with `retryAfterMs` as the
   * retry-after-ms header, when given), `server_error` an HTTP 500, `malformed` a stream that breaks off
   * with a parse error after its first text delta.
   */
  error?: 'rate_limited' | 'server_error' | 'malformed';
  retryAfterMs?: number;
  /** The turn starts streaming only once this settles (or fails when the call is aborted first). */
  wait?: Promise<void>;
}

export interface ScriptedModel extends GatewayProvider {
  readonly model: MockLanguageModelV3;
  /** What the AI SDK passed to the model, one entry per call (prompt, tools, maxOutputTokens, …). */
  readonly calls: readonly LanguageModelV3CallOptions[];
  /** Turns not played yet. */
  remaining(): number;
}

/** Limits and listed (priced) models of the scripted provider, as a configured provider has them. */
export type ScriptedModelOptions = Pick<GatewayProvider, 'maxConcurrent' | 'maxQueued' | 'models'>;

/** (A string second argument, the model id of the first version, is still accepted and ignored.) */
export function scriptedModel(turns: readonly ScriptedTurn[], options: ScriptedModelOptions | string = {}): ScriptedModel {
  const limits = typeof options === 'string' ? {} : options;
  const queue = [...turns];
  const calls: LanguageModelV3CallOptions[] = [];
  let played = 0;
  const model = new MockLanguageModelV3({
    provider: 'scripted',
    modelId: 'scripted',
    doStream: async (options): Promise<LanguageModelV3StreamResult> => {
      calls.push(options);
      const turn = queue.shift();
      const index = played++;
      if (turn === undefined) throw new Error(`scripted model: no turn left for call ${index + 1}`);
      if (turn.wait !== undefined) await untilSettledOrAborted(turn.wait, options.abortSignal);
      if (turn.error === 'rate_limited' || turn.error === 'server_error') throw httpError(turn);
      return { stream: streamOf(partsOf(turn, index)) };
    },
  });
  return {
    ...limits,
    model,
    calls,
    remaining: () => queue.length,
    languageModel: () => model,
  };
}

function partsOf(turn: ScriptedTurn, index: number): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  const reasoning = pieces(turn.reasoning);
  if (reasoning.length > 0) {
    parts.push({ type: 'reasoning-start', id: 'r' });
    for (const delta of reasoning) parts.push({ type: 'reasoning-delta', id: 'r', delta });
    parts.push({ type: 'reasoning-end', id: 'r' });
  }
  const text = pieces(turn.text);
  if (text.length > 0 || turn.error === 'malformed') {
    parts.push({ type: 'text-start', id: 't' });
    for (const delta of text.length > 0 ? text : ['…']) parts.push({ type: 'text-delta', id: 't', delta });
    if (turn.error === 'malformed') {
      // What a provider adapter emits when a chunk does not parse; the stream then stops without a finish.
      parts.push({ type: 'error', error: new JSONParseError({ text: '{"choices":[}', cause: new SyntaxError('Unexpected token }') }) });
      return parts;
    }
    parts.push({ type: 'text-end', id: 't' });
  }
  const toolCalls = turn.toolCalls ?? [];
  toolCalls.forEach((call, i) => {
    const id = call.id ?? `call_${index + 1}_${i + 1}`;
    parts.push({ type: 'tool-call', toolCallId: id, toolName: call.name, input: JSON.stringify(call.input ?? {}) });
  });
  const inputTokens = turn.usage?.inputTokens ?? 10;
  const outputTokens = turn.usage?.outputTokens ?? 5;
  const unified = turn.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop');
  parts.push({
    type: 'finish',
    finishReason: { unified, raw: unified },
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
  });
  return parts;
}

function pieces(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  return value;
}

function httpError(turn: ScriptedTurn): APICallError {
  const status = turn.error === 'rate_limited' ? 429 : 500;
  const headers: Record<string, string> = {};
  if (turn.retryAfterMs !== undefined) headers['retry-after-ms'] = String(turn.retryAfterMs);
  return new APICallError({
    message: status === 429 ? 'Rate limit reached' : 'Internal server error',
    url: 'scripted://model',
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
    isRetryable: true,
  });
}

function streamOf(parts: readonly LanguageModelV3StreamPart[]): ReadableStream<LanguageModelV3StreamPart> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

function untilSettledOrAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (thrown: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
      },
    );
  });
}
