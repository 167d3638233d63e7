/**
 * Reading the process table for callers: who may see which agent (its owner, the owner's tokens, holders
 * of `admin.agents`; anyone else gets `not_found`, so existence does not leak), an agent's status, the
 * owner's agents a page at a time, and an agent's log from a cursor.
 */
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import { userOf } from '../../approvals/approval-service.ts';
import { type AgentProcess, agentStream } from '../process/agent-process.ts';
import type { AgentRow } from '../process/agent-repository.ts';
import type { EndReason } from '../state/agent-status.ts';
import { type AgentView, liveView, rowView } from './agent-view.ts';
import type { RuntimeCore } from './runtime-core.ts';

/** Outside `agent.*` on purpose: the user role's `agent.*` must not make every user an operator. */
export const AGENT_ADMIN = 'admin.agents';

export interface LogPage {
  events: { seq: number; type: string; time: string; data: Record<string, unknown> }[];
  /** Pass back as `after` to read on. */
  cursor: number;
  /** True once the agent has ended and every event was read. */
  done: boolean;
}

function notFound(id: string): KernelError {
  return new KernelError('not_found', `no agent ${id}`, { agentId: id });
}

export class AgentQueries {
  readonly #core: RuntimeCore;

  constructor(core: RuntimeCore) {
    this.#core = core;
  }

  mayAccess(caller: Principal, owner: string): boolean {
    return userOf(caller) === owner || caller.capabilities.implies(AGENT_ADMIN);
  }

  /** The live process, if the caller may see it; `not_found` otherwise (or `conflict` once it has ended). */
  visibleLive(caller: Principal, id: string): AgentProcess {
    const process = this.#core.table.get(id);
    if (process !== undefined && this.mayAccess(caller, process.owner)) {
      if (process.state.ended !== undefined) throw new KernelError('conflict', `agent ${id} has ended (${process.state.ended.status})`, { agentId: id });
      return process;
    }
    throw notFound(id);
  }

  async #row(caller: Principal, id: string): Promise<AgentRow> {
    const row = await this.#core.agents.get(id);
    if (row === undefined || !this.mayAccess(caller, row.owner)) throw notFound(id);
    return row;
  }

  async status(caller: Principal, id: string): Promise<AgentView> {
    const row = await this.#row(caller, id);
    const process = this.#core.table.get(id);
    if (process !== undefined) return liveView(process, row);
    if (row.summary !== undefined) return rowView(row);
    const last = await this.#core.events.last(agentStream(id));
    const reason = last?.type === 'agent.ended' ? (last.data.reason as EndReason | undefined) : undefined;
    return rowView(row, reason);
  }

  async list(caller: Principal, query: { all?: boolean; parentId?: string; cursor?: string; limit: number }): Promise<{ agents: AgentView[]; cursor?: string }> {
    const everyone = query.all === true && caller.capabilities.implies(AGENT_ADMIN);
    const owner = everyone ? undefined : userOf(caller);
    if (!everyone && owner === undefined) return { agents: [] };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.#core.agents.list({
      ...(owner === undefined ? {} : { owner }),
      ...(query.parentId === undefined ? {} : { parentId: query.parentId }),
      ...(after === undefined ? {} : { after }),
      limit: query.limit,
    });
    const agents = rows.map((row) => {
      const process = this.#core.table.get(row.id);
      return process === undefined ? rowView(row) : liveView(process, row);
    });
    const last = rows.at(-1);
    return rows.length === query.limit && last !== undefined ? { agents, cursor: encodeCursor(last) } : { agents };
  }

  async logs(caller: Principal, id: string, after: number, limit: number): Promise<LogPage> {
    const row = await this.#row(caller, id);
    const events = await this.#core.events.read(agentStream(id), { afterSeq: after, limit });
    const cursor = events.at(-1)?.seq ?? after;
    const ended = this.#core.table.get(id)?.state.ended !== undefined || ['completed', 'failed', 'stopped'].includes(row.status);
    const done = ended && events.length < limit && (await this.#core.events.last(agentStream(id)))?.seq === cursor;
    return { events: events.map(({ seq, type, time, data }) => ({ seq, type, time, data })), cursor, done };
  }
}

function encodeCursor(row: AgentRow): string {
  return Buffer.from(`${row.createdAt}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (createdAt === undefined || id === undefined || id === '') throw new KernelError('payload_invalid', 'invalid cursor');
  return { createdAt, id };
}
