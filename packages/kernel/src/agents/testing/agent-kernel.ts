/**
 * A test kernel with the agent runtime wired in as the composition root will wire it: the runtime on the
 * kernel's store, bus, audit log and registry, the scripted model (the AI SDK mock, through the real
 * gateway) as the only model, and a wire client for a user, alice, who holds the user role's agent rights.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { scriptedGateway } from '../../models/testing/scripted-gateway.ts';
import type { ScriptedModel, ScriptedTurn } from '../../models/testing/scripted-model.ts';
import type { ModelGateway } from '../../models/model-gateway.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal, type Principal } from '../../security/principal.ts';
import type { Envelope } from '../../bus/envelope.ts';
import { WireClient } from '../../testing/kernel.ts';
import { ConfigSchema } from '../../config/config.ts';
import { createKernel, type Kernel } from '../../kernel.ts';
import { silentLogger } from '../../observability/logger.ts';
import type { AgentLimits } from '../loop/loop-env.ts';
import type { AgentRuntime } from '../runtime/agent-runtime.ts';
import type { Tool } from '../tools/tool.ts';

export const USER_RIGHTS = [
  'agent.*',
  'approval.list',
  'approval.respond',
  'tool.use:*',
  'fs.*:/home/alice/**',
  'topic.subscribe:agent.*',
  'topic.subscribe:approval.*',
];

export interface AgentKernel {
  kernel: Kernel;
  runtime: AgentRuntime;
  model: ScriptedModel | undefined;
  alice: Principal;
  client: WireClient;
  /** Calls a contract as alice; resolves with the reply payload or rejects with the error payload. */
  call(topic: string, payload?: Record<string, unknown>): Promise<Record<string, unknown>>;
  dataDir: string;
  /** Agents resumed when this kernel started. */
  resumed: number;
  /** Stops this kernel and starts a new one on the same data directory, as after a restart. */
  restart(options?: Partial<AgentKernelOptions>): Promise<AgentKernel>;
  dispose(): Promise<void>;
}

export interface AgentKernelOptions {
  turns: readonly ScriptedTurn[];
  gateway: ModelGateway;
  tools: readonly Tool[];
  limits: Partial<AgentLimits>;
  readText: (principal: Principal, path: string) => Promise<string>;
}

export class CallError extends Error {
  readonly payload: Record<string, unknown>;
  constructor(envelope: Envelope) {
    super(String(envelope.payload?.error));
    this.payload = envelope.payload ?? {};
  }
  get code(): unknown {
    return this.payload.code;
  }
}

async function boot(dataDir: string, options: Partial<AgentKernelOptions>): Promise<AgentKernel> {
  const scripted = options.gateway === undefined ? scriptedGateway(options.turns ?? []) : undefined;
  const config = ConfigSchema.parse({ data_dir: dataDir, compute: { wasi: { pool_size: 0 } } });
  const alice = makePrincipal('user', 'alice', CapabilitySet.of(USER_RIGHTS));
  const kernel = await createKernel(config, {
    logger: silentLogger(),
    env: {},
    agents: {
      ...(options.gateway === undefined ? {} : { models: options.gateway }),
      ...(scripted === undefined ? {} : { models: scripted.gateway }),
      tools: options.tools ?? [],
      ...(options.readText === undefined ? {} : { readText: options.readText }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      // alice is made here, not signed up with identity: resumed agents re-derive their rights from hers.
      ownerCapabilities: (owner) => Promise.resolve(owner === alice.id ? alice.capabilities : undefined),
    },
  });
  const runtime = kernel.agents;
  const client = new WireClient(kernel, { principal: alice });
  const resumed = kernel.resumedAgents;
  const shutdown = (): Promise<void> => kernel.stop();
  return {
    kernel,
    runtime,
    model: scripted?.model,
    alice,
    client,
    dataDir,
    resumed,
    call: async (topic, payload = {}) => {
      const reply = await client.call(topic, payload);
      if (reply.topic.endsWith('error')) throw new CallError(reply);
      const { _request_id: _id, ...rest } = reply.payload ?? {};
      return rest;
    },
    restart: async (more = {}) => {
      await shutdown();
      return boot(dataDir, { ...options, ...more });
    },
    dispose: async () => {
      await shutdown();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startAgentKernel(options: Partial<AgentKernelOptions> = {}): Promise<AgentKernel> {
  return boot(await mkdtemp(path.join(os.tmpdir(), 'aether-agents-')), options);
}

/** Polls `check` (every few milliseconds, for up to 20 s) until it returns something other than undefined/false. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what = 'the condition'): Promise<T> {
  for (let attempt = 0; attempt < 4000; attempt++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${what} was not reached`);
}
