/**
 * Builds the gateway's providers from the `models` config section and the environment (DESIGN §12; the
 * environment wins). OPENAI_API_KEY / OPENAI_BASE_URL configure `openai` — with a base URL it speaks Chat
 * Completions, which Ollama, vLLM, llama.cpp and most gateways serve; ANTHROPIC_API_KEY (and
 * ANTHROPIC_BASE_URL) configure `anthropic`; GOOGLE_GENERATIVE_AI_API_KEY (and GOOGLE_GENERATIVE_AI_BASE_URL)
 * configure `google`. AETHER_MODEL picks the default model; without it, the config's default, else the
 * first listed model, else a current general model of the first provider configured by its API key.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { KernelError } from '../contracts/errors.ts';
import type { GatewayProvider, ModelGatewayOptions, ModelSpec } from './gateway-options.ts';
import { type ModelsConfig, type ProviderConfig, type ProviderType, ModelsConfigSchema } from './models-config.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Used only when a provider is configured by its key alone and nothing names a model. */
export const BUILT_IN_DEFAULT_MODELS: Readonly<Record<'openai' | 'anthropic' | 'google', string>> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-5',
  google: 'gemini-2.5-flash',
};

const ENV = {
  openai: { key: 'OPENAI_API_KEY', url: 'OPENAI_BASE_URL' },
  anthropic: { key: 'ANTHROPIC_API_KEY', url: 'ANTHROPIC_BASE_URL' },
  google: { key: 'GOOGLE_GENERATIVE_AI_API_KEY', url: 'GOOGLE_GENERATIVE_AI_BASE_URL' },
} as const;

export function gatewayOptionsFromConfig(section: ModelsConfig | undefined, env: Environment): ModelGatewayOptions {
  const config = section ?? ModelsConfigSchema.parse({});
  const providers: Record<string, GatewayProvider> = {};
  const merged = withEnvironment(config.providers, env);
  for (const [name, provider] of Object.entries(merged)) providers[name] = buildProvider(name, provider, env);
  const options: ModelGatewayOptions = {
    providers,
    fallbacks: config.fallbacks,
    retry: { maxAttempts: config.retry.max_attempts, baseDelayMs: config.retry.base_delay_ms, maxDelayMs: config.retry.max_delay_ms },
    idleTimeoutMs: config.timeout_ms,
    defaultMaxOutputTokens: config.default_max_output_tokens,
  };
  const defaultModel = nonEmpty(env.AETHER_MODEL) ?? config.default ?? implicitDefault(merged, env);
  if (defaultModel !== undefined) options.defaultModel = defaultModel;
  return options;
}

/** The file's providers with the environment's keys and base URLs laid over the built-in three. */
function withEnvironment(fromFile: Readonly<Record<string, ProviderConfig>>, env: Environment): Record<string, ProviderConfig> {
  const merged: Record<string, ProviderConfig> = { ...fromFile };
  for (const [name, vars] of Object.entries(ENV)) {
    const key = nonEmpty(env[vars.key]);
    const url = nonEmpty(env[vars.url]);
    const existing = merged[name];
    if (key === undefined && url === undefined) continue;
    // A base URL alone is enough for a local server (Ollama and llama.cpp take no key), but only for openai.
    if (key === undefined && name !== 'openai' && existing === undefined) continue;
    const provider: ProviderConfig = existing ?? { max_concurrent: 8, max_queued: 256, models: [] };
    merged[name] = { ...provider, ...(key === undefined ? {} : { api_key: key }), ...(url === undefined ? {} : { base_url: url }) };
  }
  return merged;
}

