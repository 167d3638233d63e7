/**
 * The audit log's bus contracts: `audit.query` (records by principal, kind and time range, paged) and
 * `audit.verify` (checks the hash chain). Both need `audit.read` and change nothing. `auditHandlers`
 * pairs each contract with its handler for the composition root to register.
 */
import { z } from 'zod';
import { type CallContext, type Contract, type ContractHandler, defineContract } from '../contracts/contract.ts';
import { AUDIT_LIMITS, type AuditLog, type AuditQuery } from './audit-log.ts';

const Name = z.string().min(1).max(AUDIT_LIMITS.maxField);
const Decision = z.enum(['allow', 'deny']);

export const AuditRecordSchema = z.object({
  seq: z.number().int().positive(),
  time: z.string(),
  principal: z.string(),
  kind: z.string(),
  action: z.string(),
  decision: Decision.optional(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditQueryContract = defineContract({
  topic: 'audit.query',
  summary: 'Find audit records by principal, kind and time range, one page at a time.',
  request: z.object({
    principal: Name.optional(),
    kind: Name.optional(),
    /** Inclusive, ISO-8601. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Exclusive, ISO-8601. */
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(AUDIT_LIMITS.maxQuery).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  }),
  reply: z.object({ records: z.array(AuditRecordSchema), nextCursor: z.string().optional() }),
  capability: () => 'audit.read',
  idempotent: true,
});

export const auditVerifyContract = defineContract({
  topic: 'audit.verify',
  summary: 'Verify the audit hash chain and report the first modified or missing record.',
  request: z.object({}),
  reply: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), records: z.number().int().nonnegative() }),
    z.object({ ok: z.literal(false), seq: z.number().int().nonnegative(), reason: z.string() }),
  ]),
  capability: () => 'audit.read',
  idempotent: true,
});

/** A contract with its handler, type-erased so a list of them can be registered in one loop. */
export interface ContractBinding {
  readonly contract: Contract;
  readonly handler: (payload: Record<string, unknown>, context: CallContext) => Promise<unknown>;
}

function bind<C extends Contract>(contract: C, handler: ContractHandler<C>): ContractBinding {
  // Sound because the registry parses the payload with this contract's schema before calling the handler.
  return { contract, handler: handler as unknown as ContractBinding['handler'] };
}

export function auditHandlers(log: AuditLog): readonly ContractBinding[] {
  return [
    bind(auditQueryContract, (payload) => {
      const query: AuditQuery = {};
      if (payload.principal !== undefined) query.principal = payload.principal;
      if (payload.kind !== undefined) query.kind = payload.kind;
      if (payload.from !== undefined) query.from = new Date(payload.from);
      if (payload.to !== undefined) query.to = new Date(payload.to);
      if (payload.cursor !== undefined) query.cursor = payload.cursor;
      if (payload.limit !== undefined) query.limit = payload.limit;
      if (payload.order !== undefined) query.order = payload.order;
      return log.query(query);
    }),
    bind(auditVerifyContract, () => log.verify()),
  ];
}
