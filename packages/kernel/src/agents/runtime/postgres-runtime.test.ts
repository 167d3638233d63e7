/**
 * The agent runtime on PostgreSQL (skipped with a reason when it is not reachable, required in CI): many
 * agents group-committing their steps at once, an approval decided after the runtime was replaced by a
 * new one on the same schema, and the process table and approvals read back — the same behaviour as on
 * the embedded SQLite file.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { AuditLog } from '../../audit/audit-log.ts';
import { InProcessBus } from '../../bus/in-process-bus.ts';
import { silentLogger } from '../../observability/logger.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal } from '../../security/principal.ts';
import { openStore, type Store } from '../../store/store.ts';
import { TEST_DATABASE_URL, skipUnless } from '../../testing/services.ts';
import { USER_RIGHTS, eventually } from '../testing/agent-kernel.ts';
import { conversationGateway } from '../testing/conversation-model.ts';
import { recorder } from '../testing/test-tools.ts';
import type { ModelGateway } from '../../models/model-gateway.ts';
import type { Tool } from '../tools/tool.ts';
import { AgentRuntime } from './agent-runtime.ts';

const alice = makePrincipal('user', 'alice', CapabilitySet.of(USER_RIGHTS));

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function runtimeOn(store: Store, models: ModelGateway, tools: Tool[]): AgentRuntime {
  return new AgentRuntime({
    database: store.database,
    events: store.events,
    bus: new InProcessBus(),
    audit: new AuditLog(store.audit),
    models,
    logger: silentLogger(),
    tools,
    ownerCapabilities: (owner) => Promise.resolve(owner === alice.id ? alice.capabilities : undefined),
  });
}

void describe('agent runtime on PostgreSQL', { skip: await skipUnless('postgres', TEST_DATABASE_URL) }, () => {
  void it('runs agents side by side, and resumes one waiting for approval in a new runtime', async () => {
    const schema = `aether_agents_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE SCHEMA ${schema}`);
    const store = await openStore({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, schema, maxConnections: 5 });
    try {
      const note = recorder();
      const busy = runtimeOn(
        store,
        conversationGateway(({ toolResults }) => (toolResults < 3 ? { toolCalls: [{ name: 'note', input: { text: `step ${toolResults}` } }] } : { text: 'done' })),
        [note.tool],
      );
      await busy.start();
      const crowd = await Promise.all(Array.from({ length: 8 }, (_, i) => busy.spawn(alice, { object: { name: 'worker', tools: ['note'] } }, `job ${i}`)));
      const results = await Promise.all(crowd.map((agent) => agent.result(`${agent.id}.m1`)));
      assert.deepEqual(new Set(results.map((r) => r.text)), new Set(['done']));
      assert.equal(note.runs.length, 24);

      const guarded = await busy.spawn(alice, { object: { name: 'guarded', tools: ['note'], approval_required: ['note'] } }, 'ship');
      const [pending] = await eventually(async () => {
        const list = await busy.approvals.list({ agentId: guarded.id, status: 'pending', limit: 10 });
        return list.length > 0 ? list : undefined;
      }, 'the approval');
      await busy.stop();

      const resumedNote = recorder();
      const next = runtimeOn(store, conversationGateway(() => ({ text: 'shipped' })), [resumedNote.tool]);
      assert.equal(await next.start(), 1);
      // Ask for the result before approving: once approved, the agent may finish before the next line runs.
      const finished = next.queries.visibleLive(alice, guarded.id).result(`${guarded.id}.m1`);
      await next.approvals.respond(alice, { id: pending?.id ?? '', decision: 'approve' }, { admin: false });
      const outcome = await finished;
      assert.deepEqual([outcome.outcome, outcome.text], ['completed', 'shipped']);
      assert.equal(resumedNote.runs.length, 1);
      const { agents } = await next.queries.list(alice, { limit: 100 });
      assert.equal(agents.length, 9);
      assert.ok(agents.every((agent) => agent.status === 'completed'));
      await next.stop();
    } finally {
      await store.close();
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
