/**
 * The `models` section of the config file (DESIGN §12): named providers — OpenAI (Chat Completions or the
 * Responses API), Anthropic, Google Gemini, and any OpenAI-compatible endpoint by base URL — with their
 * keys, limits and priced models; the default model; fallback chains; retry and timeout policy. Keys are
 * snake_case like the rest of the file. The providers' usual environment variables and AETHER_MODEL fill
 * in and override it (see configured-providers.ts).
 */
import { z } from 'zod';

export const PROVIDER_TYPES = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** `provider/model`; the model part may contain `/` and `:` (e.g. `ollama/llama3.1:8b`). */
export const ModelIdSchema = z
  .string()
  .max(256)
  .regex(/^[a-z0-9][a-z0-9_-]*\/\S+$/i, 'must be provider/model');

const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_"');

export const ModelEntrySchema = z
  .object({
    /** The provider's model id, without the `provider/` prefix. */
    id: z.string().min(1).max(200),
    input_price_per_mtok: z.number().nonnegative().max(100_000).optional(),
    output_price_per_mtok: z.number().nonnegative().max(100_000).optional(),
    /** Output tokens a call reserves against a budget when it names no limit itself. */
    max_output_tokens: z.number().int().positive().max(10_000_000).optional(),
  })
  .strict();

export const ProviderConfigSchema = z
  .object({
    /** Defaults to the provider's name when that is openai, anthropic or google. */
    type: z.enum(PROVIDER_TYPES).optional(),
    /** The API key inline; prefer `api_key_env`, which names the environment variable holding it. */
    api_key: z.string().min(1).optional(),
    api_key_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    base_url: z.url({ protocol: /^https?$/ }).optional(),
    /** OpenAI only: Chat Completions (default when base_url is set) or the Responses API (default otherwise). */
    api: z.enum(['chat', 'responses']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    max_concurrent: z.number().int().min(1).max(10_000).default(8),
    max_queued: z.number().int().min(0).max(1_000_000).default(256),
    models: z.array(ModelEntrySchema).max(1000).default([]),
  })
  .strict();

export const RetryConfigSchema = z
  .object({
    /** Attempts per model, the first included. */
    max_attempts: z.number().int().min(1).max(20).default(3),
    base_delay_ms: z.number().int().min(0).max(600_000).default(500),
    /** Also the longest retry-after honoured; a longer one moves on to the fallback chain. */
    max_delay_ms: z.number().int().min(0).max(3_600_000).default(30_000),
  })
  .strict();

export const ModelsConfigSchema = z
  .object({
    /** `provider/model` used when a call or manifest names none; AETHER_MODEL overrides it. */
    default: ModelIdSchema.optional(),
    providers: z.record(Name, ProviderConfigSchema).default({}),
    /** `provider/model` → models to try in order when it fails after its retries. */
    fallbacks: z.record(ModelIdSchema, z.array(ModelIdSchema).max(16)).default({}),
    retry: RetryConfigSchema.default(RetryConfigSchema.parse({})),
    /**
     * Longest wait for a provider's next stream event, the first included, before an attempt times out.
     * Generous by default: reasoning models on Chat Completions send nothing while they think.
     */
    timeout_ms: z.number().int().min(100).max(3_600_000).default(120_000),
    /** Output tokens reserved against a budget when neither the call nor the model entry bounds them. */
    default_max_output_tokens: z.number().int().positive().max(10_000_000).default(4096),
  })
  .strict();

export type ModelsConfig = z.infer<typeof ModelsConfigSchema>;
export type ModelsConfigInput = z.input<typeof ModelsConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
