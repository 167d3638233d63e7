/**
 * Prices and budget reservations for one model call. Before a call the gateway reserves its worst case:
 * the estimated input (about four characters a token) plus the most output it allows. When the budget has
 * room for the input but not the whole output allowance, the allowance shrinks to what fits and is passed
 * to the provider as maxOutputTokens, so the model cannot spend past the budget; with no room for even one
 * output token the call is refused with `budget_exceeded`.
 */
import { KernelError } from '../contracts/errors.ts';
import type { BudgetLedger, Reservation } from './budget-ledger.ts';
import type { ModelMessage, ModelTool } from './model-gateway.ts';
import type { ModelSpec } from './gateway-options.ts';

/** A rough, deterministic upper-leaning estimate of a prompt's input tokens. */
export function estimateInputTokens(system: string | undefined, messages: readonly ModelMessage[], tools: readonly ModelTool[]): number {
  const chars = (system?.length ?? 0) + JSON.stringify(messages).length + JSON.stringify(tools).length;
  return Math.ceil(chars / 4);
}

export function costUsd(spec: ModelSpec | undefined, inputTokens: number, outputTokens: number): number {
  return (inputTokens * (spec?.inputPricePerMTok ?? 0) + outputTokens * (spec?.outputPricePerMTok ?? 0)) / 1_000_000;
}

export interface PlannedReservation {
  reservation: Reservation;
  /** The output allowance the reservation covers; sent to the provider as maxOutputTokens. */
  maxOutputTokens: number;
}

export function reserveCall(
  ledger: BudgetLedger,
  spec: ModelSpec | undefined,
  inputTokens: number,
  wantedOutputTokens: number,
): PlannedReservation {
  const remaining = ledger.remaining();
  let output = Math.min(wantedOutputTokens, Math.floor(remaining.tokens - inputTokens));
  const outputPrice = (spec?.outputPricePerMTok ?? 0) / 1_000_000;
  if (outputPrice > 0) {
    const inputCost = costUsd(spec, inputTokens, 0);
    // A hair of slack so that float division cannot round an exactly fitting allowance down.
    output = Math.min(output, Math.floor((remaining.costUsd - inputCost) / outputPrice + 1e-9));
  }
  if (!(output >= 1)) {
    throw new KernelError('budget_exceeded', `${ledger.name}: no room for this model call (about ${inputTokens} input tokens)`, {
      budget: ledger.name,
      inputTokens,
      remainingTokens: remaining.tokens,
      remainingCostUsd: remaining.costUsd,
    });
  }
  const reservation = ledger.reserve({ tokens: inputTokens + output, costUsd: costUsd(spec, inputTokens, output) });
  return { reservation, maxOutputTokens: output };
}
