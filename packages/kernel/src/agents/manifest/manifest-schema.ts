/**
 * The agent manifest (DESIGN §6), one zod schema: what an agent is (name, description, model, system
 * prompt), how it lives (lifecycle, schedule, restart policy), what it may do (capabilities, tools,
 * approval_required) and what it may spend (budget). Fields shared with aaOS manifests mean the same:
 * `name`, `model`, `system_prompt`, `lifecycle` (kebab-case), `capabilities` (aaOS forms such as
 * `"tool: web_fetch"` and `"file_read: /data/*"` are accepted and translated), `approval_required` (tool
 * names), `budget_config` (`max_tokens`), `memory` (`context_window`, `max_history_messages`, …) and
 * `metadata`. Unknown top-level keys are refused so a misspelt field cannot be silently ignored.
 */
import { z } from 'zod';
import { parseDuration } from './duration.ts';

export const AGENT_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
export const LIFECYCLES = ['on-demand', 'persistent', 'scheduled'] as const;
export const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const;

const Duration = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 90, "30s", "10m" or "2h" (a bare number is seconds)' });
    return z.NEVER;
  }
  return ms;
});

const PromptFile = z.object({ file: z.string().min(1).max(4096) }).strict();
export const SystemPrompt = z.union([z.string().max(256 * 1024), PromptFile]).transform((value) => {
  if (typeof value !== 'string') return value;
  return value.startsWith('file:') ? { file: value.slice('file:'.length).trim() } : value;
});

export const Budget = z
  .object({
    /** Input + output tokens a run may use. */
    tokens: z.number().int().positive().optional(),
    cost_usd: z.number().positive().optional(),
    /** Model turns a run may take. */
    steps: z.number().int().positive().max(10_000).optional(),
    /** Wall-clock time of a run, from its start (restarts included). */
    wall_time: Duration.optional(),
  })
  .strict();

/** aaOS's form: `max_tokens` per period. The period is accepted for compatibility; budgets here are per run. */
export const AaosBudgetConfig = z
  .object({
    max_tokens: z.number().int().positive(),
    reset_period_seconds: z.number().int().nonnegative().optional(),
  })
  .strict();

/** Tokens, as aaOS writes them: 128000, "128000", "128k", "1m". At least 1k; at most 100m. */
const TokenCount = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(String(value));
  const scale = match?.[2]?.toLowerCase() === 'k' ? 1_000 : match?.[2]?.toLowerCase() === 'm' ? 1_000_000 : 1;
  const tokens = match === null ? Number.NaN : Math.floor(Number(match[1]) * scale);
  if (!Number.isSafeInteger(tokens) || tokens < 1_000 || tokens > 100_000_000) {
    ctx.addIssue({ code: 'custom', message: 'expected a token count from 1000 to 100m, such as 128000 or "128k"' });
    return z.NEVER;
  }
  return tokens;
});

export const Memory = z
  .object({
    context_window: TokenCount.optional(),
    max_history_messages: z.number().int().positive().optional(),
    episodic_enabled: z.boolean().optional(),
  })
  .loose();

export const Restart = z
  .object({
    policy: z.enum(RESTART_POLICIES).default('on-failure'),
    max_restarts: z.number().int().min(0).max(1000).default(3),
    backoff: Duration.default(1000),
  })
  .strict();

const Capability = z.string().min(1).max(8192);
const ToolName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a tool name is lower snake case');

export const ManifestSchema = z
  .object({
    name: z.string().regex(AGENT_NAME, 'a name is lowercase letters, digits, "-" and "_", starting with a letter (at most 64)'),
    description: z.string().max(4096).optional(),
    /** `provider/model`; the kernel's default model (AETHER_MODEL) when absent. */
    model: z.string().min(1).max(256).optional(),
    system_prompt: SystemPrompt.optional(),
    lifecycle: z.enum(LIFECYCLES).default('on-demand'),
    /** For `scheduled`: how often it runs, as a duration ("1h"). */
    schedule: Duration.optional(),
    capabilities: z.array(Capability).max(1000).default([]),
    /** Tools offered to the model; defaults to the tools named by `tool.use:<name>` capabilities. */
    tools: z.array(ToolName).max(200).optional(),
    /** Tool names, or capability patterns (`fs.write:/home/**`), whose calls wait for a person. */
    approval_required: z.array(z.string().min(1).max(8192)).max(1000).default([]),
    /** How long an approval may wait before it counts as denied; unset waits indefinitely. */
    approval_timeout: Duration.optional(),
    budget: Budget.optional(),
    budget_config: AaosBudgetConfig.optional(),
    memory: Memory.optional(),
    skills: z.array(z.string().min(1).max(128)).max(200).default([]),
    restart: Restart.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    if (manifest.lifecycle === 'scheduled' && manifest.schedule === undefined) {
      ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'a scheduled agent needs a schedule, e.g. "1h"' });
    }
    if (manifest.lifecycle !== 'scheduled' && manifest.schedule !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'only a scheduled agent has a schedule' });
    }
    if (manifest.restart !== undefined && manifest.lifecycle === 'on-demand') {
      ctx.addIssue({ code: 'custom', path: ['restart'], message: 'a restart policy applies to persistent and scheduled agents only' });
    }
  });

export type ManifestInput = z.input<typeof ManifestSchema>;
/** A manifest as validated, before capabilities are translated and the prompt file is read. */
export type RawManifest = z.output<typeof ManifestSchema>;
export type BudgetLimits = { tokens?: number; costUsd?: number; steps: number; wallTimeMs?: number };
export type RestartPolicy = z.output<typeof Restart>;

/**
 * The normalised manifest the runtime uses (and the agent's log records): capabilities in Aether's
 * grammar, the tools offered, the system prompt text, budgets merged from both spellings.
 */
export interface AgentManifest {
  readonly name: string;
  readonly description?: string;
  readonly model?: string;
  readonly systemPrompt: string;
  readonly lifecycle: (typeof LIFECYCLES)[number];
  readonly scheduleMs?: number;
  readonly capabilities: readonly string[];
  readonly tools: readonly string[];
  readonly approvalRequired: readonly string[];
  readonly approvalTimeoutMs?: number;
  readonly budget: BudgetLimits;
  readonly maxHistoryMessages?: number;
  /** The model's context window in tokens (`memory.context_window`); the loop fits each turn inside it. */
  readonly contextWindowTokens?: number;
  readonly skills: readonly string[];
  readonly restart: RestartPolicy;
  readonly metadata?: Record<string, unknown>;
}

export const DEFAULT_MAX_STEPS = 50;
export const NO_RESTART: RestartPolicy = Object.freeze({ policy: 'never', max_restarts: 0, backoff: 1000 });