function implicitDefault(providers: Readonly<Record<string, ProviderConfig>>, env: Environment): string | undefined {
  for (const [name, provider] of Object.entries(providers)) {
    const first = provider.models[0];
    if (first !== undefined) return `${name}/${first.id}`;
  }
  for (const name of ['anthropic', 'openai', 'google'] as const) {
    const provider = providers[name];
    // A custom base URL points at some other server whose models we cannot guess.
    if (provider !== undefined && provider.base_url === undefined && apiKey(provider, env) !== undefined) {
      return `${name}/${BUILT_IN_DEFAULT_MODELS[name]}`;
    }
  }
  return undefined;
}

function buildProvider(name: string, config: ProviderConfig, env: Environment): GatewayProvider {
  const type = typeOf(name, config);
  const key = apiKey(config, env);
  if (key === undefined && type !== 'openai-compatible' && !(type === 'openai' && config.base_url !== undefined)) {
    const variable = config.api_key_env ?? ENV[type].key;
    throw new KernelError('payload_invalid', `models.providers.${name}: no API key; set ${variable}`, { provider: name });
  }
  const headers = config.headers;
  const languageModel = languageModelFactory(type, name, config, key, headers);
  return {
    languageModel,
    maxConcurrent: config.max_concurrent,
    maxQueued: config.max_queued,
    models: config.models.map(toSpec),
  };
}

function languageModelFactory(
  type: ProviderType,
  name: string,
  config: ProviderConfig,
  key: string | undefined,
  headers: Record<string, string> | undefined,
): (modelId: string) => LanguageModelV3 {
  const common = {
    ...(config.base_url === undefined ? {} : { baseURL: config.base_url }),
    ...(headers === undefined ? {} : { headers }),
  };
  switch (type) {
    case 'openai': {
      // Local servers usually take no key; the SDK insists on one, and any string does for them.
      const provider = createOpenAI({ ...common, name, apiKey: key ?? (config.base_url === undefined ? undefined : 'unused') });
      const api = config.api ?? (config.base_url === undefined ? 'responses' : 'chat');
      return (modelId) => (api === 'chat' ? provider.chat(modelId) : provider.responses(modelId));
    }
    case 'anthropic': {
      const provider = createAnthropic({ ...common, ...(key === undefined ? {} : { apiKey: key }) });
      return (modelId) => provider.languageModel(modelId);
    }
    case 'google': {
      const provider = createGoogleGenerativeAI({ ...common, ...(key === undefined ? {} : { apiKey: key }) });
      return (modelId) => provider.languageModel(modelId);
    }
    case 'openai-compatible': {
      if (config.base_url === undefined) {
        throw new KernelError('payload_invalid', `models.providers.${name}: an openai-compatible provider needs base_url`, { provider: name });
      }
      const provider = createOpenAICompatible({
        name,
        baseURL: config.base_url,
        includeUsage: true,
        ...(key === undefined ? {} : { apiKey: key }),
        ...(headers === undefined ? {} : { headers }),
      });
      return (modelId) => provider.chatModel(modelId);
    }
  }
}

function typeOf(name: string, config: ProviderConfig): ProviderType {
  if (config.type !== undefined) return config.type;
  if (name === 'openai' || name === 'anthropic' || name === 'google') return name;
  throw new KernelError('payload_invalid', `models.providers.${name}: set type (one of openai, anthropic, google, openai-compatible)`, {
    provider: name,
  });
}

function apiKey(config: ProviderConfig, env: Environment): string | undefined {
  if (config.api_key_env !== undefined) {
    const value = nonEmpty(env[config.api_key_env]);
    if (value !== undefined) return value;
  }
  return config.api_key;
}

function toSpec(entry: ModelsConfig['providers'][string]['models'][number]): ModelSpec {
  const spec: ModelSpec = { id: entry.id };
  if (entry.input_price_per_mtok !== undefined) spec.inputPricePerMTok = entry.input_price_per_mtok;
  if (entry.output_price_per_mtok !== undefined) spec.outputPricePerMTok = entry.output_price_per_mtok;
  if (entry.max_output_tokens !== undefined) spec.maxOutputTokens = entry.max_output_tokens;
  return spec;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
