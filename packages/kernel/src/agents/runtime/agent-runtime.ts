/**
 * The agents domain assembled (DESIGN §6): the process table, spawning, messages, stop/pause/resume,
 * revocation, status and logs, approvals, and resuming every unfinished agent at start. Callers are
 * principals; an agent is visible to its owner (the user it works for, or that user's tokens) and to
 * holders of `admin.agents`, and to nobody else — not even its existence. Built by the composition root
 * from explicit parts; `stop()` detaches every agent (they resume at the next start) and waits for them.
 */
import type { AuditEntry, AuditLog } from '../../audit/audit-log.ts';
import { AuditWriter } from '../../audit/audit-writer.ts';
import type { Bus } from '../../bus/bus.ts';
import { KernelError } from '../../contracts/errors.ts';
import type { ModelGateway } from '../../models/model-gateway.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Principal } from '../../security/principal.ts';
import type { Database } from '../../store/database.ts';
import type { EventLog } from '../../store/event-log.ts';
import { ApprovalService, userOf } from '../../approvals/approval-service.ts';
import { loadManifest, type ManifestSource } from '../manifest/load-manifest.ts';
import { type AgentLimits, DEFAULT_AGENT_LIMITS, type LoopEnv } from '../loop/loop-env.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import { AgentRepository } from '../process/agent-repository.ts';
import { GroupCommitLog } from '../process/group-commit.ts';
import { event } from '../state/agent-events.ts';
import type { RunResult } from '../state/agent-state.ts';
import { builtinTools } from '../tools/builtin/index.ts';
import { ServiceMap, type Tool } from '../tools/tool.ts';
import { ToolRegistry } from '../tools/tool-registry.ts';
import { AgentQueries } from './agent-queries.ts';
import { AgentsHandleImpl, AGENTS } from './agents-handle.ts';
import { budgetFor } from './budgets.ts';
import { ProcessTable } from './process-table.ts';
import { restoreAgents } from './restore.ts';
import { launcher, makeSinks, type OwnerCapabilities, type RuntimeCore } from './runtime-core.ts';
import { deliver } from './deliver.ts';
import { spawnAgent } from './spawn.ts';

