/**
 * Answers `kernel.status` from the parts the composition root hands it.
 */
import { hostname } from 'node:os';
import type { Bus } from '../bus/bus.ts';
import type { ContractRegistry } from '../contracts/registry.ts';
import type { Ingress } from '../ingress/ingress.ts';
import { type HealthCheck, gatherHealth } from './health.ts';
import { type KernelStatus, kernelStatusContract } from './status-contract.ts';

export interface StatusSources {
  version: string;
  bus: Bus;
  store: { readonly dialect: 'sqlite' | 'postgres' };
  registry: ContractRegistry;
  ingress: Ingress;
  checks: readonly HealthCheck[];
}

export class StatusService {
  readonly #sources: StatusSources;
  readonly #startedAt = new Date();
  readonly #node = `${hostname()}:${process.pid}`;

  constructor(sources: StatusSources) {
    this.#sources = sources;
  }

  async status(): Promise<KernelStatus> {
    const { version, bus, store, registry, ingress, checks } = this.#sources;
    return {
      version,
      node: this.#node,
      started_at: this.#startedAt.toISOString(),
      uptime_ms: Math.max(0, Math.round(Date.now() - this.#startedAt.getTime())),
      backends: { bus: bus.backend, store: store.dialect },
      services: await gatherHealth(checks),
      connections: ingress.connectionCount,
      contracts: registry.topics().length,
    };
  }

  register(): void {
    this.#sources.registry.register(kernelStatusContract, () => this.status());
  }
}
