/**
 * The `agent.*` contracts (DESIGN §4, §6), each declared once: request and reply schemas, the capability
 * it needs, the events it streams. Agent log events stream on `agent.event` (owner-stamped, one stream per
 * agent with its own sequence); `agent.logs` reads the same events from the durable log by cursor, so a
 * client catches up from the log and follows on the bus without a gap.
 */
import { z } from 'zod';
import { defineContract } from '../../contracts/contract.ts';
import { spawnCapability } from '../tools/builtin/child-manifest.ts';
import { AgentView, EndReasonView } from '../runtime/agent-view.ts';
import { AGENT_EVENT_TOPIC } from '../runtime/runtime-core.ts';
import { AGENT_STATUSES, WAIT_REASONS } from '../state/agent-status.ts';

const AgentId = z.string().regex(/^a_[A-Za-z0-9]{1,32}$/, 'an agent id looks like a_…');
const Message = z.string().min(1).max(256 * 1024);

/** A manifest inline (YAML text or object) or by VFS path; neither: a general assistant with the caller's rights. */
const ManifestFields = {
  manifest: z.union([z.string().min(1).max(512 * 1024), z.record(z.string(), z.unknown())]).optional(),
  path: z.string().min(1).max(4096).optional(),
  /** Overrides the manifest's model (`provider/model`). */
  model: z.string().min(1).max(256).optional(),
};

const capabilityOf = (payload: { manifest?: string | Record<string, unknown> | undefined; path?: string | undefined }): string =>
  payload.manifest === undefined ? 'agent.spawn' : spawnCapability({ manifest: payload.manifest });

const onlyOne = (payload: { manifest?: unknown; path?: unknown }): boolean => payload.manifest === undefined || payload.path === undefined;

const Outcome = z.object({
  agentId: z.string(),
  messageId: z.string(),
  /** Present when the call waited for the run to end. */
  outcome: z.enum(['completed', 'failed', 'stopped']).optional(),
  text: z.string().optional(),
  reason: EndReasonView.optional(),
});

const Wait = {
  /** Reply only when the run has ended, with its outcome (bounded by `timeout_ms`). */
  wait: z.boolean().default(false),
  timeout_ms: z.number().int().min(1).max(24 * 3_600_000).default(600_000),
};

const StatusReply = z.object({ id: z.string(), status: z.enum(AGENT_STATUSES), waiting: z.enum(WAIT_REASONS).optional() });

export const agentSpawn = defineContract({
  topic: 'agent.spawn',
  summary: 'Spawn an agent from a manifest (inline or by path), optionally with its first message',
  request: z.object({ ...ManifestFields, message: Message.optional() }).refine(onlyOne, 'give manifest or path, not both'),
  reply: z.object({ agentId: z.string(), name: z.string(), status: z.enum(AGENT_STATUSES), messageId: z.string().optional() }),
  capability: capabilityOf,
  streams: [AGENT_EVENT_TOPIC],
  idempotent: false,
});

export const agentRun = defineContract({
  topic: 'agent.run',
  summary: 'Send a message to an agent; its run starts when the agent is free',
  request: z.object({ id: AgentId, message: Message, ...Wait }),
  reply: Outcome,
  capability: () => 'agent.run',
  streams: [AGENT_EVENT_TOPIC],
  idempotent: false,
});

export const agentSpawnAndRun = defineContract({
  topic: 'agent.spawn_and_run',
  summary: 'Spawn an agent with a message and (with wait) reply with the outcome of that run',
  request: z.object({ ...ManifestFields, message: Message, ...Wait }).refine(onlyOne, 'give manifest or path, not both'),
  reply: Outcome,
  capability: capabilityOf,
  streams: [AGENT_EVENT_TOPIC],
  idempotent: false,
});

export const agentStop = defineContract({
  topic: 'agent.stop',
  summary: 'Stop an agent and its children; replies once they have ended',
  request: z.object({ id: AgentId, note: z.string().max(2000).optional() }),
  reply: StatusReply,
  capability: () => 'agent.stop',
  idempotent: true,
});

export const agentPause = defineContract({
  topic: 'agent.pause',
  summary: 'Pause an agent at its next step (a call in flight finishes first)',
  request: z.object({ id: AgentId }),
  reply: StatusReply,
  capability: () => 'agent.pause',
  idempotent: true,
});

export const agentResume = defineContract({
  topic: 'agent.resume',
  summary: 'Resume a paused agent',
  request: z.object({ id: AgentId }),
  reply: StatusReply,
  capability: () => 'agent.resume',
  idempotent: true,
});

export const agentList = defineContract({
  topic: 'agent.list',
  summary: "The caller's agents (all users' with admin.agents and all: true), oldest first, a page at a time",
  request: z.object({
    all: z.boolean().default(false),
    parentId: AgentId.optional(),
    cursor: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  reply: z.object({ agents: z.array(AgentView), cursor: z.string().optional() }),
  capability: () => 'agent.list',
  idempotent: true,
});

export const agentStatus = defineContract({
  topic: 'agent.status',
  summary: "An agent's status, usage and capabilities",
  request: z.object({ id: AgentId }),
  reply: AgentView,
  capability: () => 'agent.status',
  idempotent: true,
});

export const agentLogs = defineContract({
  topic: 'agent.logs',
  summary: "An agent's durable log after a cursor (its last seq); follow on agent.event for what comes next",
  request: z.object({ id: AgentId, after: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }),
  reply: z.object({
    events: z.array(z.object({ seq: z.number().int(), type: z.string(), time: z.string(), data: z.record(z.string(), z.unknown()) })),
    cursor: z.number().int(),
    done: z.boolean(),
  }),
  capability: () => 'agent.logs',
  streams: [AGENT_EVENT_TOPIC],
  idempotent: true,
});

export const agentRevoke = defineContract({
  topic: 'agent.revoke',
  summary: "Revoke one of an agent's grants; its children lose what they derived from it, mid-run",
  request: z.object({ id: AgentId, capability: z.string().min(1).max(8192) }),
  reply: z.object({ id: z.string(), revoked: z.number().int() }),
  capability: () => 'agent.revoke',
  idempotent: true,
});

export const AGENT_CONTRACTS = [agentSpawn, agentRun, agentSpawnAndRun, agentStop, agentPause, agentResume, agentList, agentStatus, agentLogs, agentRevoke] as const;
