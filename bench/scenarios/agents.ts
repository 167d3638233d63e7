/**
 * `agents`: what the agent runtime costs, with an instant scripted model and a no-op tool, on a kernel
 * with its SQLite file (every step's events durably written before their effects, as in production):
 * - a step's wall time (one model turn asking for the no-op tool, the call, its result — an action and an
 *   observation) per agent, p50/p99, with 1, 100 and 1,000 agents running at once, and the kernel time a
 *   step costs when they share the process (wall time ÷ steps);
 * - resident memory per idle agent (1,000 persistent agents waiting for a message);
 * - the time to resume 1,000 interrupted agents from their logs after a restart, and that time per 1,000
 *   events replayed.
 * The reference is the OpenHands agent SDK's published figures: 0.36 ms per persisted action+observation
 * cycle and 29.5 ms to replay 1,000 events; ratios are theirs ÷ ours (higher is better).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { z } from 'zod';
import { defineTool } from '../../packages/kernel/src/agents/tools/tool.ts';
import { ConfigSchema } from '../../packages/kernel/src/config/config.ts';
import { KernelError } from '../../packages/kernel/src/contracts/errors.ts';
import { createKernel, type Kernel } from '../../packages/kernel/src/kernel.ts';
import type { ModelCall, ModelGateway, ModelResult } from '../../packages/kernel/src/models/model-gateway.ts';
import { silentLogger } from '../../packages/kernel/src/observability/logger.ts';
import { CapabilitySet } from '../../packages/kernel/src/security/capability-set.ts';
import { makePrincipal } from '../../packages/kernel/src/security/principal.ts';
import { type Report, type Scenario, percentile } from '../scenario.ts';

const OPENHANDS_STEP_MS = 0.36;
const OPENHANDS_REPLAY_1000_MS = 29.5;
const STEPS_PER_RUN = 5;
const IDLE_AGENTS = 2000;
const RESUMED_AGENTS = 1000;

const alice = makePrincipal('user', 'alice', CapabilitySet.of(['agent.*', 'tool.use:*']));
const noop = defineTool({ name: 'noop', description: 'Does nothing.', input: z.object({}), capability: () => null, idempotent: true, execute: () => Promise.resolve('ok') });
const manifest = (lifecycle = 'on-demand') => ({ object: { name: 'bench', tools: ['noop'], lifecycle, budget: { steps: 10_000 } } });

/**
 * An instant scripted model: the no-op tool until a run has taken `steps` steps, then an answer. It records
 * when each agent's calls arrive, so a step's time is the gap between one agent's consecutive calls.
 */
class InstantModel implements ModelGateway {
  readonly gaps: number[] = [];
  readonly #last = new Map<string, number>();
  readonly #steps: number;
  readonly #hangAfter: number;

  /** After `hangAfter` steps of a run, calls wait until aborted: the agent stops mid-run, its model call in flight. */
  constructor(steps: number, hangAfter = Infinity) {
    this.#steps = steps;
    this.#hangAfter = hangAfter;
  }

  async generate(call: ModelCall): Promise<ModelResult> {
    const now = performance.now();
    const last = this.#last.get(call.agentId);
    if (last !== undefined) this.gaps.push(now - last);
    this.#last.set(call.agentId, now);
    let results = 0;
    for (const message of call.messages) results = message.role === 'user' ? 0 : results + (message.role === 'tool' ? 1 : 0);
    if (results >= this.#hangAfter) {
      await new Promise((_resolve, reject) => call.signal.addEventListener('abort', () => reject(new KernelError('cancelled', 'stopped')), { once: true }));
    }
    const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0 };
    if (results >= this.#steps) {
      this.#last.delete(call.agentId);
      return { model: 'instant/test', text: 'done', toolCalls: [], finishReason: 'stop', usage };
    }
    return { model: 'instant/test', text: '', toolCalls: [{ id: `c${results}`, name: 'noop', input: {} }], finishReason: 'tool-calls', usage };
  }

  models(): [] {
    return [];
  }
}

