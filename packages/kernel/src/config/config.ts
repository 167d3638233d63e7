/**
 * The kernel's configuration: one zod schema, filled from a YAML file (AETHER_CONFIG / --config), then
 * the environment, then command-line flags (later wins). A bad value stops start-up with an error that
 * names the key and where it came from. Keys are snake_case in the file, as in the Aether paper's form.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { RateLimitRuleSchema } from '../security/rate-limiter.ts';
import { TopicRuleSchema } from '../security/topic-rules.ts';
import { VfsConfigSchema } from '../vfs/vfs-config.ts';
import { ComputeConfigSchema } from '../compute/service/compute-config.ts';
import { ModelsConfigSchema } from '../models/models-config.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const LimitsSchema = z
  .object({
    /** Largest inbound frame, in bytes. */
    max_payload_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** Envelopes held per bus client before droppable events are dropped. */
    queue_limit: z.number().int().min(1).max(1_000_000).default(1024),
    /** Default timeout of a request between services. */
    request_timeout_ms: z.number().int().min(1).max(3_600_000).default(30_000),
    /** Calls one connection may have in flight at once. */
    max_in_flight_per_connection: z.number().int().min(1).max(100_000).default(256),
    /** How long stop() waits for in-flight calls before failing them with `cancelled`. */
    shutdown_grace_ms: z.number().int().min(0).max(600_000).default(5_000),
  })
  .strict();

export const AuditSchema = z
  .object({
    /** Audit records older than this many days are pruned (the chain stays verifiable). 0 keeps everything. */
    retention_days: z.number().int().min(0).max(36_500).default(365),
  })
  .strict();

export const ConfigSchema = z
  .object({
    data_dir: z.string().min(1).default(path.join(os.homedir(), '.aether')),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(7700),
    database_url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    nats_url: z
      .string()
      .regex(/^(nats|tls):\/\//, 'must be a nats:// URL')
      .optional(),
    admin_token: z.string().optional(),
    log_level: z.enum(LOG_LEVELS).default('info'),
    permissions: z.array(TopicRuleSchema).max(10_000).default([]),
    rate_limits: z.array(RateLimitRuleSchema).max(10_000).default([]),
    limits: LimitsSchema.default(LimitsSchema.parse({})),
    audit: AuditSchema.default(AuditSchema.parse({})),
    vfs: VfsConfigSchema.default(VfsConfigSchema.parse({})),
    compute: ComputeConfigSchema.default(ComputeConfigSchema.parse({})),
    models: ModelsConfigSchema.default(ModelsConfigSchema.parse({})),
    /** The server's own settings (TLS, origins, …); validated by @aether/server, opaque to the kernel. */
    gateway: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
