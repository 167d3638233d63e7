/**
 * Approvals (DESIGN §6): an agent's call that needs a person waits on a persisted approval until someone
 * decides it (`approval.respond`) or it expires, which counts as a denial. ask_human questions are the same
 * record with an answer. Opening is idempotent (ids come from the call's idempotency key), so an agent
 * resumed after a restart finds its approval — decided or still pending — instead of asking twice. Every
 * decision is audited with who made it; `approval.requested` / `approval.decided` events go to the owner.
 */
import type { AuditEntry } from '../audit/audit-log.ts';
import { KernelError } from '../contracts/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Principal } from '../security/principal.ts';
import type { Database } from '../store/database.ts';
import { type ApprovalRecord, ApprovalRepository, type ApprovalStatus, type NewApproval } from './approval-repository.ts';

export const APPROVAL_REQUESTED = 'approval.requested';
export const APPROVAL_DECIDED = 'approval.decided';

export interface ApprovalServiceOptions {
  database: Database;
  /** Publishes an owner-stamped event (the runtime's bus client). */
  publish(topic: string, payload: Record<string, unknown>): void;
  audit(entry: AuditEntry): Promise<void>;
  logger: Logger;
  now?: () => number;
}

export interface Response {
  id: string;
  decision: 'approve' | 'deny';
  note?: string | undefined;
  /** The answer to an ask_human question. */
  answer?: string | undefined;
}

/** The user a principal acts for: a user itself, or a token's user. Agents and services act for nobody here. */
export function userOf(principal: Principal): string | undefined {
  if (principal.kind === 'user') return principal.id;
  if (principal.kind === 'token') return principal.parentId;
  return undefined;
}

