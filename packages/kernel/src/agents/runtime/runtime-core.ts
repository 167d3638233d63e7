/**
 * What the runtime's parts share: the store, the process table, the sinks every append goes through, the
 * loop's environment, and `launch`, which starts an agent's loop and takes it off the table when it ends.
 */
import type { Bus, BusClient } from '../../bus/bus.ts';
import type { CapabilitySet } from '../../security/capability-set.ts';
import type { Database } from '../../store/database.ts';
import type { EventLog } from '../../store/event-log.ts';
import { AgentProcess, type ProcessSinks } from '../process/agent-process.ts';
import type { AgentRepository } from '../process/agent-repository.ts';
import type { LogAppender } from '../process/group-commit.ts';
import type { LoggedEvent } from '../state/agent-events.ts';
import { type StatusView, summaryOf } from '../state/status-of.ts';
import type { LoopEnv } from '../loop/loop-env.ts';
import { runLoop } from '../loop/run-loop.ts';
import type { ProcessTable } from './process-table.ts';

/** Topic of every agent log event, owner-stamped, streamed per agent (`_stream` = `agent:<id>`). */
export const AGENT_EVENT_TOPIC = 'agent.event';

/** The owner's live capability set, to re-derive an agent's after a restart; undefined when the owner is gone. */
export type OwnerCapabilities = (owner: string) => Promise<CapabilitySet | undefined>;

export interface RuntimeCore {
  readonly database: Database;
  /** Reads agent logs. */
  readonly events: EventLog;
  /** Appends to agent logs (group-committed). */
  readonly log: LogAppender;
  readonly agents: AgentRepository;
  readonly table: ProcessTable;
  readonly sinks: ProcessSinks;
  readonly env: LoopEnv;
  readonly ownerCapabilities: OwnerCapabilities | undefined;
  launch(process: AgentProcess): void;
}

/** The wire form of one logged event. */
export function eventPayload(process: AgentProcess, event: LoggedEvent, status?: StatusView): Record<string, unknown> {
  return {
    _owner: process.owner,
    agentId: process.id,
    seq: event.seq,
    type: event.type,
    time: event.time,
    data: event.data,
    ...(status === undefined ? {} : { status: status.status, ...(status.waiting === undefined ? {} : { waiting: status.waiting }) }),
  };
}

export function makeSinks(client: BusClient, agents: AgentRepository, bus: Bus): ProcessSinks {
  return {
    published: (process, events, status) => {
      for (const event of events) {
        client.publish(AGENT_EVENT_TOPIC, eventPayload(process, event, status), { stream: process.stream, droppable: true });
      }
      if (process.state.ended !== undefined) bus.endStream(process.stream);
    },
    statusChanged: (process, status, time) => agents.setStatus(process.id, status, time, summaryOf(process.state)),
  };
}

/** Starts an agent's loop; when the agent ends it leaves the table and its undecided approvals are withdrawn. */
export function launcher(table: ProcessTable, env: LoopEnv): (process: AgentProcess) => void {
  return (process) => {
    table.add(process);
    process.done = runLoop(process, env).then(async () => {
      if (process.state.ended === undefined) return;
      table.remove(process);
      await env.approvals.withdraw(process.id).catch((error: unknown) => env.logger.error({ err: error, agent: process.id }, 'could not withdraw approvals'));
    });
  };
}

export { AgentProcess };
