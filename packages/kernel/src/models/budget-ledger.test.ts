/**
 * Budgets at their edge: exactly the limit can be reserved, one token or one nano-dollar more cannot;
 * reservations of concurrent calls add up; settling records real usage; a child's ledger draws on its
 * parent's all-or-nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { BudgetLedger } from './budget-ledger.ts';
import { reserveCall } from './call-cost.ts';

const exceeded = (error: unknown): boolean => isKernelError(error, 'budget_exceeded');

test('exactly the token budget can be reserved; one token more is refused', () => {
  const ledger = new BudgetLedger({ maxTokens: 1000 });
  assert.throws(() => ledger.reserve({ tokens: 1001, costUsd: 0 }), exceeded);
  const all = ledger.reserve({ tokens: 1000, costUsd: 0 });
  assert.deepEqual(ledger.remaining(), { tokens: 0, costUsd: Infinity });
  assert.throws(() => ledger.reserve({ tokens: 1, costUsd: 0 }), exceeded);
  ledger.release(all);
  assert.equal(ledger.remaining().tokens, 1000);
});

test('the cost limit holds to the nano-dollar despite float sums', () => {
  const ledger = new BudgetLedger({ maxCostUsd: 0.3 });
  ledger.reserve({ tokens: 0, costUsd: 0.1 });
  ledger.reserve({ tokens: 0, costUsd: 0.2 });
  // 0.1 + 0.2 is 0.30000000000000004 in floats: still exactly the limit.
  assert.throws(() => ledger.reserve({ tokens: 0, costUsd: 0.000000001 }), exceeded);
  const other = new BudgetLedger({ maxCostUsd: 0.3 });
  other.reserve({ tokens: 0, costUsd: 0.3 });
  assert.equal(other.remaining().costUsd, 0);
});

test('concurrent reservations cannot together overshoot', () => {
  const ledger = new BudgetLedger({ maxTokens: 100 });
  const granted: unknown[] = [];
  const refused: unknown[] = [];
  for (let i = 0; i < 10; i += 1) {
    try {
      granted.push(ledger.reserve({ tokens: 30, costUsd: 0 }));
    } catch (error) {
      refused.push(error);
    }
  }
  assert.equal(granted.length, 3);
  assert.equal(refused.length, 7);
  assert.ok(refused.every(exceeded));
});

test('settling replaces the reservation with what was really used', () => {
  const ledger = new BudgetLedger({ maxTokens: 100, maxCostUsd: 1 });
  const reservation = ledger.reserve({ tokens: 80, costUsd: 0.8 });
  ledger.settle(reservation, { tokens: 25, costUsd: 0.25 });
  assert.deepEqual(ledger.snapshot(), {
    limits: { maxTokens: 100, maxCostUsd: 1 },
    used: { tokens: 25, costUsd: 0.25 },
    reserved: { tokens: 0, costUsd: 0 },
  });
  assert.throws(() => ledger.settle(reservation, { tokens: 1, costUsd: 0 }), /not open/);
});

test('a child reservation must fit the parent too, and counts against both', () => {
  const parent = new BudgetLedger({ maxTokens: 100 }, { name: 'parent' });
  const child = new BudgetLedger({ maxTokens: 80 }, { name: 'child', parent });
  parent.reserve({ tokens: 50, costUsd: 0 });
  assert.equal(child.remaining().tokens, 50);
  assert.throws(
    () => child.reserve({ tokens: 51, costUsd: 0 }),
    (error) => exceeded(error) && (error as { details?: Record<string, unknown> }).details?.budget === 'parent',
  );
  assert.equal(child.snapshot().reserved.tokens, 0, 'a refused reservation leaves no trace in the child either');
  const fits = child.reserve({ tokens: 50, costUsd: 0 });
  child.settle(fits, { tokens: 10, costUsd: 0 });
  assert.equal(parent.snapshot().used.tokens, 10);
});

test('a call reserves its input and output allowance, shrinking the allowance to what is left', () => {
  const spec = { id: 'm', inputPricePerMTok: 1, outputPricePerMTok: 2 };
  const roomy = new BudgetLedger({ maxTokens: 10_000 });
  assert.equal(reserveCall(roomy, spec, 100, 500).maxOutputTokens, 500);
  const tight = new BudgetLedger({ maxTokens: 150 });
  assert.equal(reserveCall(tight, spec, 100, 500).maxOutputTokens, 50);
  assert.throws(() => reserveCall(new BudgetLedger({ maxTokens: 100 }), spec, 100, 500), exceeded);
  // $0.0003 covers 100 input tokens ($0.0001) and exactly 100 output tokens ($0.0002).
  const byCost = new BudgetLedger({ maxCostUsd: 0.0003 });
  assert.equal(reserveCall(byCost, spec, 100, 500).maxOutputTokens, 100);
});