export interface AgentRuntimeOptions {
  database: Database;
  /** The store's event log (agent logs are its `agent:<id>` streams). */
  events: EventLog;
  bus: Bus;
  audit: AuditLog;
  models: ModelGateway;
  logger: Logger;
  /** Tools besides the runtime's own (spawn_agent, spawn_agents, send_message, ask_human). */
  tools?: readonly Tool[];
  /** Service handles for tools; the runtime adds its own (`AGENTS`). */
  services?: ServiceMap;
  /** Reads a file as `principal` (the VFS): manifests by path, and file prompts. */
  readText?: (principal: Principal, path: string) => Promise<string>;
  /** The owner's live capability set, to re-derive top-level agents' sets after a restart. */
  ownerCapabilities?: OwnerCapabilities;
  limits?: Partial<AgentLimits>;
  now?: () => number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new KernelError('cancelled', 'stopped while waiting'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new KernelError('cancelled', 'stopped while waiting'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class AgentRuntime {
  readonly approvals: ApprovalService;
  readonly tools: ToolRegistry;
  readonly queries: AgentQueries;
  readonly #core: RuntimeCore;
  readonly #options: AgentRuntimeOptions;
  readonly #auditWriter: AuditWriter;
  readonly #client;
  #stopping: Promise<void> | undefined;
  #lastResume: { agents: number; ms: number } | undefined;

  constructor(options: AgentRuntimeOptions) {
    this.#options = options;
    this.#auditWriter = new AuditWriter(options.audit, options.logger);
    this.#client = options.bus.connect({ id: 'kernel.agents', onMessage: () => undefined });
    const client = this.#client;
    this.approvals = new ApprovalService({
      database: options.database,
      publish: (topic, payload) => client.publish(topic, payload, { droppable: true }),
      audit: (entry: AuditEntry) => options.audit.append(entry).then(() => undefined),
      logger: options.logger,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    this.tools = new ToolRegistry([...builtinTools(), ...(options.tools ?? [])]);
    const services = options.services ?? new ServiceMap();
    const agents = new AgentRepository(options.database);
    const table = new ProcessTable();
    const now = options.now ?? Date.now;
    const env: LoopEnv = {
      models: options.models,
      tools: this.tools,
      services,
      approvals: this.approvals,
      audit: (entry) => this.#auditWriter.record(entry),
      logger: options.logger,
      limits: { ...DEFAULT_AGENT_LIMITS, ...options.limits },
      now,
      sleep,
      runStarted: (process) => {
        process.ledger = budgetFor(process, table);
      },
    };
    this.#core = {
      database: options.database,
      events: options.events,
      log: new GroupCommitLog(options.database),
      agents,
      table,
      sinks: makeSinks(client, agents, options.bus),
      env,
      ownerCapabilities: options.ownerCapabilities,
      launch: launcher(table, env),
    };
    this.queries = new AgentQueries(this.#core);
    services.provide(AGENTS, new AgentsHandleImpl(this.#core, (principal, source) => this.#load(principal, source)));
  }

  /** Resumes every agent that had not ended; returns how many. */
  async start(): Promise<number> {
    const started = performance.now();
    const agents = await restoreAgents(this.#core);
    this.#lastResume = { agents, ms: performance.now() - started };
    if (agents > 0) this.#options.logger.info(this.#lastResume, 'agents resumed from their logs');
    return agents;
  }

  /** How many agents the last start resumed, and how long reading and folding their logs took. */
  get lastResume(): { agents: number; ms: number } | undefined {
    return this.#lastResume;
  }

  /** Agents the kernel is driving now. */
  get live(): number {
    return this.#core.table.size;
  }

  /** Spawns an agent for the caller, optionally with its first message. */
  async spawn(caller: Principal, source: ManifestSource, message?: string): Promise<AgentProcess> {
    const owner = userOf(caller);
    if (owner === undefined) throw new KernelError('permission_denied', `${caller.id} does not act for a user and cannot own agents`);
    const manifest = await this.#load(caller, source);
    const spawnCheck = caller.capabilities.check(`agent.spawn:${manifest.name}`);
    if (!spawnCheck.allowed) throw new KernelError('permission_denied', `${caller.id} lacks ${spawnCheck.missing}`, { missing: spawnCheck.missing, hint: spawnCheck.hint });
    return spawnAgent(this.#core, { principal: caller, owner }, manifest, message === undefined ? {} : { message: { text: message, from: caller.id } });
  }

  /** Queues a message for an agent; its run starts when the agent is free. Returns the message id. */
  async send(caller: Principal, id: string, text: string, messageId?: string): Promise<{ messageId: string }> {
    const process = this.queries.visibleLive(caller, id);
    return deliver(process, this.#core.env.limits, text, caller.id, messageId);
  }

  /** The outcome of the run a message started, once it has finished. */
  result(caller: Principal, id: string, messageId: string, signal?: AbortSignal): Promise<RunResult> {
    return this.queries.visibleLive(caller, id).result(messageId, signal);
  }

  /** Stops an agent and its descendants; resolves once they have ended. */
  async stopAgent(caller: Principal, id: string, note?: string): Promise<void> {
    const process = this.queries.visibleLive(caller, id);
    const tree = this.#core.table.subtree(process).reverse();
    for (const node of tree) {
      node.stopReason = { code: 'cancelled', message: `stopped by ${caller.id}${note === undefined ? '' : `: ${note}`}` };
      node.controller.abort();
      node.wake();
    }
    await Promise.all(tree.map((node) => node.done));
  }

  async pause(caller: Principal, id: string): Promise<void> {
    const process = this.queries.visibleLive(caller, id);
    if (!process.state.paused) await process.append([event('agent.paused', { by: caller.id })]);
  }

  async resume(caller: Principal, id: string): Promise<void> {
    const process = this.queries.visibleLive(caller, id);
    if (process.state.paused) await process.append([event('agent.resumed', { by: caller.id })]);
  }

  /**
   * Revokes one of an agent's grants, and with it everything derived from it (its descendants' copies).
   * Takes effect at the next capability check, mid-run; recorded in each affected log so a restart keeps it.
   */
  async revoke(caller: Principal, id: string, capability: string): Promise<{ revoked: number }> {
    const process = this.queries.visibleLive(caller, id);
    const tree = this.#core.table.subtree(process);
    const revoked = process.principal.capabilities.revoke(capability);
    if (revoked === 0) throw new KernelError('not_found', `agent ${id} holds no grant "${capability}"`, { capability });
    for (const node of tree) await node.append([event('capability.revoked', { capability, by: caller.id })]);
    this.#core.env.audit({ principal: caller.id, kind: 'grant', action: 'agent.revoke', decision: 'allow', data: { agent: id, capability, revoked } });
    return { revoked };
  }

  /** Detaches every agent (they resume at the next start), waits for their loops, flushes the audit. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const all = this.#core.table.all();
      for (const process of all) {
        process.detached = 'the kernel is stopping';
        process.controller.abort();
        process.wake();
        process.settleAll({ outcome: 'stopped', reason: { code: 'cancelled', message: 'the kernel is stopping' } });
      }
      await Promise.all(all.map((process) => process.done));
      this.approvals.close();
      this.#client.close();
      await this.#auditWriter.flush();
    })();
    return this.#stopping;
  }

  #load(principal: Principal, source: ManifestSource): Promise<Awaited<ReturnType<typeof loadManifest>>> {
    const read = this.#options.readText;
    return loadManifest(source, read === undefined ? undefined : (path) => read(principal, path));
  }
}
