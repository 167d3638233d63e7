/**
 * The gateway's bus contracts: `ai.models` lists the configured models, `ai.generate` runs one model turn
 * for the caller (capability `ai.generate:<provider>/<model>`, the default model's when none is named) and
 * `ai.usage` sums usage by agent, user and model (capability `ai.usage:<user id>` for one user's usage,
 * `ai.usage` unscoped for everyone's). `modelHandlers` pairs each with its handler for the composition root.
 */
import { z } from 'zod';
import { type CallContext, type Contract, type ContractHandler, defineContract } from '../contracts/contract.ts';
import type { Principal } from '../security/principal.ts';
import type { AetherModelGateway } from './create-model-gateway.ts';
import { ModelMessage, ToolCall, Usage } from './model-gateway.ts';
import { ModelIdSchema } from './models-config.ts';

export const ModelInfoSchema = z.object({
  id: z.string(),
  provider: z.string(),
  inputPricePerMTok: z.number().optional(),
  outputPricePerMTok: z.number().optional(),
});

export const ModelToolSchema = z.object({
  name: z.string().min(1).max(64),
  description: z.string().max(10_000),
  inputSchema: z.record(z.string(), z.unknown()),
});

const UsageTotals = {
  calls: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
};

export const aiModelsContract = defineContract({
  topic: 'ai.models',
  summary: 'List the configured models, their prices and the default model.',
  request: z.object({}),
  reply: z.object({ models: z.array(ModelInfoSchema), default: z.string().optional() }),
  capability: () => null,
  idempotent: true,
});

/** `ai.generate` needs the gateway to name the default model in its capability. */
export function aiGenerateContract(resolveModel: (model?: string) => string) {
  return defineContract({
    topic: 'ai.generate',
    summary: 'Run one model turn: text, reasoning, tool calls (returned, not run) and usage.',
    request: z.object({
      model: ModelIdSchema.optional(),
      system: z.string().max(1_000_000).optional(),
      messages: z.array(ModelMessage).min(1).max(10_000),
      tools: z.array(ModelToolSchema).max(256).default([]),
      maxOutputTokens: z.number().int().positive().max(10_000_000).optional(),
    }),
    reply: z.object({
      model: z.string(),
      text: z.string(),
      reasoning: z.string().optional(),
      toolCalls: z.array(ToolCall),
      finishReason: z.enum(['stop', 'tool-calls', 'length', 'content-filter', 'error', 'other']),
      usage: Usage,
    }),
    capability: (payload) => `ai.generate:${modelOrAny(resolveModel, payload.model)}`,
    idempotent: false,
  });
}

export const aiUsageContract = defineContract({
  topic: 'ai.usage',
  summary: 'Sum model usage and cost by agent, user and model.',
  request: z.object({
    agentId: z.string().max(256).optional(),
    /** A principal id such as `user:alice`; needed unless the caller may read everyone's usage. */
    userId: z.string().max(256).optional(),
    model: z.string().max(256).optional(),
    groupBy: z.array(z.enum(['agent', 'user', 'model'])).max(3).optional(),
  }),
  reply: z.object({
    rows: z.array(z.object({ agentId: z.string().optional(), userId: z.string().optional(), model: z.string().optional(), ...UsageTotals })),
  }),
  capability: (payload) => (payload.userId === undefined ? 'ai.usage' : `ai.usage:${payload.userId}`),
  idempotent: true,
});

/** A contract with its handler, type-erased so a list of them can be registered in one loop. */
export interface ModelContractBinding {
  readonly contract: Contract;
  readonly handler: (payload: Record<string, unknown>, context: CallContext) => Promise<unknown>;
}

function bind<C extends Contract>(contract: C, handler: ContractHandler<C>): ModelContractBinding {
  // Sound because the registry parses the payload with this contract's schema before calling the handler.
  return { contract, handler: handler as unknown as ModelContractBinding['handler'] };
}

export function modelHandlers(gateway: AetherModelGateway): readonly ModelContractBinding[] {
  return [
    bind(aiModelsContract, () => {
      const reply: { models: ReturnType<AetherModelGateway['models']>[number][]; default?: string } = { models: [...gateway.models()] };
      const fallback = defaultModel(gateway);
      if (fallback !== undefined) reply.default = fallback;
      return Promise.resolve(reply);
    }),
    bind(aiGenerateContract((model) => gateway.resolveModel(model)), (payload, context) =>
      gateway.generate({
        agentId: context.principal.id,
        userId: accountableUser(context.principal),
        messages: payload.messages,
        tools: payload.tools,
        signal: context.signal,
        ...(payload.model === undefined ? {} : { model: payload.model }),
        ...(payload.system === undefined ? {} : { system: payload.system }),
        ...(payload.maxOutputTokens === undefined ? {} : { maxOutputTokens: payload.maxOutputTokens }),
      }),
    ),
    bind(aiUsageContract, (payload) => {
      const query: Parameters<AetherModelGateway['usage']>[0] = {};
      if (payload.agentId !== undefined) query.agentId = payload.agentId;
      if (payload.userId !== undefined) query.userId = payload.userId;
      if (payload.model !== undefined) query.model = payload.model;
      if (payload.groupBy !== undefined) query.groupBy = payload.groupBy;
      return Promise.resolve({ rows: gateway.usage(query) });
    }),
  ];
}

/** Usage is billed to a person: a user themself, or the user a token, app or agent acts for. */
export function accountableUser(principal: Principal): string {
  return principal.kind === 'user' ? principal.id : (principal.parentId ?? principal.id);
}

function modelOrAny(resolveModel: (model?: string) => string, model: string | undefined): string {
  try {
    return resolveModel(model);
  } catch {
    // Nothing resolvable: ask for a named model's own capability, or any model's; the handler then
    // answers not_found with what to configure.
    return model ?? '*';
  }
}

function defaultModel(gateway: AetherModelGateway): string | undefined {
  try {
    return gateway.resolveModel();
  } catch {
    return undefined;
  }
}
