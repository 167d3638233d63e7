/**
 * `aether ps` (your agents as a tree, with status, step, tokens and cost), `aether logs [-f] <id>` (the
 * durable log from a cursor, then live), `aether approve|deny <id>`, `aether approvals` and
 * `aether stop <id>`, over the `agent.*` and `approval.*` contracts.
 */
import { clientCaller } from '../callers.ts';
import type { CliContext } from '../context.ts';
import { usage } from '../errors.ts';
import { table } from '../commands/users.ts';
import { AgentFollower } from './agent-follow.ts';
import { agentCall } from './agent-errors.ts';
import { type AgentLogEvent, clip, logLine } from './event-lines.ts';

interface AgentView {
  id: string;
  name: string;
  depth: number;
  parentId?: string;
  status: string;
  waiting?: string;
  model?: string;
  step?: number;
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
  createdAt?: string;
}

/** Pages through `topic` (a list with a cursor) up to `max` items. */
async function allPages<T>(ctx: CliContext, topic: string, key: string, payload: Record<string, unknown>, max = 10_000): Promise<T[]> {
  return ctx.withCaller(async (caller) => {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await agentCall((t, p) => caller.call(t, p), topic, { ...payload, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      items.push(...((page[key] as T[] | undefined) ?? []));
      cursor = typeof page.cursor === 'string' ? page.cursor : undefined;
    } while (cursor !== undefined && items.length < max);
    return items;
  });
}

/** Parents before their children, children indented under them. */
function asTree(agents: readonly AgentView[]): AgentView[] {
  const byParent = new Map<string | undefined, AgentView[]>();
  const ids = new Set(agents.map((a) => a.id));
  for (const agent of agents) {
    const parent = agent.parentId !== undefined && ids.has(agent.parentId) ? agent.parentId : undefined;
    byParent.set(parent, [...(byParent.get(parent) ?? []), agent]);
  }
  const out: AgentView[] = [];
  const visit = (parent: string | undefined): void => {
    for (const agent of byParent.get(parent) ?? []) {
      out.push(agent);
      visit(agent.id);
    }
  };
  visit(undefined);
  return out;
}

export async function agentPs(ctx: CliContext, all: boolean): Promise<void> {
  const agents = await allPages<AgentView>(ctx, 'agent.list', 'agents', { all });
  const rows = asTree(agents).map((a) => [
    a.id,
    `${'  '.repeat(a.depth)}${a.name}`,
    a.waiting === undefined ? a.status : `${a.status}:${a.waiting}`,
    a.model ?? '',
    a.step === undefined ? '' : String(a.step),
    a.usage === undefined ? '' : String(a.usage.inputTokens + a.usage.outputTokens),
    a.usage === undefined ? '' : `$${a.usage.costUsd.toFixed(4)}`,
    a.createdAt ?? '',
  ]);
  ctx.print({ agents }, rows.length === 0 ? 'no agents' : table(['ID', 'NAME', 'STATUS', 'MODEL', 'STEP', 'TOKENS', 'COST', 'CREATED'], rows));
}

function cursorOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw usage(`--after takes the sequence number of the last event you saw (got "${text}")`);
  return n;
}

/** Deltas are the model's text as it streamed; the answer event carries all of it. */
const HIDDEN = new Set(['model.delta']);

export async function agentLogs(ctx: CliContext, id: string, follow: boolean, after: string | undefined): Promise<void> {
  const show = (event: AgentLogEvent): void => {
    if (ctx.options.json) ctx.io.out(JSON.stringify(event));
    else if (!HIDDEN.has(event.type)) ctx.io.out(logLine(event));
  };
  if (!follow) {
    await ctx.withCaller(async (caller) => {
      const reader = new AgentFollower((t, p) => agentCall((topic, payload) => caller.call(topic, payload), t, p), id, cursorOf(after), show);
      let failure: Error | undefined;
      reader.onError = (error) => (failure = error);
      await reader.catchUp();
      reader.stop();
      if (failure !== undefined) throw failure;
      if (!ctx.options.json) ctx.io.err(`# cursor ${reader.cursor}: \`aether logs ${id} --after ${reader.cursor}\` continues from here`);
    });
    return;
  }
  const client = await ctx.streamingClient('logs -f');
  try {
    const caller = clientCaller(client, '');
    const call = (topic: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> => agentCall((t, p) => caller.call(t, p), topic, payload);
    let done: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (done = resolve));
    const follower = new AgentFollower(call, id, cursorOf(after), (event) => {
      show(event);
      if (event.type === 'agent.ended') done();
    });
    let failure: Error | undefined;
    const check = (): void => {
      if (failure !== undefined) throw failure;
    };
    follower.onError = (error) => {
      failure = error;
      done();
    };
    await client.subscribe('agent.event', (envelope) => {
      if (envelope.payload?.agentId === id) follower.offer(envelope.payload);
    });
    await follower.catchUp();
    check();
    if (follower.ended) return;
    follower.start();
    const stop = (): void => done();
    process.once('SIGINT', stop);
    await ended;
    process.off('SIGINT', stop);
    follower.stop();
    check();
  } finally {
    client.close();
  }
}

export interface DecisionFlags {
  note?: string | undefined;
  answer?: string | undefined;
}

export async function approvalDecide(ctx: CliContext, id: string, decision: 'approve' | 'deny', flags: DecisionFlags): Promise<void> {
  if (decision === 'deny' && flags.answer !== undefined) throw usage('--answer goes with approve (it answers a question)');
  const payload = { id, decision, ...(flags.note === undefined ? {} : { note: flags.note }), ...(flags.answer === undefined ? {} : { answer: flags.answer }) };
  const view = await ctx.withCaller((caller) => agentCall((t, p) => caller.call(t, p), 'approval.respond', payload));
  ctx.print(view, `${decision === 'approve' ? 'approved' : 'denied'} ${id} (${String(view.tool)} for ${String(view.agentId)})`);
}

interface ApprovalRow {
  id: string;
  kind: string;
  agentId: string;
  tool: string;
  rule?: string;
  summary: string;
  createdAt: string;
  status: string;
}

export async function approvalsList(ctx: CliContext, all: boolean, status: string | undefined): Promise<void> {
  const approvals = await allPages<ApprovalRow>(ctx, 'approval.list', 'approvals', { all, ...(status === undefined ? {} : { status }) });
  const rows = approvals.map((a) => [a.id, a.agentId, a.kind === 'question' ? 'question' : a.tool, a.rule ?? '', a.status, a.createdAt, clip(a.summary, 80)]);
  ctx.print({ approvals }, rows.length === 0 ? `no ${status ?? 'pending'} approvals` : table(['ID', 'AGENT', 'TOOL', 'RULE', 'STATUS', 'CREATED', 'SUMMARY'], rows));
}

export async function agentStop(ctx: CliContext, id: string, note: string | undefined): Promise<void> {
  const reply = await ctx.withCaller((caller) => agentCall((t, p) => caller.call(t, p), 'agent.stop', { id, ...(note === undefined ? {} : { note }) }));
  ctx.print(reply, `agent ${id} is ${String(reply.status)}`);
}
