/**
 * Fitting the conversation into `memory.context_window`: whole older exchanges go first, a tool call
 * never loses its result, and inside one long exchange the oldest tool outputs are elided before the
 * newest; end to end, the model is sent the fitted prompt.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ModelMessage } from '../../models/model-gateway.ts';
import { type AgentKernel, startAgentKernel } from '../testing/agent-kernel.ts';
import { recorder } from '../testing/test-tools.ts';
import { estimateTokens, fitContext } from './context-window.ts';

const user = (text: string): ModelMessage => ({ role: 'user', text });
const said = (text: string): ModelMessage => ({ role: 'assistant', text, toolCalls: [] });
const called = (id: string): ModelMessage => ({ role: 'assistant', text: '', toolCalls: [{ id, name: 'note', input: {} }] });
const result = (id: string, output: string): ModelMessage => ({ role: 'tool', callId: id, name: 'note', output, isError: false });
const size = (messages: readonly ModelMessage[]): number => estimateTokens(JSON.stringify(messages));

/** Every tool result follows the assistant message that called it. */
function paired(messages: readonly ModelMessage[]): boolean {
  const open = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') for (const call of message.toolCalls) open.add(call.id);
    if (message.role === 'tool' && !open.has(message.callId)) return false;
  }
  return true;
}

let fx: AgentKernel | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

describe('the context window', () => {
  it('changes nothing when there is no window or the conversation fits', () => {
    const history = [user('hi'), said('hello'), user('more'), said('sure')];
    assert.deepEqual(fitContext(history, { system: '', tools: [] }), history);
    assert.deepEqual(fitContext(history, { system: '', tools: [], windowTokens: 8000 }), history);
    assert.deepEqual(fitContext(history, { system: '', tools: [], maxMessages: 2 }), history.slice(2));
  });

  it('drops whole older exchanges first, starting the rest at a user message', () => {
    const big = 'x'.repeat(3000 * 3);
    const history = [user('first'), called('c1'), result('c1', big), said('done'), user('second'), said('ok')];
    const fitted = fitContext(history, { system: 'be brief', tools: [], windowTokens: 2000 });
    assert.deepEqual(fitted, [user('second'), said('ok')]);
  });

  it('elides the oldest tool outputs of a long exchange, keeping every call and the newest output', () => {
    const big = 'y'.repeat(1500 * 3);
    const history = [user('go'), called('c1'), result('c1', big), called('c2'), result('c2', big), called('c3'), result('c3', big)];
    const fitted = fitContext(history, { system: '', tools: [], windowTokens: 4000 });
    assert.equal(fitted.length, history.length);
    assert.ok(paired(fitted));
    const outputs = fitted.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? m.output : ''));
    assert.match(outputs[0] ?? '', /^\[4500 characters of this earlier tool output were removed/);
    assert.equal(outputs[2], big);
    assert.ok(size(fitted) < size(history));
  });

  it('never separates a call from its result and never grows the history', () => {
    const message = fc.oneof(
      fc.string({ maxLength: 3000 }).map(user),
      fc.string({ maxLength: 3000 }).map(said),
      fc.tuple(fc.uuid(), fc.string({ maxLength: 6000 })).map(([id, out]) => [called(id), result(id, out)]),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), fc.integer({ min: 1000, max: 20_000 }), fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), (parts, window, max) => {
        const history = [user('start'), ...parts.flat()];
        const fitted = fitContext(history, { system: 's', tools: [], windowTokens: window, ...(max === undefined ? {} : { maxMessages: max }) });
        assert.ok(paired(fitted));
        assert.ok(fitted.length <= history.length);
        assert.equal(fitted[0]?.role, 'user');
        assert.deepEqual(fitted.at(-1), history.at(-1));
      }),
      { numRuns: 500 },
    );
  });

  it('sends the model a prompt fitted to the manifest window', async () => {
    const note = recorder('note', { output: (text) => `${text}:${'z'.repeat(6000)}` });
    const calls = ['a', 'b', 'c'].map((text, i) => ({ toolCalls: [{ id: `c${i}`, name: 'note', input: { text } }] }));
    fx = await startAgentKernel({ tools: [note.tool], turns: [...calls, { text: 'all noted' }] });
    const manifest = { name: 'noter', tools: ['note'], memory: { context_window: '5k' } };
    const reply = await fx.call('agent.spawn_and_run', { manifest, message: 'note three things', wait: true });
    assert.equal(reply.outcome, 'completed');
    const last = JSON.stringify(fx.model?.calls.at(-1)?.prompt);
    assert.match(last, /characters of this earlier tool output were removed/);
    assert.match(last, /c:z{6000}/, 'the newest output reaches the model whole');
    assert.doesNotMatch(last, /a:z{6000}/);
  });

  it('refuses a window that is not a token count, naming the field', async () => {
    fx = await startAgentKernel({ turns: [] });
    await assert.rejects(fx.call('agent.spawn', { manifest: { name: 'x', memory: { context_window: 'lots' } } }), (e: Error) => /memory\.context_window/.test(e.message));
    const spawned = await fx.call('agent.spawn', { manifest: { name: 'y', memory: { context_window: '128k' } } });
    assert.match(String(spawned.agentId), /^a_/);
  });
});
