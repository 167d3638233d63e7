/**
 * Conversion to the AI SDK's messages and tools: assistant turns keep reasoning, text and tool calls,
 * consecutive tool results travel in one message with errors marked, and bad tool declarations are
 * refused with payload_invalid.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { toSdkMessages, toSdkTools } from './sdk-messages.ts';

test('an assistant turn with tool calls and its two results', () => {
  const messages = toSdkMessages([
    { role: 'user', text: 'go' },
    {
      role: 'assistant',
      text: 'calling',
      reasoning: 'plan',
      toolCalls: [
        { id: 'a', name: 'x', input: { n: 1 } },
        { id: 'b', name: 'y', input: {} },
      ],
    },
    { role: 'tool', callId: 'a', name: 'x', output: 'one', isError: false },
    { role: 'tool', callId: 'b', name: 'y', output: 'denied', isError: true },
  ]);
  assert.deepEqual(messages, [
    { role: 'user', content: 'go' },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'plan' },
        { type: 'text', text: 'calling' },
        { type: 'tool-call', toolCallId: 'a', toolName: 'x', input: { n: 1 } },
        { type: 'tool-call', toolCallId: 'b', toolName: 'y', input: {} },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'a', toolName: 'x', output: { type: 'text', value: 'one' } },
        { type: 'tool-result', toolCallId: 'b', toolName: 'y', output: { type: 'error-text', value: 'denied' } },
      ],
    },
  ]);
});

test('tool declarations: names providers accept, once each, with an object schema', () => {
  const schema = { type: 'object', properties: {} };
  assert.deepEqual(Object.keys(toSdkTools([{ name: 'file_read', description: 'd', inputSchema: schema }])), ['file_read']);
  const invalid = (error: unknown) => isKernelError(error, 'payload_invalid');
  assert.throws(() => toSdkTools([{ name: 'has space', description: 'd', inputSchema: schema }]), invalid);
  assert.throws(() => toSdkTools([{ name: 't', description: 'd', inputSchema: schema }, { name: 't', description: 'd', inputSchema: schema }]), invalid);
  assert.throws(() => toSdkTools([{ name: 't', description: 'd', inputSchema: {} }]), invalid);
  assert.throws(() => toSdkTools([{ name: 't', description: 'd', inputSchema: { type: 'array' } }]), invalid);
});
