/**
 * Resuming after a restart: every agent whose row says it had not ended is rebuilt from its log (folded a
 * page at a time) and its loop started again; `nextStep` on the replayed state picks up exactly where it
 * stopped. Capabilities are re-derived, never read back as authority: a child is narrowed from its
 * restored parent (so revoking the parent still reaches it), a top-level agent from its owner's current
 * set (what the owner no longer holds is not restored), minus everything revoked in its log.
 */
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { EVENT_LIMITS } from '../../store/event-log.ts';
import { AgentProcess, agentStream } from '../process/agent-process.ts';
import type { AgentRow } from '../process/agent-repository.ts';
import { readEvent } from '../state/agent-events.ts';
import { type AgentState, apply, initialState } from '../state/agent-state.ts';
import { statusOf, summaryOf, tableStatus } from '../state/status-of.ts';
import type { RuntimeCore } from './runtime-core.ts';

const PAGE = 500;

/** Folds an agent's whole log into its state, a page of events at a time. */
export async function loadState(core: RuntimeCore, id: string): Promise<AgentState | undefined> {
  const stream = agentStream(id);
  let state: AgentState | undefined;
  let after = 0;
  for (;;) {
    const page = await core.events.read(stream, { afterSeq: after, limit: EVENT_LIMITS.maxRead });
    for (const stored of page) {
      const logged = readEvent(stored);
      if (state === undefined) {
        if (logged.type !== 'agent.spawned') throw new Error(`agent log ${stream} does not start with agent.spawned`);
        state = initialState(logged.data, logged.seq);
      } else {
        apply(state, logged);
      }
    }
    if (page.length < EVENT_LIMITS.maxRead) return state;
    after = page.at(-1)?.seq ?? after;
  }
}

async function capabilitiesFor(core: RuntimeCore, state: AgentState): Promise<CapabilitySet> {
  const wanted = state.info.manifest.capabilities.filter((capability) => !state.revoked.includes(capability));
  const parent = state.info.parentId === undefined ? undefined : core.table.get(state.info.parentId);
  const source = parent?.principal.capabilities ?? (await core.ownerCapabilities?.(state.info.owner));
  if (source === undefined) {
    // No owner resolver wired (or the owner is gone): nothing to derive from but the record itself.
    return core.ownerCapabilities === undefined ? CapabilitySet.of(wanted) : CapabilitySet.of([]);
  }
  return source.narrow(wanted.filter((capability) => source.implies(capability)));
}

async function restoreOne(core: RuntimeCore, row: AgentRow): Promise<AgentProcess | undefined> {
  const state = await loadState(core, row.id);
  if (state === undefined) return undefined;
  const table = tableStatus(statusOf(state));
  if (state.ended !== undefined) {
    if (row.status !== table) await core.agents.setStatus(row.id, table, new Date(core.env.now()).toISOString(), summaryOf(state));
    return undefined;
  }
  const capabilities = await capabilitiesFor(core, state);
  const principal = makePrincipal('agent', row.id, capabilities, state.info.spawnedBy);
  const process = new AgentProcess({ state, principal, log: core.log, sinks: core.sinks, tableStatus: row.status });
  if (state.info.parentId !== undefined) core.table.get(state.info.parentId)?.children.add(row.id);
  return process;
}

/** Rebuilds every unfinished agent, parents before children, then starts them all. Returns how many. */
export async function restoreAgents(core: RuntimeCore): Promise<number> {
  const restored: AgentProcess[] = [];
  let after: { depth: number; id: string } | undefined;
  for (;;) {
    const rows = await core.agents.unfinished(after, PAGE);
    // Agents of one depth are rebuilt side by side; their parents (one level up) are in the table by then.
    for (const depth of new Set(rows.map((row) => row.depth))) {
      const processes = await Promise.all(rows.filter((row) => row.depth === depth).map((row) => restoreOne(core, row)));
      for (const process of processes) {
        if (process === undefined) continue;
        core.table.add(process);
        restored.push(process);
      }
    }
    if (rows.length < PAGE) break;
    const last = rows.at(-1) as AgentRow;
    after = { depth: last.depth, id: last.id };
  }
  for (const process of restored) core.launch(process);
  return restored.length;
}
