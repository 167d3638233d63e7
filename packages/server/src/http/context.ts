/**
 * What every route of the gateway is built from, passed explicitly by the server's wiring.
 */
import type { Kernel, Logger } from '@aether/kernel';
import type { Authenticator } from '../auth/authenticator.ts';
import type { RequestAuth } from '../auth/request-auth.ts';
import type { GatewayMetrics } from '../metrics/metrics.ts';
import type { ServerOptions } from '../options.ts';
import type { OriginPolicy } from '../transport/origin-policy.ts';

export interface GatewayContext {
  readonly kernel: Kernel;
  readonly authenticator: Authenticator;
  readonly options: ServerOptions;
  readonly origins: OriginPolicy;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** True when the daemon listens only on a loopback address. */
  readonly loopbackOnly: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the request guard before any route that calls the kernel. */
    aetherAuth: RequestAuth | null;
  }
}
