/**
 * Wires the `agent.*` contracts to an AgentRuntime. The registry has already validated the payload and
 * checked the contract's capability; the runtime checks ownership (not_found for anyone else's agent) and
 * everything agent-specific. A call that waits for a run gives up with `timeout` after `timeout_ms`, or
 * `cancelled` when the caller goes away, carrying the agent and message ids so it can be picked up again.
 */
import { KernelError } from '../../contracts/errors.ts';
import type { ContractRegistry } from '../../contracts/registry.ts';
import type { Principal } from '../../security/principal.ts';
import type { ManifestSource } from '../manifest/load-manifest.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { AgentRuntime } from '../runtime/agent-runtime.ts';
import { defaultManifest } from '../runtime/default-manifest.ts';
import {
  agentList,
  agentLogs,
  agentPause,
  agentResume,
  agentRevoke,
  agentRun,
  agentSpawn,
  agentSpawnAndRun,
  agentStatus,
  agentStop,
} from './agent-contracts.ts';

interface SourceFields {
  manifest?: string | Record<string, unknown> | undefined;
  path?: string | undefined;
  model?: string | undefined;
}

function sourceOf(payload: SourceFields, caller: Principal, runtime: AgentRuntime): ManifestSource {
  let source: ManifestSource;
  if (payload.path !== undefined) source = { path: payload.path };
  else if (typeof payload.manifest === 'string') source = { yaml: payload.manifest };
  else if (payload.manifest !== undefined) source = { object: payload.manifest };
  else source = { object: defaultManifest(caller, runtime.tools.names()) };
  return payload.model === undefined ? source : { ...source, model: payload.model };
}

async function outcome(
  process: AgentProcess,
  messageId: string,
  wait: boolean,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ agentId: string; messageId: string; outcome?: 'completed' | 'failed' | 'stopped'; text?: string; reason?: { code: KernelError['code']; message: string } }> {
  if (!wait) return { agentId: process.id, messageId };
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const result = await process.result(messageId, AbortSignal.any([signal, timeout]));
    return { agentId: process.id, messageId, ...result };
  } catch (thrown) {
    const details = { agentId: process.id, messageId, lastSeq: process.state.lastSeq };
    if (timeout.aborted && !signal.aborted) throw new KernelError('timeout', `agent ${process.id} did not finish within ${timeoutMs} ms; it is still running`, details);
    throw new KernelError('cancelled', `stopped waiting for agent ${process.id}`, details, { cause: thrown });
  }
}

export function registerAgentContracts(registry: ContractRegistry, runtime: AgentRuntime): void {
  registry.register(agentSpawn, async (payload, { principal }) => {
    const process = await runtime.spawn(principal, sourceOf(payload, principal, runtime), payload.message);
    const messageId = payload.message === undefined ? {} : { messageId: `${process.id}.m1` };
    return { agentId: process.id, name: process.state.info.name, status: process.status.status, ...messageId };
  });
  registry.register(agentRun, async ({ id, message, wait, timeout_ms: timeoutMs }, { principal, signal }) => {
    const { messageId } = await runtime.send(principal, id, message);
    return outcome(runtime.queries.visibleLive(principal, id), messageId, wait, timeoutMs, signal);
  });
  registry.register(agentSpawnAndRun, async (payload, { principal, signal }) => {
    const process = await runtime.spawn(principal, sourceOf(payload, principal, runtime), payload.message);
    return outcome(process, `${process.id}.m1`, payload.wait, payload.timeout_ms, signal);
  });
  registry.register(agentStop, async ({ id, note }, { principal }) => {
    await runtime.stopAgent(principal, id, note);
    const view = await runtime.queries.status(principal, id);
    return { id, status: view.status, ...(view.waiting === undefined ? {} : { waiting: view.waiting }) };
  });
  registry.register(agentPause, async ({ id }, { principal }) => {
    await runtime.pause(principal, id);
    const { status, waiting } = runtime.queries.visibleLive(principal, id).status;
    return { id, status, ...(waiting === undefined ? {} : { waiting }) };
  });
  registry.register(agentResume, async ({ id }, { principal }) => {
    await runtime.resume(principal, id);
    const { status, waiting } = runtime.queries.visibleLive(principal, id).status;
    return { id, status, ...(waiting === undefined ? {} : { waiting }) };
  });
  registry.register(agentList, ({ all, parentId, cursor, limit }, { principal }) =>
    runtime.queries.list(principal, { all, limit, ...(parentId === undefined ? {} : { parentId }), ...(cursor === undefined ? {} : { cursor }) }),
  );
  registry.register(agentStatus, ({ id }, { principal }) => runtime.queries.status(principal, id));
  registry.register(agentLogs, ({ id, after, limit }, { principal }) => runtime.queries.logs(principal, id, after, limit));
  registry.register(agentRevoke, async ({ id, capability }, { principal }) => ({ id, ...(await runtime.revoke(principal, id, capability)) }));
}