/** A kernel on `dataDir` as `aetherd` builds it, with the instant model and the no-op tool given to its agent runtime. */
async function boot(dataDir: string, model: ModelGateway): Promise<Kernel> {
  return createKernel(ConfigSchema.parse({ data_dir: dataDir, log_level: 'silent', compute: { wasi: { pool_size: 0 } } }), {
    logger: silentLogger(),
    env: {},
    agents: {
      models: model,
      tools: [noop],
      ownerCapabilities: () => Promise.resolve(alice.capabilities),
      limits: { maxAgentsPerOwner: 100_000, maxLiveAgents: 100_000 },
    },
  });
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aether-bench-agents-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `agents` agents at once, each for `runs` runs of STEPS_PER_RUN steps; step gaps and wall time per step. */
async function steps(agents: number, runs: number): Promise<{ p50: number; p99: number; perStep: number }> {
  return withDir(async (dir) => {
    const model = new InstantModel(STEPS_PER_RUN);
    const kernel = await boot(dir, model);
    try {
      const processes = await Promise.all(Array.from({ length: agents }, () => kernel.agents.spawn(alice, manifest('persistent'))));
      model.gaps.length = 0;
      const start = performance.now();
      await Promise.all(
        processes.map(async (process) => {
          for (let run = 0; run < runs; run++) {
            const { messageId } = await kernel.agents.send(alice, process.id, `run ${run}`);
            await process.result(messageId);
          }
        }),
      );
      const wall = performance.now() - start;
      return { p50: percentile(model.gaps, 50), p99: percentile(model.gaps, 99), perStep: wall / (agents * runs * (STEPS_PER_RUN + 1)) };
    } finally {
      await kernel.stop();
    }
  });
}

function collect(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function idleMemory(): Promise<{ heap: number; rss: number }> {
  const gc = collect();
  return withDir(async (dir) => {
    const kernel = await boot(dir, new InstantModel(0));
    try {
      gc();
      const before = process.memoryUsage();
      for (let i = 0; i < IDLE_AGENTS; i++) await kernel.agents.spawn(alice, manifest('persistent'));
      gc();
      const after = process.memoryUsage();
      return { heap: (after.heapUsed - before.heapUsed) / IDLE_AGENTS, rss: (after.rss - before.rss) / IDLE_AGENTS };
    } finally {
      await kernel.stop();
    }
  });
}

/**
 * Agents stopped mid-run (a model call in flight after two tool steps), then a new kernel on the same file
 * resumes them all: the time is the agent runtime's start (reading every log, folding it, re-deriving
 * capabilities, starting the loops), measured inside the new kernel's start-up.
 */
async function resume(): Promise<{ ms: number; events: number }> {
  return withDir(async (dir) => {
    const first = await boot(dir, new InstantModel(STEPS_PER_RUN, 2));
    const processes = await Promise.all(Array.from({ length: RESUMED_AGENTS }, (_, i) => first.agents.spawn(alice, manifest(), `job ${i}`)));
    while (processes.some((p) => p.state.run === undefined || p.state.run.step < 3 || p.status.waiting !== 'model')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const events = processes.reduce((sum, p) => sum + p.state.lastSeq, 0);
    await first.stop();
    const restarted = await boot(dir, new InstantModel(STEPS_PER_RUN));
    try {
      if (restarted.resumedAgents !== RESUMED_AGENTS) throw new Error(`resumed ${restarted.resumedAgents} of ${RESUMED_AGENTS} agents`);
      return { ms: restarted.agents.lastResume?.ms ?? Number.NaN, events };
    } finally {
      await restarted.stop();
    }
  });
}

const scenario: Scenario = {
  name: 'agents',
  description: 'agent runtime: per-step overhead (durable log included) at 1/100/1,000 agents, idle memory, resume after restart',
  async run(report: Report) {
    report.note(`instant scripted model, no-op tool, ${STEPS_PER_RUN} tool steps + 1 answer per run, SQLite file (WAL, synchronous NORMAL)`);
    report.note(`reference: OpenHands agent SDK ${OPENHANDS_STEP_MS} ms per persisted action+observation, ${OPENHANDS_REPLAY_1000_MS} ms to replay 1,000 events`);
    await steps(10, 2);
    for (const [agents, runs] of [
      [1, 100],
      [100, 4],
      [1000, 1],
    ] as const) {
      const figures = await steps(agents, runs);
      report.figure(`step_p50_${agents}`, figures.p50, 'ms');
      report.figure(`step_p99_${agents}`, figures.p99, 'ms');
      report.figure(`step_cost_${agents}`, figures.perStep, 'ms');
      if (agents === 1) report.ratio('step_vs_openhands', OPENHANDS_STEP_MS / figures.p50);
      else report.ratio(`step_cost_${agents}_vs_openhands`, OPENHANDS_STEP_MS / figures.perStep);
    }
    const memory = await idleMemory();
    report.figure('idle_heap_per_agent', memory.heap / 1024, 'KiB');
    report.figure('idle_rss_per_agent', memory.rss / 1024, 'KiB');
    const resumed = await resume();
    report.figure('resume_1000_agents', resumed.ms, 'ms');
    report.figure('resume_events', resumed.events, 'events');
    const per1000 = (resumed.ms / resumed.events) * 1000;
    report.figure('resume_per_1000_events', per1000, 'ms');
    report.ratio('replay_vs_openhands', OPENHANDS_REPLAY_1000_MS / per1000);
  },
};

export default scenario;
