/**
 * The gateway when things go wrong, over the scripted model: retries with backoff and retry-after, the
 * fallback chain, no retry once deltas reached the caller, cancellation while queued and while streaming,
 * a full queue, and budgets at their edge (reserve before, settle after).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { BudgetLedger } from './budget-ledger.ts';
import { estimateInputTokens } from './call-cost.ts';
import type { ModelCall } from './model-gateway.ts';
import { scriptedModel } from './testing/scripted-model.ts';
import { scriptedGateway } from './testing/scripted-gateway.ts';

function call(overrides: Partial<ModelCall> = {}): ModelCall {
  return { agentId: 'agent:a', userId: 'user:u', messages: [{ role: 'user', text: 'hi' }], tools: [], signal: new AbortController().signal, ...overrides };
}

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('retries', () => {
  test('a 429 is retried after exactly its retry-after', async () => {
    const { gateway, sleeps, model } = scriptedGateway([{ error: 'rate_limited', retryAfterMs: 1234 }, { text: 'ok' }]);
    assert.equal((await gateway.generate(call())).text, 'ok');
    assert.deepEqual(sleeps, [1234]);
    assert.equal(model.remaining(), 0);
  });

  test('5xx is retried with exponential backoff and jitter', async () => {
    const { gateway, sleeps } = scriptedGateway([{ error: 'server_error' }, { error: 'server_error' }, { text: 'ok' }]);
    assert.equal((await gateway.generate(call())).text, 'ok');
    // random() is 0.5: half the ceiling plus a quarter — 500 ms then 1000 ms ceilings.
    assert.deepEqual(sleeps, [375, 750]);
  });

  test('attempts are bounded; the last error is returned', async () => {
    const { gateway, model } = scriptedGateway([{ error: 'server_error' }, { error: 'server_error' }, { error: 'rate_limited' }, { text: 'unused' }]);
    await assert.rejects(gateway.generate(call()), (error) => isKernelError(error, 'rate_limited'));
    assert.equal(model.remaining(), 1);
    assert.deepEqual(gateway.usage(), [{ calls: 1, failures: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 }]);
  });

  test('a retry-after beyond the ceiling is not waited out', async () => {
    const { gateway, sleeps } = scriptedGateway([{ error: 'rate_limited', retryAfterMs: 3_600_000 }, { text: 'unused' }]);
    await assert.rejects(gateway.generate(call()), (error) => isKernelError(error, 'rate_limited'));
    assert.deepEqual(sleeps, []);
  });

  test('once deltas reached the caller a failure is final, marked partial', async () => {
    const { gateway, model } = scriptedGateway([{ text: 'Hel', error: 'malformed' }, { text: 'unused' }]);
    const seen: string[] = [];
    await assert.rejects(
      gateway.generate(call({ onDelta: (delta) => seen.push(delta.text) })),
      (error) => isKernelError(error, 'internal_error') && error.details?.partial === true,
    );
    assert.deepEqual(seen, ['Hel']);
    assert.equal(model.remaining(), 1);
  });
});

describe('fallback chain', () => {
  test('after its retries the next model answers, and each model is accounted', async () => {
    const backup = scriptedModel([{ text: 'from backup', usage: { inputTokens: 3, outputTokens: 2 } }]);
    const { gateway } = scriptedGateway([{ error: 'server_error' }, { error: 'server_error' }, { error: 'server_error' }], {
      providers: { backup },
      fallbacks: { 'scripted/test': ['backup/small'] },
    });
    const result = await gateway.generate(call());
    assert.equal(result.model, 'backup/small');
    assert.equal(result.text, 'from backup');
    const byModel = gateway.usage({ groupBy: ['model'] });
    assert.deepEqual(
      byModel.map((row) => [row.model, row.calls, row.failures]),
      [
        ['backup/small', 1, 0],
        ['scripted/test', 1, 1],
      ],
    );
  });

  test('a malformed answer moves on to the fallback without retrying the same model', async () => {
    const backup = scriptedModel([{ text: 'ok' }]);
    const { gateway, model } = scriptedGateway([{ error: 'malformed' }, { text: 'unused' }], {
      providers: { backup },
      fallbacks: { 'scripted/test': ['backup/x'] },
    });
    assert.equal((await gateway.generate(call())).text, 'ok');
    assert.equal(model.remaining(), 1);
  });

  test('when every model fails, the error names all of them', async () => {
    const backup = scriptedModel([{ error: 'malformed' }]);
    const { gateway } = scriptedGateway([{ error: 'malformed' }], { providers: { backup }, fallbacks: { 'scripted/test': ['backup/x'] } });
    await assert.rejects(gateway.generate(call()), (error) => isKernelError(error, 'internal_error') && /scripted\/test, backup\/x/.test(error.message));
  });

  test('a fallback to an unconfigured provider is refused when the gateway is built', () => {
    assert.throws(() => scriptedGateway([], { fallbacks: { 'scripted/test': ['nowhere/x'] } }), (error) => isKernelError(error, 'not_found'));
  });
});

describe('cancellation and limits', () => {
  test('aborting a queued call removes it from the queue; the model never sees it', async () => {
    const hold = gate();
    const { gateway, model } = scriptedGateway(scriptedModel([{ text: 'first', wait: hold.promise }, { text: 'third' }], { maxConcurrent: 1 }));
    const abort = new AbortController();
    const first = gateway.generate(call());
    const second = gateway.generate(call({ agentId: 'agent:b', signal: abort.signal }));
    const third = gateway.generate(call({ agentId: 'agent:c' }));
    abort.abort();
    await assert.rejects(second, (error) => isKernelError(error, 'cancelled'));
    hold.open();
    assert.equal((await first).text, 'first');
    assert.equal((await third).text, 'third');
    assert.equal(model.calls.length, 2);
  });

  test('aborting a call in flight ends it with cancelled and no retry', async () => {
    const hold = gate();
    const { gateway, model } = scriptedGateway([{ text: 'never', wait: hold.promise }, { text: 'unused' }]);
    const abort = new AbortController();
    const pending = gateway.generate(call({ signal: abort.signal }));
    abort.abort();
    await assert.rejects(pending, (error) => isKernelError(error, 'cancelled'));
    assert.equal(model.remaining(), 1);
  });

  test('a full provider queue refuses with resource_exceeded, and the fallback takes the call', async () => {
    const hold = gate();
    const busy = scriptedModel([{ text: 'first', wait: hold.promise }], { maxConcurrent: 1, maxQueued: 0 });
    const { gateway } = scriptedGateway(busy);
    const first = gateway.generate(call());
    await assert.rejects(gateway.generate(call({ agentId: 'agent:b' })), (error) => isKernelError(error, 'resource_exceeded'));

    const spare = scriptedModel([{ text: 'from spare' }]);
    const withFallback = scriptedGateway(scriptedModel([{ text: 'held', wait: hold.promise }], { maxConcurrent: 1, maxQueued: 0 }), {
      providers: { spare },
      fallbacks: { 'scripted/test': ['spare/x'] },
    }).gateway;
    const held = withFallback.generate(call());
    assert.equal((await withFallback.generate(call({ agentId: 'agent:b' }))).text, 'from spare');
    hold.open();
    assert.equal((await first).text, 'first');
    assert.equal((await held).text, 'held');
  });
});

describe('budgets', () => {
  const messages = [{ role: 'user' as const, text: 'count to three' }];
  const input = estimateInputTokens(undefined, messages, []);

  test('a call that fits exactly runs with its full output allowance, then settles to real usage', async () => {
    const { gateway, model } = scriptedGateway([{ text: 'one two three', usage: { inputTokens: 4, outputTokens: 6 } }]);
    const budget = new BudgetLedger({ maxTokens: input + 100 });
    await gateway.generate(call({ messages, maxOutputTokens: 100, budget }));
    assert.equal(model.calls[0]?.maxOutputTokens, 100);
    assert.deepEqual(budget.snapshot().used, { tokens: 10, costUsd: 0 });
    assert.deepEqual(budget.snapshot().reserved, { tokens: 0, costUsd: 0 });
  });

  test('a budget with no room for one output token refuses before the model is called', async () => {
    const { gateway, model } = scriptedGateway([{ text: 'unused' }]);
    const budget = new BudgetLedger({ maxTokens: input });
    await assert.rejects(gateway.generate(call({ messages, budget })), (error) => isKernelError(error, 'budget_exceeded'));
    assert.equal(model.calls.length, 0);
  });

  test('costs come from the configured prices and count against the cost limit', async () => {
    const priced = scriptedModel([{ usage: { inputTokens: 1_000_000, outputTokens: 500_000 } }], {
      models: [{ id: 'priced', inputPricePerMTok: 2, outputPricePerMTok: 8 }],
    });
    const { gateway } = scriptedGateway([], { providers: { priced }, defaultModel: 'priced/priced' });
    const budget = new BudgetLedger({ maxCostUsd: 100 });
    const result = await gateway.generate(call({ messages, budget }));
    assert.equal(result.usage.costUsd, 6);
    assert.equal(budget.snapshot().used.costUsd, 6);
    assert.equal(gateway.usage({ model: 'priced/priced' })[0]?.costUsd, 6);
    assert.deepEqual(
      gateway.models().find((info) => info.id === 'priced/priced'),
      { id: 'priced/priced', provider: 'priced', inputPricePerMTok: 2, outputPricePerMTok: 8 },
    );
  });

  test('a failed call gives its reservation back', async () => {
    const { gateway } = scriptedGateway([{ error: 'malformed' }]);
    const budget = new BudgetLedger({ maxTokens: 10_000 });
    await assert.rejects(gateway.generate(call({ messages, budget })));
    assert.deepEqual(budget.snapshot(), { limits: { maxTokens: 10_000 }, used: { tokens: 0, costUsd: 0 }, reserved: { tokens: 0, costUsd: 0 } });
  });
});
