/**
 * The model gateway (DESIGN §6): one model turn for the agent loop. It checks the call (tools need object
 * schemas), resolves the model, reserves the call's worst case in the caller's budget, tries the model and
 * then its fallbacks (each with retries behind its provider's fair queue), settles the budget to the real
 * usage and records usage per agent, user and model. Tool calls are returned, never executed.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { KernelError } from '../contracts/errors.ts';
import { type PlannedReservation, costUsd, estimateInputTokens, reserveCall } from './call-cost.ts';
import { FairQueue } from './fair-queue.ts';
import { GATEWAY_DEFAULTS, type ModelGatewayOptions } from './gateway-options.ts';
import { runModel } from './model-attempts.ts';
import { type ResolvedModel, ModelCatalog } from './model-catalog.ts';
import type { ModelCall, ModelGateway, ModelInfo, ModelResult } from './model-gateway.ts';
import { DEFAULT_RETRY, type RetryPolicy, timerSleep } from './retry-policy.ts';
import { toSdkMessages, toSdkTools } from './sdk-messages.ts';
import { withStreamIntegrity } from './stream-integrity.ts';
import { type UsageQuery, type UsageRow, UsageMeter } from './usage-meter.ts';

export interface AetherModelGateway extends ModelGateway {
  /** The `provider/model` a call naming `model` (or none: the default) goes to first; `not_found` otherwise. */
  resolveModel(model?: string): string;
  usage(query?: UsageQuery): UsageRow[];
  readonly meter: UsageMeter;
}

export function createModelGateway(options: ModelGatewayOptions): AetherModelGateway {
  return new Gateway(options);
}

class Gateway implements AetherModelGateway {
  readonly meter: UsageMeter;
  readonly #catalog: ModelCatalog;
  readonly #options: ModelGatewayOptions;
  readonly #policy: RetryPolicy;
  readonly #queues = new Map<string, FairQueue>();
  readonly #models = new Map<string, LanguageModelV3>();

  constructor(options: ModelGatewayOptions) {
    this.#options = options;
    this.#catalog = new ModelCatalog(options);
    this.#policy = { ...DEFAULT_RETRY, ...options.retry };
    if (!Number.isInteger(this.#policy.maxAttempts) || this.#policy.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be at least 1');
    this.meter = options.meter ?? new UsageMeter();
    for (const [name, provider] of Object.entries(options.providers)) {
      this.#queues.set(
        name,
        new FairQueue({
          name,
          maxConcurrent: provider.maxConcurrent ?? GATEWAY_DEFAULTS.maxConcurrent,
          maxQueued: provider.maxQueued ?? GATEWAY_DEFAULTS.maxQueued,
        }),
      );
    }
  }

  models(): readonly ModelInfo[] {
    return this.#catalog.list();
  }

  resolveModel(model?: string): string {
    return this.#catalog.resolve(model).id;
  }

  usage(query?: UsageQuery): UsageRow[] {
    return this.meter.query(query);
  }

  async generate(call: ModelCall): Promise<ModelResult> {
    if (call.signal.aborted) throw new KernelError('cancelled', 'model call cancelled before it started');
    const chain = this.#catalog.chain(this.#catalog.resolve(call.model));
    const tools = toSdkTools(call.tools);
    const messages = toSdkMessages(call.messages);
    const inputEstimate = estimateInputTokens(call.system, call.messages, call.tools);
    let last: KernelError | undefined;
    for (const model of chain) {
      const planned = this.#reserve(call, model, inputEstimate);
      const outcome = await runModel({
        model: model.id,
        language: this.#language(model),
        queue: this.#queues.get(model.provider) as FairQueue,
        call,
        messages,
        tools,
        maxOutputTokens: planned?.maxOutputTokens ?? call.maxOutputTokens,
        policy: this.#policy,
        idleTimeoutMs: this.#options.idleTimeoutMs ?? GATEWAY_DEFAULTS.idleTimeoutMs,
        sleep: this.#options.sleep ?? timerSleep,
        random: this.#options.random ?? Math.random,
      });
      if (outcome.ok) {
        const { turn } = outcome;
        const cost = costUsd(model.spec, turn.inputTokens, turn.outputTokens);
        if (planned !== undefined) call.budget?.settle(planned.reservation, { tokens: turn.inputTokens + turn.outputTokens, costUsd: cost });
        this.#record(call, model.id, turn.inputTokens, turn.outputTokens, cost, true);
        const result: ModelResult = {
          model: model.id,
          text: turn.text,
          toolCalls: turn.toolCalls,
          finishReason: turn.finishReason,
          usage: { inputTokens: turn.inputTokens, outputTokens: turn.outputTokens, costUsd: cost },
        };
        if (turn.reasoning !== '') result.reasoning = turn.reasoning;
        return result;
      }
      if (planned !== undefined) call.budget?.release(planned.reservation);
      this.#record(call, model.id, 0, 0, 0, false);
      last = outcome.failure.error;
      if (outcome.failure.action === 'fail') throw last;
    }
    throw withTried(last as KernelError, chain);
  }

  #reserve(call: ModelCall, model: ResolvedModel, inputEstimate: number): PlannedReservation | undefined {
    if (call.budget === undefined) return undefined;
    const wanted = call.maxOutputTokens ?? model.spec?.maxOutputTokens ?? this.#options.defaultMaxOutputTokens ?? GATEWAY_DEFAULTS.defaultMaxOutputTokens;
    return reserveCall(call.budget, model.spec, inputEstimate, wanted);
  }

  #language(model: ResolvedModel): LanguageModelV3 {
    let language = this.#models.get(model.id);
    if (language === undefined) {
      // Callers may name any model id of a configured provider; keep the cache of wrapped models bounded.
      if (this.#models.size >= 1024) this.#models.clear();
      language = withStreamIntegrity(this.#catalog.provider(model.provider).languageModel(model.modelId));
      this.#models.set(model.id, language);
    }
    return language;
  }

  #record(call: ModelCall, model: string, inputTokens: number, outputTokens: number, cost: number, ok: boolean): void {
    this.meter.record({ agentId: call.agentId, userId: call.userId, model, inputTokens, outputTokens, costUsd: cost, ok });
  }
}

/** The last model's error, naming every model tried when there was a fallback chain. */
function withTried(error: KernelError, chain: readonly ResolvedModel[]): KernelError {
  if (chain.length === 1) return error;
  const tried = chain.map((model) => model.id);
  return new KernelError(error.code, `${error.message} (tried ${tried.join(', ')})`, { ...error.details, tried }, { cause: error.cause });
}
