/**
 * `aether run "<goal>" [-m manifest.yaml] [--model provider/model]`: spawns an agent with the goal
 * (`agent.spawn_and_run`), streams its steps to standard error as they happen — a spinner while the model
 * thinks (terminals only), tool calls and results, approvals asked inline — and prints the final answer
 * on standard output. Exit code: 0 completed; 1 failed, stopped or denied. Ctrl-C stops the agent; a
 * second Ctrl-C leaves it running. `--detach` only starts it.
 */
import { readFile } from 'node:fs/promises';
import type { AetherClient, Envelope } from '@aether/sdk';
import { clientCaller } from '../callers.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { VFS_PREFIX, VfsPaths } from '../fs/vfs-paths.ts';
import { AgentFollower } from './agent-follow.ts';
import { agentCall } from './agent-errors.ts';
import { ApprovalPrompter, asApproval } from './approval-prompt.ts';
import { type AgentLogEvent, runLine } from './event-lines.ts';
import { Lineage } from './lineage.ts';
import { Spinner } from './spinner.ts';

export interface RunFlags {
  manifest?: string | undefined;
  model?: string | undefined;
  detach: boolean;
}

interface Outcome {
  outcome: string;
  text?: string;
  reason?: { code: string; message: string };
}

function outcomeOf(outcome: string, data: Record<string, unknown>): Outcome {
  const reason = data.reason as { code?: unknown; message?: unknown } | undefined;
  return {
    outcome,
    ...(typeof data.text === 'string' ? { text: data.text } : {}),
    ...(reason === undefined ? {} : { reason: { code: String(reason.code), message: String(reason.message) } }),
  };
}

async function manifestSource(ctx: CliContext, client: AetherClient, manifest: string | undefined): Promise<Record<string, unknown>> {
  if (manifest === undefined) return {};
  if (manifest.startsWith(VFS_PREFIX)) return { path: await new VfsPaths(clientCaller(client, '')).resolve(manifest) };
  try {
    return { manifest: await readFile(manifest, 'utf8') };
  } catch {
    throw new CliError(1, `cannot read the manifest ${manifest}`, 'give a local YAML file, or one in the VFS as vfs:PATH');
  }
}

export async function agentRunGoal(ctx: CliContext, goal: string, flags: RunFlags): Promise<number> {
  const client = await ctx.streamingClient('run');
  const call = (topic: string, payload: Record<string, unknown> = {}): Promise<Record<string, unknown>> => agentCall((t, p) => client.request(t, p), topic, payload);
  const spinner = Spinner.forTerminal();
  const say = (line: string): void => spinner.line(line, (text) => ctx.io.err(text));
  const prompter = new ApprovalPrompter(call, process.stdin.isTTY === true && process.stderr.isTTY === true, say);
  let follower: AgentFollower | undefined;
  const onSignal: Array<() => void> = [];
  try {
    const source = await manifestSource(ctx, client, flags.manifest);
    let agentId: string | undefined = undefined;
    const early: Envelope[] = [];
    const lineage = new Lineage(call);
    await client.subscribe('agent.event', (envelope) => {
      if (agentId === undefined) early.push(envelope);
      else if (envelope.payload?.agentId === agentId) follower?.offer(envelope.payload);
    });
    await client.subscribe('approval.*', (envelope) => {
      const approval = asApproval(envelope.payload?.approval);
      if (approval === undefined || agentId === undefined) return;
      if (envelope.topic === 'approval.decided') prompter.decided(approval.id);
      else void lineage.isWithin(approval.agentId, agentId).then((ours) => ours && prompter.offer(approval));
    });
    const started = await call('agent.spawn_and_run', { ...source, message: goal, ...(flags.model === undefined ? {} : { model: flags.model }), wait: false });
    agentId = String(started.agentId);
    const messageId = String(started.messageId);
    if (flags.detach) {
      ctx.print({ agentId, messageId }, [`agent ${agentId} started`, `follow it with \`aether logs -f ${agentId}\`; stop it with \`aether stop ${agentId}\``]);
      return 0;
    }
    ctx.io.err(`agent ${agentId} started (Ctrl-C stops it; \`aether logs -f ${agentId}\` follows it from elsewhere)`);

    let finish: (outcome: Outcome | undefined) => void = () => undefined;
    const finished = new Promise<Outcome | undefined>((resolve) => (finish = resolve));
    const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    let denied = 0;
    const id = agentId;
    follower = new AgentFollower(call, id, 0, (event: AgentLogEvent) => {
      const d = event.data;
      if (event.type === 'usage') {
        usage.inputTokens += Number(d.inputTokens ?? 0);
        usage.outputTokens += Number(d.outputTokens ?? 0);
        usage.costUsd += Number(d.costUsd ?? 0);
      }
      if (event.type === 'model.requested') spinner.start(`thinking (step ${String(d.step)})…`);
      else if (event.type !== 'model.delta' && event.type !== 'usage') spinner.stop();
      if (event.waiting === 'approval' || event.waiting === 'human') {
        void call('approval.list', { agentId: id }).then((list) => {
          for (const raw of Array.isArray(list.approvals) ? list.approvals : []) {
            const approval = asApproval(raw);
            if (approval !== undefined) prompter.offer(approval);
          }
        }, () => undefined);
      }
      // The spinner already says the model is being asked.
      const line = event.type === 'model.requested' && spinner.enabled ? undefined : runLine(event);
      if (line !== undefined) say(line);
      if (event.type === 'approval.decided' && d.decision !== 'approved') denied += 1;
      if (event.type === 'run.finished' && d.messageId === messageId) finish(outcomeOf(String(d.outcome), d));
      if (event.type === 'agent.ended') finish(outcomeOf(String(d.status), d));
    });
    follower.onError = (error) => say(`(could not read the agent's log: ${error.message})`);
    for (const envelope of early.splice(0)) if (envelope.payload?.agentId === id) follower.offer(envelope.payload);
    follower.start();
    void follower.catchUp();

    let interrupted = false;
    const interrupt = (): void => {
      if (interrupted) return finish(undefined);
      interrupted = true;
      say(`stopping agent ${id} (Ctrl-C again to leave it running)`);
      void call('agent.stop', { id, note: 'interrupted at the terminal' }).catch((error: unknown) => say(`could not stop it: ${String(error)}`));
    };
    process.on('SIGINT', interrupt);
    onSignal.push(() => process.off('SIGINT', interrupt));

    const outcome = await finished;
    spinner.stop();
    if (outcome === undefined) {
      ctx.io.err(`left agent ${id} running; \`aether logs -f ${id}\` follows it, \`aether stop ${id}\` stops it`);
      return 130;
    }
    const reason = outcome.reason === undefined ? '' : `${outcome.reason.code}: ${outcome.reason.message}`;
    if (ctx.options.json) ctx.io.out(JSON.stringify({ agentId: id, messageId, ...outcome, usage }, null, 2));
    else if (outcome.text !== undefined && outcome.text !== '') ctx.io.out(outcome.text);
    const refusals = denied === 0 ? '' : `, ${denied} approval(s) denied`;
    ctx.io.err(`${outcome.outcome}${reason === '' ? '' : ` (${reason})`}${refusals} · ${usage.inputTokens} in / ${usage.outputTokens} out tokens · $${usage.costUsd.toFixed(4)}`);
    // A run that needed a denied approval did not do what was asked, even if the model wrapped up.
    return outcome.outcome === 'completed' && denied === 0 ? 0 : 1;
  } finally {
    spinner.stop();
    follower?.stop();
    prompter.close();
    for (const off of onSignal) off();
    client.close();
  }
}
