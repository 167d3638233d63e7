/**
 * Spawning an agent: limits first (depth, children per parent, agents per owner, agents in all), then its
 * capabilities, narrowed from the spawner's own set (a child never holds more than its parent, and loses
 * what the parent loses — DESIGN §5), then its row and first events (`agent.spawned`, and the first
 * message when there is one) in one transaction, then its loop. A spawn made by a tool call carries the
 * call's idempotency key and gets an id derived from it, so repeating the call finds the same child.
 */
import { createHash, randomBytes } from 'node:crypto';
import { KernelError } from '../../contracts/errors.ts';
import { makePrincipal, type Principal } from '../../security/principal.ts';
import { SqlEventLog } from '../../store/event-log.ts';
import type { AgentManifest } from '../manifest/manifest-schema.ts';
import { AgentProcess, agentStream } from '../process/agent-process.ts';
import { type AgentEvent, event, readEvent, storedData, type SpawnedData } from '../state/agent-events.ts';
import { replay } from '../state/agent-state.ts';
import { statusOf, tableStatus } from '../state/status-of.ts';
import type { RuntimeCore } from './runtime-core.ts';

export interface Spawner {
  /** Whose capabilities the agent's are narrowed from: the caller, or the parent agent. */
  readonly principal: Principal;
  /** The user the agent works for. */
  readonly owner: string;
  readonly parent?: AgentProcess;
}

export interface SpawnOptions {
  message?: { text: string; from: string; messageId?: string };
  /** The idempotency key of the tool call spawning it. */
  key?: string;
}

let lastStamp = 0;

/**
 * A fresh agent id that sorts after every id this process made before: a millisecond stamp (bumped so
 * two spawns in one millisecond still differ) then 12 random characters. Lists order by creation time
 * then id, so agents made in the same millisecond still list in the order they were spawned.
 */
export function newAgentId(): string {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  const random = randomBytes(9).toString('base64url').replaceAll('-', 'x').replaceAll('_', 'y');
  return `a_${lastStamp.toString(36).padStart(9, '0')}${random}`;
}

export function childAgentId(parentId: string, key: string): string {
  return `a_${createHash('sha256').update(`${parentId}\n${key}`).digest('base64url').slice(0, 12).replaceAll('-', 'x').replaceAll('_', 'y')}`;
}

/** Fills `{user}` in capability scopes with the owner's name (as roles do). */
function forOwner(capabilities: readonly string[], owner: string): string[] {
  const name = owner.startsWith('user:') ? owner.slice('user:'.length) : owner;
  return capabilities.map((capability) => capability.replaceAll('{user}', name));
}

function checkLimits(core: RuntimeCore, spawner: Spawner, depth: number, siblings: number): void {
  const { limits } = core.env;
  if (depth > limits.maxDepth) throw new KernelError('resource_exceeded', `agents may nest ${limits.maxDepth} deep; this child would be at depth ${depth}`, { limit: 'depth' });
  if (spawner.parent !== undefined && siblings >= limits.maxChildren) {
    throw new KernelError('resource_exceeded', `agent ${spawner.parent.id} has spawned its limit of ${limits.maxChildren} children`, { limit: 'children' });
  }
  if (core.table.countFor(spawner.owner) >= limits.maxAgentsPerOwner) {
    throw new KernelError('resource_exceeded', `${spawner.owner} already has ${limits.maxAgentsPerOwner} agents that have not ended`, { limit: 'per_owner' });
  }
  if (core.table.size >= limits.maxLiveAgents) throw new KernelError('resource_exceeded', 'the kernel is running as many agents as it may', { limit: 'live' });
}

export async function spawnAgent(core: RuntimeCore, spawner: Spawner, manifest: AgentManifest, options: SpawnOptions = {}): Promise<AgentProcess> {
  const unknown = manifest.tools.filter((tool) => !core.env.tools.has(tool));
  if (unknown.length > 0) {
    throw new KernelError('payload_invalid', `the manifest offers tools this kernel does not have: ${unknown.join(', ')}; available: ${core.env.tools.names().join(', ')}`, {
      issues: [{ field: 'tools', message: `unknown tools: ${unknown.join(', ')}` }],
    });
  }
  const id = options.key !== undefined && spawner.parent !== undefined ? childAgentId(spawner.parent.id, options.key) : newAgentId();
  const existing = core.table.get(id) ?? (options.key === undefined ? undefined : await core.agents.get(id));
  if (existing instanceof AgentProcess) return existing;
  if (existing !== undefined) throw new KernelError('conflict', `agent ${id} was already spawned by this call and has ended`, { agentId: id });
  const depth = spawner.parent === undefined ? 0 : spawner.parent.state.info.depth + 1;
  const siblings = spawner.parent === undefined ? 0 : (await core.agents.list({ parentId: spawner.parent.id, limit: core.env.limits.maxChildren + 1 })).length;
  checkLimits(core, spawner, depth, siblings);
  const requested = forOwner(manifest.capabilities, spawner.owner);
  let capabilities;
  try {
    // Kernel-enforced: `narrow` refuses (permission_denied) anything the spawner does not hold.
    capabilities = spawner.principal.capabilities.narrow(requested);
  } catch (thrown) {
    const missing = thrown instanceof KernelError ? thrown.details?.capability : undefined;
    core.env.audit({ principal: spawner.principal.id, kind: 'denial', action: 'agent.spawn', decision: 'deny', data: { name: manifest.name, missing } });
    throw thrown;
  }
  const principal = makePrincipal('agent', id, capabilities, spawner.principal.id);
  const info: SpawnedData = {
    agentId: id,
    name: manifest.name,
    owner: spawner.owner,
    spawnedBy: spawner.principal.id,
    ...(spawner.parent === undefined ? {} : { parentId: spawner.parent.id }),
    depth,
    manifest: { ...manifest, capabilities: requested },
    capabilities: capabilities.list(),
    ...(options.key === undefined ? {} : { spawnKey: options.key }),
  };
  const first: AgentEvent[] = [event('agent.spawned', info)];
  const message = options.message;
  if (message !== undefined) {
    first.push(event('message.received', { messageId: message.messageId ?? `${id}.m1`, text: message.text, from: message.from }));
  }
  const now = new Date(core.env.now()).toISOString();
  const stored = await core.database.transaction(async (tx) => {
    await core.agents.insert(
      { id, name: manifest.name, owner: spawner.owner, parentId: spawner.parent?.id ?? null, depth, lifecycle: manifest.lifecycle, status: 'queued', createdAt: now, updatedAt: now },
      tx,
    );
    return new SqlEventLog(tx).append(agentStream(id), first.map((e) => ({ type: e.type, data: storedData(e) })), { expectedSeq: 0 });
  });
  const logged = stored.map(readEvent);
  const state = replay(logged);
  const process = new AgentProcess({ state, principal, log: core.log, sinks: core.sinks, tableStatus: tableStatus(statusOf(state)) });
  spawner.parent?.children.add(id);
  core.sinks.published(process, logged, process.status);
  core.env.audit({ principal: spawner.principal.id, kind: 'agent', action: 'agent.spawn', decision: 'allow', data: { agent: id, name: manifest.name, capabilities: info.capabilities } });
  core.launch(process);
  return process;
}
