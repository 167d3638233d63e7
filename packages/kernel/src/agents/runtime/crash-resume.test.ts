/**
 * The crash test: agents run in a child process whose kernel keeps its state in a SQLite file; the test
 * SIGKILLs it at many different points of the runs — during a model call, between a tool call and its
 * result, while an approval is pending, and after arbitrary events — restarts it on the same file, and
 * checks that every run completes, that no completed tool call ran again (executions are recorded outside
 * the log, and every execution checks the log for its own result first), that no non-idempotent call ran
 * twice, and that every event the killed kernel reported as written is still in the log.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../store/store.ts';

const SCRIPT = fileURLToPath(new URL('../testing/crash-kernel.ts', import.meta.url));
const AGENTS = 3;

interface Trigger {
  /** Kill after the nth event of this type (any type: `*`) in this boot. */
  type: string;
  nth: number;
}

interface Reported {
  events: Map<string, Map<number, string>>;
  ended: Set<string>;
}

/** A small deterministic PRNG, so a failing campaign can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function campaigns(): Trigger[][] {
  const targeted = ['model.requested', 'tool.started', 'approval.requested'].flatMap((type) => [
    [1, 2, 3].map((nth) => ({ type, nth })),
    [4, 1].map((nth) => ({ type, nth })),
  ]);
  const random = prng(42);
  const types = ['model.requested', 'tool.started', 'approval.requested', 'tool.finished', 'model.responded', '*'];
  const mixed = Array.from({ length: 4 }, () =>
    Array.from({ length: 3 }, () => {
      const type = types[Math.floor(random() * types.length)] as string;
      return { type, nth: 1 + Math.floor(random() * (type === '*' ? 40 : 5)) };
    }),
  );
  return [...targeted, ...mixed];
}

/** Runs one kernel until the trigger kills it or every agent has ended; true when the trigger fired. */
function boot(dataDir: string, spawn: number, trigger: Trigger | undefined, reported: Reported): Promise<boolean> {
  const child = fork(SCRIPT, [dataDir, String(spawn)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let armed = spawn === 0;
  let seen = 0;
  let fired = false;
  return new Promise((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; agentId?: string; seq?: number; type?: string }) => {
      if (message.ready === true) armed = true;
      if (message.agentId === undefined || message.seq === undefined || message.type === undefined) return;
      let events = reported.events.get(message.agentId);
      if (events === undefined) reported.events.set(message.agentId, (events = new Map<number, string>()));
      events.set(message.seq, message.type);
      if (message.type === 'agent.ended') reported.ended.add(message.agentId);
      if (armed && trigger !== undefined && (trigger.type === '*' || trigger.type === message.type) && ++seen === trigger.nth) {
        fired = true;
        child.kill('SIGKILL');
      }
      if (reported.ended.size === AGENTS && armed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve(fired));
  });
}

async function verify(dataDir: string, reported: Reported): Promise<{ interrupted: number; retried: number }> {
  const lines = (await readFile(path.join(dataDir, 'executions.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  assert.deepEqual(lines.filter((line) => line.startsWith('VIOLATION')), [], 'a completed tool call ran again');
  const runsOf = (key: string): number => lines.filter((line) => line.endsWith(` ${key}`)).length;
  const store = await openStore({ dataDir });
  let interrupted = 0;
  let retried = 0;
  try {
    assert.equal(reported.events.size, AGENTS);
    for (const [agentId, events] of reported.events) {
      const log = await store.events.read(`agent:${agentId}`, { limit: 10_000 });
      for (const [seq, type] of events) assert.equal(log[seq - 1]?.type, type, `event ${seq} of ${agentId} was lost or changed`);
      assert.equal(log.at(-1)?.type, 'agent.ended');
      assert.equal(log.at(-1)?.data.status, 'completed', `${agentId} did not complete`);
      assert.equal(log.find((e) => e.type === 'run.finished')?.data.text, 'done');
      const finished = log.filter((e) => e.type === 'tool.finished');
      const keys = finished.map((e) => String(e.data.key));
      assert.equal(new Set(keys).size, keys.length, 'a tool call was answered twice');
      assert.deepEqual(finished.map((e) => e.data.name).sort(), ['effect', 'effect_idem', 'guarded']);
      for (const event of finished) {
        const key = String(event.data.key);
        if (event.data.status === 'interrupted') interrupted += 1;
        if (event.data.name === 'effect_idem') {
          retried += Math.max(0, runsOf(key) - 1);
          continue;
        }
        assert.ok(runsOf(key) <= 1, `non-idempotent ${String(event.data.name)} ran ${runsOf(key)} times`);
        if (event.data.status === 'ok') assert.equal(runsOf(key), 1);
      }
    }
  } finally {
    await store.close();
  }
  return { interrupted, retried };
}

/** Boots and kills one kernel after another on one data directory until its agents have all ended. */
async function runCampaign(triggers: readonly Trigger[]): Promise<{ kills: number; interrupted: number; retried: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-crash-'));
  const reported: Reported = { events: new Map(), ended: new Set() };
  let kills = 0;
  try {
    for (let attempt = 0; reported.ended.size < AGENTS; attempt++) {
      assert.ok(attempt < triggers.length + 5, `no progress after ${attempt} boots (${JSON.stringify(triggers)})`);
      if (await boot(dataDir, attempt === 0 ? AGENTS : 0, triggers[attempt], reported)) kills += 1;
    }
    return { kills, ...(await verify(dataDir, reported)) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('runs survive a killed kernel', () => {
  it('every run completes with no completed call repeated and no event lost, whatever point the kernel dies at', async (t) => {
    const pending = campaigns();
    const totals = { kills: 0, interrupted: 0, retried: 0 };
    // A few campaigns at a time: each is independent (its own data directory and child processes).
    const worker = async (): Promise<void> => {
      for (let triggers = pending.shift(); triggers !== undefined; triggers = pending.shift()) {
        const counts = await runCampaign(triggers);
        totals.kills += counts.kills;
        totals.interrupted += counts.interrupted;
        totals.retried += counts.retried;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    t.diagnostic(`${totals.kills} kills; ${totals.interrupted} calls resolved as interrupted, ${totals.retried} idempotent calls retried`);
  });
});
