/**
 * Which models the gateway can reach: `provider/model` ids resolved against the configured providers, the
 * default model, each model's fallback chain and prices. An id naming an unconfigured provider, or no id
 * and no default, is a `not_found` that says what to set. Bad fallback chains fail at construction.
 */
import { KernelError } from '../contracts/errors.ts';
import type { ModelInfo } from './model-gateway.ts';
import type { GatewayProvider, ModelGatewayOptions, ModelSpec } from './gateway-options.ts';

export interface ResolvedModel {
  /** `provider/model`. */
  id: string;
  provider: string;
  modelId: string;
  spec: ModelSpec | undefined;
}

const DEFAULT_HINT =
  'Set OPENAI_API_KEY, ANTHROPIC_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server), ' +
  'or add providers to the `models` section of the config file.';

export class ModelCatalog {
  readonly #providers: Readonly<Record<string, GatewayProvider>>;
  readonly #default: string | undefined;
  readonly #fallbacks: ReadonlyMap<string, readonly string[]>;
  readonly #hint: string;

  constructor(options: ModelGatewayOptions) {
    this.#providers = options.providers;
    this.#hint = options.configurationHint ?? DEFAULT_HINT;
    this.#default = options.defaultModel;
    if (this.#default !== undefined) this.#check(this.#default, 'default model');
    const fallbacks = new Map<string, readonly string[]>();
    for (const [model, chain] of Object.entries(options.fallbacks ?? {})) {
      this.#check(model, 'fallback source');
      for (const next of chain) this.#check(next, `fallback of ${model}`);
      fallbacks.set(model, chain);
    }
    this.#fallbacks = fallbacks;
  }

  get defaultModel(): string | undefined {
    return this.#default;
  }

  providerNames(): string[] {
    return Object.keys(this.#providers).sort();
  }

  provider(name: string): GatewayProvider {
    const provider = this.#providers[name];
    if (provider === undefined) throw new KernelError('not_found', `model provider ${name} is not configured`, { provider: name });
    return provider;
  }

  /** The model a call means: its own, or the default. */
  resolve(model: string | undefined): ResolvedModel {
    const names = this.providerNames();
    if (names.length === 0) throw new KernelError('not_found', `no model provider is configured. ${this.#hint}`, { providers: [] });
    const id = model ?? this.#default;
    if (id === undefined) {
      throw new KernelError('not_found', `no default model is set: set AETHER_MODEL to provider/model (configured providers: ${names.join(', ')})`, {
        providers: names,
      });
    }
    const { provider, modelId } = splitModelId(id);
    const entry = this.#providers[provider];
    if (entry === undefined) {
      throw new KernelError('not_found', `model provider ${provider} is not configured (configured: ${names.join(', ')}). ${this.#hint}`, {
        model: id,
        providers: names,
      });
    }
    return { id, provider, modelId, spec: entry.models?.find((spec) => spec.id === modelId) };
  }

  /** The model and then its fallbacks, each once. */
  chain(model: ResolvedModel): ResolvedModel[] {
    const ids = [model.id, ...(this.#fallbacks.get(model.id) ?? [])];
    return [...new Set(ids)].map((id) => (id === model.id ? model : this.resolve(id)));
  }

  /** Listed and priced models, the default and every fallback target, sorted by id. */
  list(): ModelInfo[] {
    const infos = new Map<string, ModelInfo>();
    for (const [provider, entry] of Object.entries(this.#providers)) {
      for (const spec of entry.models ?? []) infos.set(`${provider}/${spec.id}`, info(provider, spec));
    }
    const referenced = [this.#default, ...this.#fallbacks.keys(), ...[...this.#fallbacks.values()].flat()];
    for (const id of referenced) {
      if (id === undefined || infos.has(id)) continue;
      const { provider, modelId } = splitModelId(id);
      infos.set(id, info(provider, { id: modelId }));
    }
    return [...infos.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  #check(id: string, what: string): void {
    const { provider } = splitModelId(id);
    if (this.#providers[provider] === undefined) {
      throw new KernelError('not_found', `${what} ${id}: provider ${provider} is not configured`, { model: id });
    }
  }
}

/** `provider/model`; the model part may itself contain slashes (e.g. `openrouter/meta-llama/llama-3`). */
export function splitModelId(id: string): { provider: string; modelId: string } {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) {
    throw new KernelError('payload_invalid', `model ${JSON.stringify(id)} must be written provider/model`, { model: id });
  }
  return { provider: id.slice(0, slash), modelId: id.slice(slash + 1) };
}

function info(provider: string, spec: ModelSpec): ModelInfo {
  const result: ModelInfo = { id: `${provider}/${spec.id}`, provider };
  if (spec.inputPricePerMTok !== undefined) result.inputPricePerMTok = spec.inputPricePerMTok;
  if (spec.outputPricePerMTok !== undefined) result.outputPricePerMTok = spec.outputPricePerMTok;
  return result;
}
