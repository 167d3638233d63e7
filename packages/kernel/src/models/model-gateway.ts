/**
 * The model gateway's contract with its callers (DESIGN §6): the agent loop asks for one model turn and
 * gets text, reasoning, tool calls and usage back. Messages are Aether's own shape (what the durable agent
 * log stores), not a provider's; the gateway converts them for the AI SDK provider it routes to.
 */
import { z } from 'zod';
import type { BudgetLedger } from './budget-ledger.ts';

export const ToolCall = z.object({
  /** Provider-assigned call id; the loop derives its idempotency key from the run and this id. */
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const ModelMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), text: z.string() }),
  z.object({
    role: z.literal('assistant'),
    text: z.string(),
    reasoning: z.string().optional(),
    toolCalls: z.array(ToolCall).default([]),
  }),
  z.object({
    role: z.literal('tool'),
    callId: z.string(),
    name: z.string(),
    /** What the model reads; tool output is wrapped as untrusted data before it gets here. */
    output: z.string(),
    isError: z.boolean().default(false),
  }),
]);
export type ModelMessage = z.infer<typeof ModelMessage>;

/** A tool as the model sees it: the JSON Schema comes from the tool's zod schema, never empty. */
export interface ModelTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** In US dollars, from the configured price of the model; 0 when unknown. */
  costUsd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

export type ModelDelta = { type: 'text'; text: string } | { type: 'reasoning'; text: string };

export interface ModelCall {
  /** Who the call is accounted to. */
  agentId: string;
  userId: string;
  /** `provider/model`; the configured default (AETHER_MODEL) when absent. */
  model?: string;
  system?: string;
  messages: readonly ModelMessage[];
  tools: readonly ModelTool[];
  maxOutputTokens?: number;
  /** Higher runs first when providers are saturated; equal priorities share round-robin across agents. */
  priority?: number;
  signal: AbortSignal;
  /** Streamed text and reasoning as they arrive. */
  onDelta?: (delta: ModelDelta) => void;
  /**
   * The run's budget: the call reserves its worst case here before it starts (refused with
   * `budget_exceeded` when it cannot fit) and settles to its real usage when it ends.
   */
  budget?: BudgetLedger;
}

export interface ModelResult {
  /** The model that answered (after any fallback). */
  model: string;
  text: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: 'stop' | 'tool-calls' | 'length' | 'content-filter' | 'error' | 'other';
  usage: Usage;
}

export interface ModelInfo {
  id: string;
  provider: string;
  /** Prices per million tokens, when configured. */
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
}

export interface ModelGateway {
  /**
   * One model turn. Rejects with a KernelError: `not_found` (no provider or model configured),
   * `rate_limited`/`timeout`/`internal_error` after retries and fallbacks are exhausted, `cancelled` when
   * the signal aborts, `budget_exceeded` when the caller's budget cannot cover it.
   */
  generate(call: ModelCall): Promise<ModelResult>;
  models(): readonly ModelInfo[];
}
