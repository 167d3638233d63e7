/**
 * The agent commands against a daemon that runs agents on the scripted model (testing/agent-daemon.ts):
 * `aether run` streams tool calls and prints the answer, announces approvals with the commands that
 * decide them when nobody is at a terminal, and exits by the outcome; `ps`, `logs` (cursor, -f),
 * `approvals`, `approve`, `deny` and `stop`, and their failures with next steps.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { AETHER, type Ran, runAether } from './testing.ts';
import { type AgentDaemon, type ScriptedTurn, recorder, startAgentDaemon } from './testing/agent-daemon.ts';

let fx: AgentDaemon | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const noteTurn: ScriptedTurn = { toolCalls: [{ id: 'n1', name: 'note', input: { text: 'ship it' } }] };

async function start(turns: ScriptedTurn[], approval: boolean): Promise<{ fx: AgentDaemon; runs: string[]; manifest: string }> {
  const note = recorder();
  fx = await startAgentDaemon(turns, [note.tool]);
  const manifest = path.join(fx.dir, 'shipper.yaml');
  await writeFile(manifest, `name: shipper\ntools: [note]\n${approval ? 'approval_required: [note]\n' : ''}`);
  return { fx, runs: note.runs, manifest };
}

const as = (daemon: AgentDaemon, args: string[]): Promise<Ran> => runAether(args, daemon.alice);

/** Runs `aether run …` and, once its standard error matches `when`, does `then` with the match (once). */
function runAnd(daemon: AgentDaemon, args: string[], when: RegExp, then: (match: RegExpExecArray) => Promise<unknown>): Promise<Ran> {
  let acted: Promise<unknown> | undefined;
  return runAether(['run', ...args], daemon.alice, '', {
    onStderr: (stderr) => {
      const match = when.exec(stderr);
      if (match !== null) acted ??= then(match);
    },
  }).then(async (ran) => {
    assert.ok(acted !== undefined, `never saw ${String(when)} in: ${ran.stderr}`);
    await acted;
    return ran;
  });
}

test('run streams the tool calls and their results, prints the answer and exits 0', async () => {
  const { fx: daemon, runs, manifest } = await start([noteTurn, { text: 'shipped it' }], false);
  const ran = await as(daemon, ['run', 'ship the release', '-m', manifest]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'shipped it\n');
  assert.match(ran.stderr, /agent a_\w+ started/);
  assert.match(ran.stderr, /→ note \{"text":"ship it"\}/);
  assert.match(ran.stderr, /← note ok: noted: ship it$/m);
  assert.match(ran.stderr, /^completed · \d+ in \/ \d+ out tokens/m);
  assert.equal(runs.length, 1);
});

test('an approval is announced with the commands that decide it; approving lets the run finish', async () => {
  const { fx: daemon, runs, manifest } = await start([noteTurn, { text: 'shipped after approval' }], true);
  const ran = await runAnd(daemon, ['ship it', '-m', manifest], /aether approve (\S+)/, async ([, id]) => {
    const pending = await as(daemon, ['approvals', '--json']);
    assert.deepEqual((JSON.parse(pending.stdout) as { approvals: Array<{ id: string }> }).approvals.map((a) => a.id), [id]);
    const listed = await as(daemon, ['approvals']);
    assert.match(listed.stdout, /RULE[\s\S]*note\s+note\s+pending/, 'the table names the rule that asked');
    const approved = await as(daemon, ['approve', id as string, '--note', 'go ahead']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, new RegExp(`approved ${id} \\(note for a_\\w+\\)`));
  });
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'shipped after approval\n');
  assert.match(ran.stderr, /\? note needs approval \(rule: note\): .*ship it/);
  assert.match(ran.stderr, /✓ approved by \S+ \(go ahead\)/);
  assert.equal(ran.stderr.match(/needs approval/g)?.length, 1, 'announced once');
  assert.equal(runs.length, 1);
});

test('a denied approval never runs the tool, and the run exits 1', async () => {
  const { fx: daemon, runs, manifest } = await start([noteTurn, { text: 'could not ship' }], true);
  const ran = await runAnd(daemon, ['ship it', '-m', manifest], /aether deny (\S+)/, ([, id]) => as(daemon, ['deny', id as string, '--note', 'not today']));
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /✗ denied by \S+ \(not today\)/);
  assert.match(ran.stderr, /completed, 1 approval\(s\) denied/);
  assert.deepEqual(runs, []);
});

