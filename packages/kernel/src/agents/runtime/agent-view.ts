/**
 * How an agent is shown on the wire (`agent.status`, `agent.list`): one zod schema for the view, built
 * from the live process when the kernel drives it, else from its row and the summary kept with it.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../contracts/errors.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { AgentRow } from '../process/agent-repository.ts';
import { AGENT_STATUSES, type AgentStatus, type EndReason, WAIT_REASONS, type WaitReason } from '../state/agent-status.ts';
import { modelOf } from '../state/status-of.ts';

export const EndReasonView = z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

export const AgentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  owner: z.string(),
  parentId: z.string().optional(),
  depth: z.number().int(),
  lifecycle: z.string(),
  model: z.string().optional(),
  status: z.enum(AGENT_STATUSES),
  waiting: z.enum(WAIT_REASONS).optional(),
  reason: EndReasonView.optional(),
  /** Runs started, model steps of the current run (live agents), tokens and cost so far. */
  runs: z.number().int().optional(),
  step: z.number().int().optional(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).optional(),
  capabilities: z.array(z.string()).optional(),
  lastSeq: z.number().int().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type AgentView = z.infer<typeof AgentView>;

export function liveView(process: AgentProcess, row?: AgentRow): AgentView {
  const { info } = process.state;
  const status = process.status;
  const model = modelOf(process.state);
  return {
    id: process.id,
    name: info.name,
    ...(info.manifest.description === undefined ? {} : { description: info.manifest.description }),
    owner: info.owner,
    ...(info.parentId === undefined ? {} : { parentId: info.parentId }),
    depth: info.depth,
    lifecycle: info.manifest.lifecycle,
    ...(model === undefined ? {} : { model }),
    status: status.status,
    ...(status.waiting === undefined ? {} : { waiting: status.waiting }),
    ...(status.reason === undefined ? {} : { reason: status.reason }),
    runs: process.state.runs,
    ...(process.state.run === undefined ? {} : { step: process.state.run.step }),
    usage: { ...process.state.usage },
    capabilities: process.principal.capabilities.list(),
    lastSeq: process.state.lastSeq,
    ...(row === undefined ? {} : { createdAt: row.createdAt, updatedAt: row.updatedAt }),
  };
}

/** The table's coarse status (`waiting:approval`) back into status and reason. */
function parseStatus(text: string): { status: AgentStatus; waiting?: WaitReason } {
  const [status, waiting] = text.split(':') as [AgentStatus, WaitReason | undefined];
  return waiting === undefined ? { status } : { status, waiting };
}

export function rowView(row: AgentRow, ended?: EndReason): AgentView {
  const reason = ended ?? row.summary?.reason;
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    ...(row.parentId === null ? {} : { parentId: row.parentId }),
    depth: row.depth,
    lifecycle: row.lifecycle,
    ...(row.summary?.model === undefined ? {} : { model: row.summary.model }),
    ...parseStatus(row.status),
    ...(reason === undefined ? {} : { reason }),
    ...(row.summary === undefined ? {} : { runs: row.summary.runs, usage: { ...row.summary.usage } }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
