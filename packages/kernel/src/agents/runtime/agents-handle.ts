/**
 * The narrow handle the runtime's own tools use (spawn_agent, spawn_agents, send_message, ask_human),
 * provided under the `AGENTS` service key. Every operation is keyed by the tool call's idempotency key,
 * so a call repeated after a restart finds what the first attempt started — the same child (its id is
 * derived from the key), the same message (dedup by id), the same question — and waits for its outcome
 * instead of doing it twice.
 */
import { createHash } from 'node:crypto';
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { AgentManifest } from '../manifest/manifest-schema.ts';
import type { ManifestSource } from '../manifest/load-manifest.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { EndReason } from '../state/agent-status.ts';
import type { RunResult } from '../state/agent-state.ts';
import { serviceKey, type ToolContext } from '../tools/tool.ts';
import { deliver } from './deliver.ts';
import { loadState } from './restore.ts';
import type { RuntimeCore } from './runtime-core.ts';
import { childAgentId, spawnAgent } from './spawn.ts';

export interface AgentOutcome {
  agentId: string;
  outcome: RunResult['outcome'];
  text?: string;
  reason?: EndReason;
}

export interface Answer {
  answered: boolean;
  answer?: string;
  by?: string;
  note?: string;
}

export interface AgentsHandle {
  /** How many children spawn_agents may take at once, and run side by side. */
  readonly limits: { readonly maxBatchChildren: number; readonly maxParallelChildren: number };
  /** Spawns a child of the calling agent with `message`, and waits for that run's outcome. */
  spawnChild(ctx: ToolContext, manifest: ManifestSource, message: string): Promise<AgentOutcome>;
  /** Sends a message to another agent of the same owner and waits for the run it starts. */
  message(ctx: ToolContext, agentId: string, text: string, timeoutMs: number): Promise<AgentOutcome>;
  /** Asks the owner a question (listed with approvals) and waits for the answer. */
  ask(ctx: ToolContext, question: string): Promise<Answer>;
}

export const AGENTS = serviceKey<AgentsHandle>('agents');

const keyed = (prefix: string, key: string): string => `${prefix}_${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;

function outcomeOf(agentId: string, result: RunResult): AgentOutcome {
  return { agentId, outcome: result.outcome, ...(result.text === undefined ? {} : { text: result.text }), ...(result.reason === undefined ? {} : { reason: result.reason }) };
}

export class AgentsHandleImpl implements AgentsHandle {
  readonly limits: AgentsHandle['limits'];
  readonly #core: RuntimeCore;
  readonly #load: (principal: Principal, source: ManifestSource) => Promise<AgentManifest>;

  constructor(core: RuntimeCore, load: (principal: Principal, source: ManifestSource) => Promise<AgentManifest>) {
    this.#core = core;
    this.limits = { maxBatchChildren: core.env.limits.maxBatchChildren, maxParallelChildren: core.env.limits.maxParallelChildren };
    this.#load = load;
  }

  #caller(ctx: ToolContext): AgentProcess {
    const process = this.#core.table.get(ctx.agentId);
    if (process === undefined) throw new KernelError('not_found', `agent ${ctx.agentId} is not running`);
    return process;
  }

  /** The outcome of `messageId` on an agent the kernel no longer drives, from its log. */
  async #fromLog(agentId: string, messageId: string): Promise<AgentOutcome> {
    const state = await loadState(this.#core, agentId);
    const result = state?.results.get(messageId) ?? (state?.ended === undefined ? undefined : { outcome: state.ended.status, ...(state.ended.reason === undefined ? {} : { reason: state.ended.reason }) });
    if (result === undefined) throw new KernelError('not_found', `agent ${agentId} has no outcome for message ${messageId}`);
    return outcomeOf(agentId, result);
  }

  async spawnChild(ctx: ToolContext, source: ManifestSource, message: string): Promise<AgentOutcome> {
    const parent = this.#caller(ctx);
    const childId = childAgentId(parent.id, ctx.idempotencyKey);
    const messageId = `${childId}.m1`;
    let child = this.#core.table.get(childId);
    if (child === undefined) {
      if ((await this.#core.agents.get(childId)) !== undefined) return this.#fromLog(childId, messageId);
      const manifest = await this.#load(parent.principal, source);
      const spawnCheck = parent.principal.capabilities.check(`agent.spawn:${manifest.name}`);
      if (!spawnCheck.allowed) throw new KernelError('permission_denied', `this agent lacks ${spawnCheck.missing}`, { missing: spawnCheck.missing });
      child = await spawnAgent(this.#core, { principal: parent.principal, owner: parent.owner, parent }, manifest, {
        key: ctx.idempotencyKey,
        message: { text: message, from: parent.principal.id, messageId },
      });
    }
    return outcomeOf(childId, await child.result(messageId, ctx.signal));
  }

  async message(ctx: ToolContext, agentId: string, text: string, timeoutMs: number): Promise<AgentOutcome> {
    const sender = this.#caller(ctx);
    const messageId = keyed('msg', ctx.idempotencyKey);
    const target = this.#core.table.get(agentId);
    if (agentId === sender.id) throw new KernelError('payload_invalid', 'an agent cannot send a message to itself');
    if (target === undefined) {
      const row = await this.#core.agents.get(agentId);
      if (row === undefined || row.owner !== sender.owner) throw new KernelError('not_found', `no agent ${agentId}`);
      return this.#fromLog(agentId, messageId);
    }
    if (target.owner !== sender.owner) throw new KernelError('not_found', `no agent ${agentId}`);
    await deliver(target, this.#core.env.limits, text, sender.principal.id, messageId);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return outcomeOf(agentId, await target.result(messageId, AbortSignal.any([ctx.signal, timeout])));
    } catch (thrown) {
      if (timeout.aborted && !ctx.signal.aborted) throw new KernelError('timeout', `agent ${agentId} did not answer within ${timeoutMs} ms`);
      throw thrown;
    }
  }

  async ask(ctx: ToolContext, question: string): Promise<Answer> {
    const process = this.#caller(ctx);
    const timeout = process.state.info.manifest.approvalTimeoutMs;
    const now = this.#core.env.now();
    const record = await this.#core.env.approvals.open({
      id: keyed('q', ctx.idempotencyKey),
      kind: 'question',
      agentId: process.id,
      owner: process.owner,
      callId: ctx.idempotencyKey,
      tool: 'ask_human',
      capability: null,
      rule: null,
      summary: question,
      createdAt: new Date(now).toISOString(),
      expiresAt: timeout === undefined ? null : new Date(now + timeout).toISOString(),
    });
    const decided = await this.#core.env.approvals.wait(record.id, ctx.signal);
    const answered = decided.status === 'approved';
    return {
      answered,
      ...(answered && decided.answer !== null ? { answer: decided.answer } : {}),
      ...(decided.decidedBy === null ? {} : { by: decided.decidedBy }),
      ...(decided.note === null ? {} : { note: decided.note }),
    };
  }
}