/** setTimeout's longest delay; later expiries are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export class ApprovalService {
  readonly #repo: ApprovalRepository;
  readonly #options: ApprovalServiceOptions;
  readonly #now: () => number;
  readonly #waiters = new Map<string, Array<(record: ApprovalRecord) => void>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: ApprovalServiceOptions) {
    this.#repo = new ApprovalRepository(options.database);
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Creates the approval if it does not exist yet, and returns it as it stands now. */
  async open(approval: NewApproval): Promise<ApprovalRecord> {
    const created = await this.#repo.insert(approval);
    const record = (await this.#repo.get(approval.id)) as ApprovalRecord;
    if (created) this.#options.publish(APPROVAL_REQUESTED, { _owner: record.owner, approval: view(record) });
    return record;
  }

  get(id: string): Promise<ApprovalRecord | undefined> {
    return this.#repo.get(id);
  }

  /** Resolves with the approval once decided (at once if it already is); an expired one is decided here. */
  async wait(id: string, signal: AbortSignal): Promise<ApprovalRecord> {
    const record = await this.#repo.get(id);
    if (record === undefined) throw new KernelError('not_found', `approval ${id} does not exist`);
    if (record.status !== 'pending') return record;
    const decided = new Promise<ApprovalRecord>((resolve, reject) => {
      const waiters = this.#waiters.get(id) ?? [];
      const waiter = (done: ApprovalRecord): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(done);
      };
      const onAbort = (): void => {
        waiters.splice(waiters.indexOf(waiter) >>> 0, 1);
        reject(new KernelError('cancelled', `stopped waiting for approval ${id}`));
      };
      waiters.push(waiter);
      this.#waiters.set(id, waiters);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    // Handled by the caller once returned; until then an abort must not count as an unhandled rejection.
    decided.catch(() => undefined);
    if (record.expiresAt !== null) this.#arm(id, Date.parse(record.expiresAt));
    // A decision may have landed between the read and the waiter being registered.
    const again = await this.#repo.get(id);
    if (again !== undefined && again.status !== 'pending') this.#settle(again);
    return decided;
  }

  /** A person's decision. `not_found` for an approval that is not theirs; `conflict` once decided. */
  async respond(by: Principal, response: Response, options: { admin: boolean }): Promise<ApprovalRecord> {
    if (by.kind === 'agent') throw new KernelError('permission_denied', 'an agent cannot decide approvals');
    const record = await this.#repo.get(response.id);
    if (record === undefined || (!options.admin && record.owner !== userOf(by))) {
      throw new KernelError('not_found', `no approval ${response.id}`, { id: response.id });
    }
    const status: ApprovalStatus = response.decision === 'approve' ? 'approved' : 'denied';
    return this.#decide(record, status, by.id, response.note ?? null, response.answer ?? null);
  }

  /** Closes an ended agent's undecided approvals and questions (as expired: nobody decided them). */
  async withdraw(agentId: string): Promise<void> {
    for (const record of await this.#repo.list({ agentId, status: 'pending', limit: 1000 })) {
      await this.#decide(record, 'expired', 'service:kernel', 'the agent ended before a decision', null).catch((thrown: unknown) => {
        if (!(thrown instanceof KernelError && thrown.code === 'conflict')) throw thrown;
      });
    }
  }

  list(query: Parameters<ApprovalRepository['list']>[0]): Promise<ApprovalRecord[]> {
    return this.#repo.list(query);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  async #decide(record: ApprovalRecord, status: Exclude<ApprovalStatus, 'pending'>, by: string, note: string | null, answer: string | null): Promise<ApprovalRecord> {
    if (record.kind === 'question' && status === 'approved' && answer === null && note === null) {
      throw new KernelError('payload_invalid', `approval ${record.id} is a question: give an answer`);
    }
    const decidedAt = new Date(this.#now()).toISOString();
    const won = await this.#repo.decide(record.id, { status, decidedBy: by, note, answer: answer ?? (record.kind === 'question' ? note : null), decidedAt });
    if (!won) {
      const current = await this.#repo.get(record.id);
      throw new KernelError('conflict', `approval ${record.id} was already decided (${current?.status ?? 'unknown'})`, { id: record.id, status: current?.status });
    }
    const decided = (await this.#repo.get(record.id)) as ApprovalRecord;
    await this.#options.audit({
      principal: by,
      kind: 'approval',
      action: record.kind === 'question' ? 'question.answer' : 'approval.decide',
      decision: status === 'approved' ? 'allow' : 'deny',
      data: { approval: record.id, agent: record.agentId, tool: record.tool, capability: record.capability, status, ...(note === null ? {} : { note }) },
    });
    this.#options.publish(APPROVAL_DECIDED, { _owner: decided.owner, approval: view(decided) });
    this.#settle(decided);
    return decided;
  }

  #settle(record: ApprovalRecord): void {
    const timer = this.#timers.get(record.id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(record.id);
    const waiters = this.#waiters.get(record.id);
    this.#waiters.delete(record.id);
    for (const waiter of waiters ?? []) waiter(record);
  }

  #arm(id: string, at: number): void {
    if (this.#closed || this.#timers.has(id)) return;
    const delay = Math.max(0, at - this.#now());
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      if (delay > MAX_TIMER_MS) this.#arm(id, at);
      else void this.#expire(id);
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(id, timer);
  }

  async #expire(id: string): Promise<void> {
    try {
      const record = await this.#repo.get(id);
      if (record?.status !== 'pending') {
        if (record !== undefined) this.#settle(record);
        return;
      }
      await this.#decide(record, 'expired', 'service:kernel', 'no decision before the approval expired', null);
    } catch (thrown) {
      // Decided by a person at the same moment (conflict) is fine; anything else is worth a log line.
      if (!(thrown instanceof KernelError && thrown.code === 'conflict')) this.#options.logger.error({ err: thrown, approval: id }, 'approval expiry failed');
    }
  }
}

/** The wire form of an approval. */
export function view(record: ApprovalRecord): Record<string, unknown> {
  return {
    id: record.id,
    kind: record.kind,
    agentId: record.agentId,
    owner: record.owner,
    tool: record.tool,
    capability: record.capability,
    ...(record.rule === null ? {} : { rule: record.rule }),
    summary: record.summary,
    status: record.status,
    createdAt: record.createdAt,
    ...(record.expiresAt === null ? {} : { expiresAt: record.expiresAt }),
    ...(record.decidedBy === null ? {} : { decidedBy: record.decidedBy }),
    ...(record.decidedAt === null ? {} : { decidedAt: record.decidedAt }),
    ...(record.note === null ? {} : { note: record.note }),
    ...(record.answer === null ? {} : { answer: record.answer }),
  };
}
