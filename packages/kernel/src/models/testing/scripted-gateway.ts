/**
 * A model gateway over the scripted model, for tests of the gateway's callers (the agent loop): provider
 * `scripted`, default model `scripted/test`, and backoff that is recorded instead of waited, so retries need
 * no timers. Pass gateway options to set budgets' prices, fallbacks or limits.
 */
import { type AetherModelGateway, createModelGateway } from '../create-model-gateway.ts';
import type { ModelGatewayOptions } from '../gateway-options.ts';
import { KernelError } from '../../contracts/errors.ts';
import { type ScriptedModel, type ScriptedTurn, scriptedModel } from './scripted-model.ts';

export interface ScriptedGateway {
  gateway: AetherModelGateway;
  model: ScriptedModel;
  /** Every backoff the gateway asked for, in milliseconds. */
  sleeps: number[];
}

/** Pass turns, or a scripted model made with its own limits and priced models. */
export function scriptedGateway(script: readonly ScriptedTurn[] | ScriptedModel, options: Partial<ModelGatewayOptions> = {}): ScriptedGateway {
  const model = Array.isArray(script) ? scriptedModel(script) : (script as ScriptedModel);
  const sleeps: number[] = [];
  const gateway = createModelGateway({
    defaultModel: 'scripted/test',
    random: () => 0.5,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return signal.aborted ? Promise.reject(new KernelError('cancelled', 'model call cancelled while waiting to retry')) : Promise.resolve();
    },
    ...options,
    providers: { scripted: model, ...options.providers },
  });
  return { gateway, model, sleeps };
}
