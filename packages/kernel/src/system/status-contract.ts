/**
 * `kernel.status`: what this kernel node is, what it runs on and whether its services are healthy.
 */
import { z } from 'zod';
import { defineContract } from '../contracts/contract.ts';

export const ServiceHealth = z.object({
  name: z.string(),
  healthy: z.boolean(),
  detail: z.string().optional(),
});
export type ServiceHealth = z.infer<typeof ServiceHealth>;

export const KernelStatus = z.object({
  version: z.string(),
  node: z.string(),
  started_at: z.string(),
  uptime_ms: z.number().int().nonnegative(),
  backends: z.object({ bus: z.enum(['inprocess', 'nats']), store: z.enum(['sqlite', 'postgres']) }),
  services: z.array(ServiceHealth),
  connections: z.number().int().nonnegative(),
  contracts: z.number().int().nonnegative(),
});
export type KernelStatus = z.infer<typeof KernelStatus>;

export const kernelStatusContract = defineContract({
  topic: 'kernel.status',
  summary: 'Version, uptime, backends and service health of this kernel node.',
  request: z.object({}).strict(),
  reply: KernelStatus,
  capability: () => 'kernel.status',
  idempotent: true,
});
