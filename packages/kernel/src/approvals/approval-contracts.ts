/**
 * The `approval.*` contracts: list the approvals and questions waiting for the caller (everyone's with
 * `admin.approvals` and all: true), and decide one. `approval.requested` and `approval.decided` stream to
 * the owner. A question (ask_human) is answered with decision `approve` and an `answer`.
 */
import { z } from 'zod';
import { defineContract } from '../contracts/contract.ts';
import { KernelError } from '../contracts/errors.ts';
import type { ContractRegistry } from '../contracts/registry.ts';
import { type ApprovalService, APPROVAL_DECIDED, APPROVAL_REQUESTED, userOf, view } from './approval-service.ts';

/** Outside `approval.*` on purpose: the user role's `approval.*` must not let every user decide for others. */
export const APPROVAL_ADMIN = 'admin.approvals';

const ApprovalView = z.object({
  id: z.string(),
  kind: z.enum(['tool', 'question']),
  agentId: z.string(),
  owner: z.string(),
  tool: z.string(),
  capability: z.string().nullable(),
  /** Why a person is asked: the manifest's approval_required entry or the tool's own policy. */
  rule: z.string().optional(),
  summary: z.string(),
  status: z.enum(['pending', 'approved', 'denied', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  note: z.string().optional(),
  answer: z.string().optional(),
});

export const approvalList = defineContract({
  topic: 'approval.list',
  summary: 'Approvals and questions for the caller, pending ones by default, oldest first',
  request: z.object({
    status: z.enum(['pending', 'approved', 'denied', 'expired']).optional().default('pending'),
    agentId: z.string().max(64).optional(),
    all: z.boolean().default(false),
    cursor: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  reply: z.object({ approvals: z.array(ApprovalView), cursor: z.string().optional() }),
  capability: () => 'approval.list',
  streams: [APPROVAL_REQUESTED, APPROVAL_DECIDED],
  idempotent: true,
});

export const approvalRespond = defineContract({
  topic: 'approval.respond',
  summary: 'Approve or deny a pending approval, or answer a question; the decision and who made it are audited',
  request: z.object({
    id: z.string().min(1).max(256),
    decision: z.enum(['approve', 'deny']),
    note: z.string().max(4000).optional(),
    answer: z.string().max(64 * 1024).optional(),
  }),
  reply: ApprovalView,
  capability: () => 'approval.respond',
  streams: [APPROVAL_DECIDED],
  idempotent: false,
});

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (createdAt === undefined || id === undefined || id === '') throw new KernelError('payload_invalid', 'invalid cursor');
  return { createdAt, id };
}

export function registerApprovalContracts(registry: ContractRegistry, approvals: ApprovalService): void {
  registry.register(approvalList, async ({ status, agentId, all, cursor, limit }, { principal }) => {
    const everyone = all && principal.capabilities.implies(APPROVAL_ADMIN);
    const owner = everyone ? undefined : userOf(principal);
    if (!everyone && owner === undefined) return { approvals: [] };
    const records = await approvals.list({
      ...(owner === undefined ? {} : { owner }),
      status,
      ...(agentId === undefined ? {} : { agentId }),
      ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }),
      limit,
    });
    const last = records.at(-1);
    const next = records.length === limit && last !== undefined ? { cursor: Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') } : {};
    return { approvals: records.map((record) => ApprovalView.parse(view(record))), ...next };
  });
  registry.register(approvalRespond, async (response, { principal }) =>
    ApprovalView.parse(view(await approvals.respond(principal, response, { admin: principal.capabilities.implies(APPROVAL_ADMIN) }))),
  );
}
