/**
 * Reads the configuration from its sources and validates it once. Precedence: file < environment < flags.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { KernelError } from '../contracts/errors.ts';
import { type Config, ConfigSchema } from './config.ts';

type Source = 'file' | 'environment' | 'flag' | 'defaults';

/** Environment variables (DESIGN §12) and the config key each one sets. */
const ENVIRONMENT: Record<string, { key: string; kind: 'string' | 'int' }> = {
  AETHER_DATA_DIR: { key: 'data_dir', kind: 'string' },
  AETHER_HOST: { key: 'host', kind: 'string' },
  AETHER_PORT: { key: 'port', kind: 'int' },
  AETHER_DATABASE_URL: { key: 'database_url', kind: 'string' },
  AETHER_NATS_URL: { key: 'nats_url', kind: 'string' },
  AETHER_ADMIN_TOKEN: { key: 'admin_token', kind: 'string' },
  AETHER_LOG_LEVEL: { key: 'log_level', kind: 'string' },
};

export interface ConfigSources {
  /** Path of a YAML file; AETHER_CONFIG when absent. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, already keyed like the config. */
  flags?: Record<string, unknown>;
}

export class ConfigError extends KernelError {
  constructor(key: string, source: Source, message: string) {
    super('payload_invalid', `invalid configuration: ${key === '' ? message : `${key}: ${message}`} (from ${source})`, { key, source });
    this.name = 'ConfigError';
  }
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, Source>();
  const set = (key: string, value: unknown, source: Source): void => {
    merged[key] = value;
    origin.set(key, source);
  };

  const file = sources.file ?? env.AETHER_CONFIG;
  if (file !== undefined && file !== '') {
    for (const [key, value] of Object.entries(readConfigFile(file))) set(key, value, 'file');
  }
  for (const [name, { key, kind }] of Object.entries(ENVIRONMENT)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (kind === 'int' && !/^\d+$/.test(raw)) throw new ConfigError(key, 'environment', `${name} must be a whole number, got ${JSON.stringify(raw)}`);
    set(key, kind === 'int' ? Number(raw) : raw, 'environment');
  }
  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (value !== undefined) set(key, value, 'flag');
  }

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const key = issue.path.map(String).join('.');
    const top = String(issue.path[0] ?? '');
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
    throw new ConfigError(key, origin.get(top) ?? 'defaults', message);
  }
  return parsed.data;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (thrown) {
    throw new ConfigError('', 'file', `cannot read config file ${file}: ${(thrown as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (thrown) {
    throw new ConfigError('', 'file', `config file ${file} is not valid YAML: ${(thrown as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('', 'file', `config file ${file} must hold a mapping`);
  return value as Record<string, unknown>;
}
