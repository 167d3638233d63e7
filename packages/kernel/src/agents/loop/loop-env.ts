/**
 * What the agent loop's phases are given by the runtime: the model gateway, the tools and the handles
 * they use, approvals, the audit sink, limits and a clock. Passed explicitly; no phase looks anything up.
 */
import type { AuditEntry } from '../../audit/audit-log.ts';
import type { ModelGateway } from '../../models/model-gateway.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ApprovalService } from '../../approvals/approval-service.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { ToolServices } from '../tools/tool.ts';
import type { ToolRegistry } from '../tools/tool-registry.ts';

export interface AgentLimits {
  /** Deepest parent → child chain (a top-level agent is depth 0). */
  maxDepth: number;
  /** Children one agent may have spawned in its life. */
  maxChildren: number;
  /** Agents one user may have that have not ended. */
  maxAgentsPerOwner: number;
  /** Agents the kernel drives at once, all users together. */
  maxLiveAgents: number;
  /** Messages waiting for one agent. */
  inboxLimit: number;
  /** Children spawn_agents runs at once, and the most it takes in one call. */
  maxParallelChildren: number;
  maxBatchChildren: number;
  /** Tool calls taken from one model turn; the rest are answered with an error. */
  maxToolCallsPerTurn: number;
  /** Streamed text is logged in chunks of about this many bytes, or after this long. */
  deltaChunkBytes: number;
  deltaFlushMs: number;
  /** Delta events logged per model turn; later deltas are not logged (the full text is, with the answer). */
  maxDeltaEventsPerStep: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = Object.freeze({
  maxDepth: 4,
  maxChildren: 32,
  maxAgentsPerOwner: 200,
  maxLiveAgents: 10_000,
  inboxLimit: 100,
  maxParallelChildren: 4,
  maxBatchChildren: 8,
  maxToolCallsPerTurn: 32,
  deltaChunkBytes: 2048,
  deltaFlushMs: 100,
  maxDeltaEventsPerStep: 64,
});

export interface LoopEnv {
  readonly models: ModelGateway;
  readonly tools: ToolRegistry;
  readonly services: ToolServices;
  readonly approvals: ApprovalService;
  /** Records an audit entry without waiting for it (bounded, in order). */
  audit(entry: AuditEntry): void;
  readonly logger: Logger;
  readonly limits: AgentLimits;
  now(): number;
  /** Waits `ms` (a persistent agent's restart backoff); rejects when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** A run began: the runtime gives it its budget ledger (drawing on the parent's). */
  runStarted(process: AgentProcess): void;
}
