/**
 * The events of an agent's durable log (DESIGN §1.3, STYLE 14–15): immutable records, one stream per
 * agent (`agent:<id>`), each written before the effect it records takes place. Everything else — the
 * conversation the model sees, the status the desktop shows, what a resumed run does next — is a
 * projection folded from these. Every event carries `v` (its schema version); a reader refuses versions it
 * does not know rather than guess.
 */
import type { ErrorCode } from '../../contracts/errors.ts';
import type { ToolCall } from '../../models/model-gateway.ts';
import type { AgentManifest } from '../manifest/manifest-schema.ts';
import type { ToolWait } from '../tools/tool.ts';
import type { AgentStatus, EndReason } from './agent-status.ts';

export const EVENT_VERSION = 1;

export type ApprovalDecision = 'approved' | 'denied' | 'expired';
export type ToolCallStatus = 'ok' | 'error' | 'interrupted';
export type RunOutcome = 'completed' | 'failed' | 'stopped';

export interface SpawnedData {
  agentId: string;
  name: string;
  /** The user the agent works for, `user:<name>`. */
  owner: string;
  /** The principal that spawned it: the caller, or the parent agent's principal id. */
  spawnedBy: string;
  parentId?: string;
  depth: number;
  manifest: AgentManifest;
  /** What it was granted (canonical), narrowed from the spawner's set. */
  capabilities: string[];
  /** The idempotency key of the spawn_agent call that made it, when a tool did. */
  spawnKey?: string;
}

/** Event type → its data (without `v`). */
export interface AgentEventMap {
  'agent.spawned': SpawnedData;
  'message.received': { messageId: string; text: string; from: string };
  'run.started': { runId: string; messageId: string };
  'model.requested': { runId: string; step: number; model?: string; messages: number; tools: number };
  'model.delta': { runId: string; step: number; kind: 'text' | 'reasoning'; text: string };
  'model.responded': {
    runId: string;
    step: number;
    model: string;
    text: string;
    reasoning?: string;
    toolCalls: ToolCall[];
    finishReason: string;
  };
  usage: { runId: string; step: number; model: string; inputTokens: number; outputTokens: number; costUsd: number };
  'model.failed': { runId: string; step: number; code: ErrorCode; message: string };
  'approval.requested': {
    runId: string;
    step: number;
    callId: string;
    approvalId: string;
    tool: string;
    capability: string | null;
    /** The approval_required entry (or the tool's own policy) that asked. */
    rule?: string;
    summary: string;
    expiresAt?: string;
  };
  'approval.decided': { runId: string; callId: string; approvalId: string; decision: ApprovalDecision; by: string; note?: string };
  'tool.started': { runId: string; step: number; callId: string; name: string; key: string; input: unknown; waits?: ToolWait };
  'tool.finished': {
    runId: string;
    step: number;
    callId: string;
    name: string;
    key: string;
    status: ToolCallStatus;
    /** What the model reads: rendered, truncated, wrapped as untrusted data. */
    output: string;
    code?: ErrorCode;
  };
  'run.finished': { runId: string; messageId: string; outcome: RunOutcome; text?: string; reason?: EndReason };
  'agent.paused': { by: string };
  'agent.resumed': { by: string };
  'agent.restarted': { attempt: number; reason: EndReason };
  'capability.revoked': { capability: string; by: string };
  'agent.ended': { status: Extract<AgentStatus, RunOutcome>; reason?: EndReason };
}

export type AgentEventType = keyof AgentEventMap;

export type AgentEvent = { [K in AgentEventType]: { type: K; data: AgentEventMap[K] } }[AgentEventType];

/** A logged event: its place in the stream and when it was written. */
export type LoggedEvent = AgentEvent & { seq: number; time: string };

const TYPES = new Set<string>([
  'agent.spawned',
  'message.received',
  'run.started',
  'model.requested',
  'model.delta',
  'model.responded',
  'usage',
  'model.failed',
  'approval.requested',
  'approval.decided',
  'tool.started',
  'tool.finished',
  'run.finished',
  'agent.paused',
  'agent.resumed',
  'agent.restarted',
  'capability.revoked',
  'agent.ended',
] satisfies AgentEventType[]);

export function event<K extends AgentEventType>(type: K, data: AgentEventMap[K]): AgentEvent {
  return { type, data } as AgentEvent;
}

/** Reads a stored event back; refuses a type or version this code does not know. */
export function readEvent(stored: { seq: number; time: string; type: string; data: Record<string, unknown> }): LoggedEvent {
  if (!TYPES.has(stored.type)) throw new Error(`agent log event ${stored.seq} has unknown type ${stored.type}`);
  const { v, ...data } = stored.data;
  if (v !== EVENT_VERSION) throw new Error(`agent log event ${stored.seq} (${stored.type}) has schema version ${String(v)}; this kernel reads ${EVENT_VERSION}`);
  // The type was checked above and the data was written by `event()` for that type.
  return { type: stored.type, data, seq: stored.seq, time: stored.time } as LoggedEvent;
}

/** The stored form: the data with its version stamped in. */
export function storedData(event: AgentEvent): Record<string, unknown> {
  return { v: EVENT_VERSION, ...event.data };
}
