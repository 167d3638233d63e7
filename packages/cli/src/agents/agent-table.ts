/**
 * The agent rows of the command table: `run`, `ps`, `logs`, `approve`, `deny`, `approvals`, `stop`.
 */
import { type Command, bool, str } from '../args.ts';
import { agentLogs, agentPs, agentStop, approvalDecide, approvalsList } from './agent-commands.ts';
import { agentRunGoal } from './run-command.ts';

const NOTE = { note: { type: 'string' } } as const;

export const AGENT_COMMANDS: Record<string, Command> = {
  run: {
    usage: 'run "GOAL" [-m MANIFEST.yaml|vfs:PATH] [--model PROVIDER/MODEL] [--detach]',
    summary: 'spawn an agent for a goal, stream its steps, answer its approvals, print its answer',
    options: { manifest: { type: 'string', short: 'm' }, model: { type: 'string' }, detach: { type: 'boolean' } },
    args: [1, 1],
    run: (ctx, [goal], v) => agentRunGoal(ctx, goal as string, { manifest: str(v, 'manifest'), model: str(v, 'model'), detach: bool(v, 'detach') }),
  },
  ps: {
    usage: 'ps [--all]',
    summary: 'your agents, children under their parents (--all: everyone\'s, for admins)',
    options: { all: { type: 'boolean' } },
    args: [0, 0],
    run: (ctx, _a, v) => agentPs(ctx, bool(v, 'all')),
  },
  logs: {
    usage: 'logs [-f] [--after SEQ] ID',
    summary: "an agent's steps from its durable log (-f: then follow live until it ends)",
    options: { follow: { type: 'boolean', short: 'f' }, after: { type: 'string' } },
    args: [1, 1],
    run: (ctx, [id], v) => agentLogs(ctx, id as string, bool(v, 'follow'), str(v, 'after')),
  },
  approvals: {
    usage: 'approvals [--status pending|approved|denied|expired] [--all]',
    summary: 'approvals and questions waiting for you',
    options: { status: { type: 'string' }, all: { type: 'boolean' } },
    args: [0, 0],
    run: (ctx, _a, v) => approvalsList(ctx, bool(v, 'all'), str(v, 'status')),
  },
  approve: {
    usage: 'approve ID [--note TEXT] [--answer TEXT]',
    summary: 'approve a pending approval (--answer: answer a question)',
    options: { ...NOTE, answer: { type: 'string' } },
    args: [1, 1],
    run: (ctx, [id], v) => approvalDecide(ctx, id as string, 'approve', { note: str(v, 'note'), answer: str(v, 'answer') }),
  },
  deny: {
    usage: 'deny ID [--note TEXT]',
    summary: 'deny a pending approval, or decline a question',
    options: { ...NOTE },
    args: [1, 1],
    run: (ctx, [id], v) => approvalDecide(ctx, id as string, 'deny', { note: str(v, 'note') }),
  },
  stop: {
    usage: 'stop ID [--note TEXT]',
    summary: 'stop an agent and its children',
    options: { ...NOTE },
    args: [1, 1],
    run: (ctx, [id], v) => agentStop(ctx, id as string, str(v, 'note')),
  },
};
