/**
 * The JSON-RPC backend over the kernel: one ephemeral ingress call per request, as the caller
 * authenticated, counted in the metrics under its surface.
 */
import type { Kernel } from '@aether/kernel';
import { type CallAuth, type CallOptions, callThroughIngress } from '../http/ingress-call.ts';
import type { GatewayMetrics, Surface } from '../metrics/metrics.ts';
import type { RpcBackend } from './json-rpc.ts';

export function kernelRpcBackend(kernel: Kernel, auth: CallAuth, metrics: GatewayMetrics, surface: Surface, call: Omit<CallOptions, 'timeoutMs'> = {}): RpcBackend {
  const timeoutMs = kernel.config.limits.request_timeout_ms;
  return {
    knows: (method) => kernel.registry.get(method) !== undefined,
    call: async (method, params) => {
      const outcome = await callThroughIngress(kernel, auth, method, params, { ...call, timeoutMs });
      if (!outcome.ok) metrics.errorSent(outcome.error.code, surface);
      return outcome;
    },
  };
}
