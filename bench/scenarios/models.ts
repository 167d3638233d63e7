/**
 * `models`: what the model gateway adds to a model turn. With an instant scripted model, one turn through
 * the gateway (tool conversion, budget reserve and settle, fair queue, stream integrity check, usage
 * accounting) against the same turn through bare AI SDK streamText — the ratio is the gateway's cost.
 * Then the fair queue alone: slots granted per second with 1,000 agents contending for 8 slots.
 */
import { jsonSchema, streamText, tool } from 'ai';
import { BudgetLedger } from '../../packages/kernel/src/models/budget-ledger.ts';
import { FairQueue } from '../../packages/kernel/src/models/fair-queue.ts';
import type { ModelCall } from '../../packages/kernel/src/models/model-gateway.ts';
import { scriptedGateway } from '../../packages/kernel/src/models/testing/scripted-gateway.ts';
import { scriptedModel, type ScriptedTurn } from '../../packages/kernel/src/models/testing/scripted-model.ts';
import { percentile, type Scenario } from '../scenario.ts';

const TURNS = 3000;
const turn: ScriptedTurn = { text: ['Hello', ' there'], toolCalls: [{ name: 'echo', input: { text: 'hi' } }] };
const schema = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

async function timeEach(count: number, fn: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

async function gatewayTurns(): Promise<number[]> {
  const { gateway } = scriptedGateway(Array.from({ length: TURNS }, () => turn));
  const budget = new BudgetLedger({ maxTokens: Number.MAX_SAFE_INTEGER });
  const call: ModelCall = {
    agentId: 'agent:bench',
    userId: 'user:bench',
    messages: [{ role: 'user', text: 'say hello and echo hi' }],
    tools: [{ name: 'echo', description: 'Repeats its input.', inputSchema: schema }],
    signal: new AbortController().signal,
    budget,
    onDelta: () => undefined,
  };
  return timeEach(TURNS, async () => {
    await gateway.generate(call);
  });
}

async function bareTurns(): Promise<number[]> {
  const { model } = scriptedModel(Array.from({ length: TURNS }, () => turn));
  const tools = { echo: tool({ description: 'Repeats its input.', inputSchema: jsonSchema(schema as Parameters<typeof jsonSchema>[0]) }) };
  return timeEach(TURNS, async () => {
    const result = streamText({ model, messages: [{ role: 'user', content: 'say hello and echo hi' }], tools, maxRetries: 0 });
    for await (const part of result.fullStream) void part;
  });
}

async function queueGrantsPerSecond(): Promise<number> {
  const queue = new FairQueue({ name: 'bench', maxConcurrent: 8, maxQueued: 1_000_000 });
  const signal = new AbortController().signal;
  const perAgent = 50;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 1000 }, async (_, agent) => {
      for (let i = 0; i < perAgent; i += 1) {
        const release = await queue.acquire({ agentId: `agent:${agent}`, priority: agent % 3, signal });
        release();
      }
    }),
  );
  return (1000 * perAgent) / ((performance.now() - start) / 1000);
}

const scenario: Scenario = {
  name: 'models',
  description: 'model gateway overhead per turn over an instant scripted model, and fair-queue grants',
  async run(report) {
    await gatewayTurns();
    await bareTurns();
    const ours = await gatewayTurns();
    const bare = await bareTurns();
    report.figure('gateway_turn_p50', percentile(ours, 50) * 1000, 'us');
    report.figure('gateway_turn_p99', percentile(ours, 99) * 1000, 'us');
    report.figure('bare_streamtext_turn_p50', percentile(bare, 50) * 1000, 'us');
    report.ratio('gateway_turn_p50_vs_bare_streamtext', percentile(bare, 50) / percentile(ours, 50));
    report.figure('fair_queue_grants_per_s', await queueGrantsPerSecond(), 'grants/s');
  },
};

export default scenario;