test('stop ends a waiting agent, and the run that follows it exits 1', async () => {
  const { fx: daemon, manifest } = await start([noteTurn], true);
  const ran = await runAnd(daemon, ['ship it', '-m', manifest], /agent (a_\w+) started[\s\S]*aether approve/, async ([, id]) => {
    const stopped = await as(daemon, ['stop', id as string, '--note', 'changed my mind']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /is stopped/);
  });
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /^stopped/m);
});

test('Ctrl-C during a run stops the agent, and the run exits 1', async () => {
  const { fx: daemon, manifest } = await start([noteTurn], true);
  const child = spawn(process.execPath, [AETHER, 'run', 'ship it', '-m', manifest], { env: { ...process.env, ...daemon.alice }, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (!stderr.includes('aether approve') && (stderr + chunk).includes('aether approve')) child.kill('SIGINT');
    stderr += chunk;
  });
  assert.equal(await exited, 1);
  assert.match(stderr, /stopping agent a_\w+/);
  assert.match(stderr, /^stopped/m);
  const ps = await as(daemon, ['ps', '--json']);
  assert.deepEqual((JSON.parse(ps.stdout) as { agents: Array<{ status: string }> }).agents.map((a) => a.status), ['stopped']);
});

test('ps lists agents; logs reads the log from a cursor; logs -f follows until the agent ends', async () => {
  const { fx: daemon, manifest } = await start([noteTurn, { text: 'first' }], false);
  const detached = await as(daemon, ['run', 'ship it', '-m', manifest, '--detach', '--json']);
  assert.equal(detached.code, 0, detached.stderr);
  const { agentId } = JSON.parse(detached.stdout) as { agentId: string };

  const follow = await as(daemon, ['logs', '-f', agentId]);
  assert.equal(follow.code, 0, follow.stderr);
  assert.match(follow.stdout, /^\s+1 {2}\S+ {2}● agent shipper/m);
  assert.match(follow.stdout, /→ note \{"text":"ship it"\}/);
  assert.match(follow.stdout, /■ run completed/);
  assert.match(follow.stdout, /■ agent completed$/m);

  const logs = await as(daemon, ['logs', agentId]);
  assert.equal(logs.stdout, follow.stdout);
  const cursor = Number(/# cursor (\d+)/.exec(logs.stderr)?.[1]);
  assert.ok(cursor > 3, logs.stderr);
  const rest = await as(daemon, ['logs', agentId, '--after', String(cursor - 1)]);
  assert.equal(rest.stdout.trim().split('\n').length, 1);
  assert.match(rest.stdout, /■ agent completed/);
  const json = await as(daemon, ['logs', agentId, '--json']);
  assert.equal(json.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq).at(-1), cursor);

  const ps = await as(daemon, ['ps', '--json']);
  const agents = (JSON.parse(ps.stdout) as { agents: Array<{ id: string; name: string; status: string }> }).agents;
  assert.deepEqual(agents.map((a) => [a.id, a.name, a.status]), [[agentId, 'shipper', 'completed']]);
  assert.match((await as(daemon, ['ps'])).stdout, new RegExp(`^${agentId}\\s+shipper\\s+completed`, 'm'));
});

test('unknown agents and approvals, and bad arguments, fail with the next step', async () => {
  const { fx: daemon } = await start([], false);
  const approve = await as(daemon, ['approve', 'ap_nothing']);
  assert.equal(approve.code, 1);
  assert.match(approve.stderr, /not_found[\s\S]*→ list pending approvals with `aether approvals`/);
  const logs = await as(daemon, ['logs', 'a_nothing']);
  assert.equal(logs.code, 1);
  assert.match(logs.stderr, /not_found[\s\S]*→ list your agents with `aether ps`/);
  const stop = await as(daemon, ['stop', 'not-an-id']);
  assert.equal(stop.code, 1);
  assert.match(stop.stderr, /payload_invalid: .*a_…/);
  assert.equal((await as(daemon, ['logs', 'a_x', '--after', 'soon'])).code, 2);
  assert.equal((await as(daemon, ['deny', 'ap_x', '--answer', 'yes'])).code, 2);
  assert.equal((await as(daemon, ['run'])).code, 2);
  const manifest = await as(daemon, ['run', 'goal', '-m', path.join(daemon.dir, 'missing.yaml')]);
  assert.equal(manifest.code, 1);
  assert.match(manifest.stderr, /cannot read the manifest/);
  assert.match((await as(daemon, ['ps'])).stdout, /^no agents$/m);
});
