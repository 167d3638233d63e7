/**
 * The kernel the crash test kills: a child process (`fork`) running `createKernel` on a SQLite file with
 * the agent runtime wired as the composition root will wire it, and three tools whose executions are
 * recorded outside the event log, in `executions.log` (appended synchronously, so a line written before
 * SIGKILL survives it): `effect` (not idempotent), `effect_idem` (idempotent) and `guarded` (needs
 * approval, which this process grants after a short wait, as a person would). Every tool execution first
 * checks the durable log: finding its own call already finished there is a violation, recorded as such.
 *
 * Argv: <dataDir> <agents to spawn on first boot, 0 to only resume>. Reports over IPC: every agent event
 * as `{ agentId, seq, type }` after it is durable, `{ ready }` once spawning is done.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ConfigSchema } from '../../config/config.ts';
import { createKernel } from '../../kernel.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { AGENT_EVENT_TOPIC } from '../runtime/runtime-core.ts';
import { defineTool } from '../tools/tool.ts';
import { conversationGateway } from './conversation-model.ts';
import { USER_RIGHTS } from './agent-kernel.ts';

const [dataDir = '', spawnCount = '0'] = process.argv.slice(2);
const executions = path.join(dataDir, 'executions.log');

/** Records an execution; a call whose tool.finished is already in the log must never run again. */
async function execute(tool: string, key: string): Promise<void> {
  const agentId = key.split('.')[0] ?? '';
  const log = await kernel.store.events.read(`agent:${agentId}`, { limit: 10_000 });
  const done = log.some((event) => event.type === 'tool.finished' && event.data.key === key);
  appendFileSync(executions, `${done ? 'VIOLATION' : 'exec'} ${tool} ${key}\n`);
  // A window between the effect and its result being logged, for the kill to land in.
  await sleep(10);
}

const tool = (name: string, idempotent: boolean) =>
  defineTool({
    name,
    description: `Crash-test tool ${name}.`,
    input: z.object({ n: z.number().int() }),
    capability: () => null,
    idempotent,
    execute: async ({ n }, ctx) => {
      await execute(name, ctx.idempotencyKey);
      return `${name} ${n} done`;
    },
  });

const gateway = conversationGateway(({ toolResults }) => {
  const wait = sleep(10);
  if (toolResults === 0) return { wait, toolCalls: [{ name: 'effect', input: { n: 1 } }] };
  if (toolResults === 1) return { wait, toolCalls: [{ name: 'effect_idem', input: { n: 2 } }, { name: 'guarded', input: { n: 3 } }] };
  return { wait, text: 'done' };
});

const alice = makePrincipal('user', 'alice', CapabilitySet.of(USER_RIGHTS));
const kernel = await createKernel(ConfigSchema.parse({ data_dir: dataDir, log_level: 'silent', compute: { wasi: { pool_size: 0 } } }), {
  env: {},
  agents: {
    models: gateway,
    tools: [tool('effect', false), tool('effect_idem', true), tool('guarded', false)],
    ownerCapabilities: (owner) => Promise.resolve(owner === alice.id ? alice.capabilities : undefined),
  },
});
const runtime = kernel.agents;

const observer = kernel.bus.connect({
  queueLimit: 1_000_000,
  onMessage: (envelope) => {
    const { agentId, seq, type } = envelope.payload ?? {};
    process.send?.({ agentId, seq, type });
  },
});
observer.subscribe(AGENT_EVENT_TOPIC);

const manifest = { name: 'crasher', tools: ['effect', 'effect_idem', 'guarded'], approval_required: ['guarded'] };
for (let i = 0; i < Number(spawnCount); i++) await runtime.spawn(alice, { object: manifest }, `job ${i}`);
process.send?.({ ready: true });

// A person who approves whatever has waited a little while.
for (;;) {
  await sleep(15);
  for (const approval of await runtime.approvals.list({ status: 'pending', limit: 100 })) {
    await runtime.approvals.respond(alice, { id: approval.id, decision: 'approve' }, { admin: false }).catch(() => undefined);
  }
}
