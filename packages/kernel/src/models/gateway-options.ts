/**
 * What the model gateway is built from: named providers (each an AI SDK provider, or the scripted model in
 * tests) with their limits and priced models, the default model, fallback chains, and retry and timeout
 * policy. `configured-providers.ts` builds this from the config file and the environment.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { RetryPolicy, Sleep } from './retry-policy.ts';
import type { UsageMeter } from './usage-meter.ts';

export interface ModelSpec {
  /** The provider's own model id, e.g. `gpt-4.1-mini` (without the `provider/` prefix). */
  id: string;
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
  /** The most output tokens a call reserves against a budget when it sets no maxOutputTokens. */
  maxOutputTokens?: number;
}

export interface GatewayProvider {
  languageModel(modelId: string): LanguageModelV3;
  /** Models listed by `ai.models` and priced for accounting; other model ids of the provider still work. */
  models?: readonly ModelSpec[];
  /** Calls in flight at once to this provider. Default 8. */
  maxConcurrent?: number;
  /** Calls waiting for a slot before new ones are refused with `resource_exceeded`. Default 256. */
  maxQueued?: number;
}

export interface ModelGatewayOptions {
  providers: Readonly<Record<string, GatewayProvider>>;
  /** `provider/model`, used when a call names no model. */
  defaultModel?: string;
  /** `provider/model` → the models to try, in order, when it fails after its retries. */
  fallbacks?: Readonly<Record<string, readonly string[]>>;
  retry?: Partial<RetryPolicy>;
  /** Longest wait for a provider's next stream part (the first included) before the attempt times out. */
  idleTimeoutMs?: number;
  /** Output tokens reserved against a budget when neither the call nor the model spec bounds them. */
  defaultMaxOutputTokens?: number;
  meter?: UsageMeter;
  /** Sentence appended to the "no provider configured" error, naming what to set. */
  configurationHint?: string;
  /** Injected by tests and the bench so that backoff needs no real timers. */
  sleep?: Sleep;
  random?: () => number;
}

export const GATEWAY_DEFAULTS = {
  maxConcurrent: 8,
  maxQueued: 256,
  idleTimeoutMs: 120_000,
  defaultMaxOutputTokens: 4096,
} as const;
