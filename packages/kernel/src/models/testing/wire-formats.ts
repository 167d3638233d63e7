/**
 * Each provider's real streaming wire format, as the provider-server replays it: OpenAI Chat Completions
 * (`data:` chunks with `choices[].delta.tool_calls`, then `[DONE]`), the OpenAI Responses API (typed
 * `response.*` events with function calls), Anthropic Messages (`message_start` … `content_block_*` …
 * `message_stop`, thinking and `tool_use` blocks) and Gemini `streamGenerateContent?alt=sse`
 * (`functionCall` and thought parts), plus each one's error body and a malformed stream.
 */
export interface WireTurn {
  reasoning?: readonly string[];
  text: readonly string[];
  /** Arguments arrive as JSON fragments, as providers stream them. */
  toolCall?: { id: string; name: string; argumentChunks: readonly string[] };
  usage: { input: number; output: number };
}

export interface WireFormat {
  name: string;
  stream(turn: WireTurn): string[];
  /** A stream that breaks off mid-event with JSON that does not parse. */
  malformed(): string[];
  errorBody(status: number, message: string): unknown;
}

const data = (value: unknown): string => `data: ${JSON.stringify(value)}`;
/** OpenAI's error body, shared by both of its APIs. */
const openaiError = (status: number, message: string): unknown => ({
  error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null },
});
const event = (type: string, value: unknown): string => `event: ${type}\ndata: ${JSON.stringify(value)}`;

export const openaiChatWire: WireFormat = {
  name: 'openai chat completions',
  stream(turn) {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4.1-mini' };
    const chunk = (delta: unknown, finish: string | null = null): string => data({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    const events = [chunk({ role: 'assistant', content: '' })];
    for (const text of turn.text) events.push(chunk({ content: text }));
    const call = turn.toolCall;
    if (call !== undefined) {
      events.push(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const part of call.argumentChunks) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
    }
    events.push(chunk({}, call === undefined ? 'stop' : 'tool_calls'));
    events.push(data({ ...base, choices: [], usage: { prompt_tokens: turn.usage.input, completion_tokens: turn.usage.output, total_tokens: turn.usage.input + turn.usage.output } }));
    events.push('data: [DONE]');
    return events;
  },
  malformed: () => ['data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel'],
  errorBody: openaiError,
};

export const openaiResponsesWire: WireFormat = {
  name: 'openai responses',
  stream(turn) {
    const response = { id: 'resp_1', object: 'response', created_at: 1_700_000_000, model: 'gpt-4.1-mini', status: 'in_progress', output: [] };
    let sequence = 0;
    const typed = (type: string, value: Record<string, unknown>): string => event(type, { type, sequence_number: sequence++, ...value });
    const events = [typed('response.created', { response }), typed('response.in_progress', { response })];
    let index = 0;
    if (turn.text.length > 0) {
      const item = { type: 'message', id: 'msg_1', status: 'in_progress', role: 'assistant', content: [] };
      events.push(typed('response.output_item.added', { output_index: index, item }));
      events.push(typed('response.content_part.added', { item_id: 'msg_1', output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
      for (const delta of turn.text) events.push(typed('response.output_text.delta', { item_id: 'msg_1', output_index: index, content_index: 0, delta, logprobs: [] }));
      const text = turn.text.join('');
      events.push(typed('response.output_text.done', { item_id: 'msg_1', output_index: index, content_index: 0, text, logprobs: [] }));
      const done = { ...item, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
      events.push(typed('response.output_item.done', { output_index: index, item: done }));
      index += 1;
    }
    const call = turn.toolCall;
    if (call !== undefined) {
      const item = { type: 'function_call', id: 'fc_1', call_id: call.id, name: call.name, arguments: '', status: 'in_progress' };
      events.push(typed('response.output_item.added', { output_index: index, item }));
      for (const delta of call.argumentChunks) events.push(typed('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: index, delta }));
      const args = call.argumentChunks.join('');
      events.push(typed('response.function_call_arguments.done', { item_id: 'fc_1', output_index: index, arguments: args }));
      events.push(typed('response.output_item.done', { output_index: index, item: { ...item, arguments: args, status: 'completed' } }));
    }
    const usage = {
      input_tokens: turn.usage.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: turn.usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: turn.usage.input + turn.usage.output,
    };
    events.push(typed('response.completed', { response: { ...response, status: 'completed', usage } }));
    return events;
  },
  malformed: () => [
    event('response.created', { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', created_at: 1_700_000_000, model: 'gpt-4.1-mini' } }),
    'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_1","delta":"Hel',
  ],
  errorBody: openaiError,
};

export const anthropicWire: WireFormat = {
  name: 'anthropic messages',
  stream(turn) {
    const message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-sonnet-4-5',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: turn.usage.input, output_tokens: 1 },
    };
    const events = [event('message_start', { type: 'message_start', message }), event('ping', { type: 'ping' })];
    let index = 0;
    const block = (start: unknown, deltas: readonly unknown[]): void => {
      events.push(event('content_block_start', { type: 'content_block_start', index, content_block: start }));
      for (const delta of deltas) events.push(event('content_block_delta', { type: 'content_block_delta', index, delta }));
      events.push(event('content_block_stop', { type: 'content_block_stop', index }));
      index += 1;
    };
    if (turn.reasoning !== undefined) {
      const deltas: unknown[] = turn.reasoning.map((thinking) => ({ type: 'thinking_delta', thinking }));
      block({ type: 'thinking', thinking: '', signature: '' }, [...deltas, { type: 'signature_delta', signature: 'c2lnbmF0dXJl' }]);
    }
    if (turn.text.length > 0) block({ type: 'text', text: '' }, turn.text.map((text) => ({ type: 'text_delta', text })));
    const call = turn.toolCall;
    if (call !== undefined) {
      block(
        { type: 'tool_use', id: call.id, name: call.name, input: {} },
        call.argumentChunks.map((partial_json) => ({ type: 'input_json_delta', partial_json })),
      );
    }
    const stop = call === undefined ? 'end_turn' : 'tool_use';
    events.push(event('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: turn.usage.output } }));
    events.push(event('message_stop', { type: 'message_stop' }));
    return events;
  },
  malformed: () => [
    event('message_start', {
      type: 'message_start',
      message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } },
    }),
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","te',
  ],
  errorBody: (status, message) => ({ type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } }),
};

export const geminiWire: WireFormat = {
  name: 'gemini streamGenerateContent',
  stream(turn) {
    const usage = (output: number) => ({ promptTokenCount: turn.usage.input, candidatesTokenCount: output, totalTokenCount: turn.usage.input + output });
    const chunk = (parts: unknown[], finishReason?: string, output = 1): string =>
      data({
        candidates: [{ content: { parts, role: 'model' }, index: 0, ...(finishReason === undefined ? {} : { finishReason }) }],
        usageMetadata: usage(output),
        modelVersion: 'gemini-2.5-flash',
        responseId: 'gemini-1',
      });
    const events: string[] = [];
    for (const text of turn.reasoning ?? []) events.push(chunk([{ text, thought: true }]));
    for (const text of turn.text) events.push(chunk([{ text }]));
    const call = turn.toolCall;
    const finalParts = call === undefined ? [] : [{ functionCall: { name: call.name, args: JSON.parse(call.argumentChunks.join('')) as unknown } }];
    events.push(chunk(finalParts, 'STOP', turn.usage.output));
    return events;
  },
  malformed: () => ['data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"usageMetad'],
  errorBody: (status, message) => ({ error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } }),
};
