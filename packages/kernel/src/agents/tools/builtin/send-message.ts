/**
 * `send_message`: asks another agent of the same owner something and waits for its answer (the run the
 * message starts). Needs `agent.message:<agent id>`. Idempotent: the message id comes from the call's key,
 * so a repeat after a restart waits for the same run instead of asking twice.
 */
import { z } from 'zod';
import { KernelError } from '../../../contracts/errors.ts';
import { AGENTS } from '../../runtime/agents-handle.ts';
import { defineTool } from '../tool.ts';
import { childReport } from './spawn-agent.ts';

export const sendMessageTool = defineTool({
  name: 'send_message',
  description: 'Send a message to another agent (by id) and wait for its reply.',
  input: z.object({
    agent_id: z.string().regex(/^a_[A-Za-z0-9]{1,32}$/).describe('the id of the agent to ask'),
    message: z.string().min(1).max(65_536),
    timeout_ms: z.number().int().min(1000).max(3_600_000).default(600_000).describe('how long to wait for the reply'),
  }),
  capability: ({ agent_id: agentId }) => `agent.message:${agentId}`,
  idempotent: true,
  waits: 'child',
  async execute({ agent_id: agentId, message, timeout_ms: timeoutMs }, ctx) {
    const outcome = await ctx.services.require(AGENTS).message(ctx, agentId, message, timeoutMs);
    if (outcome.outcome !== 'completed') throw new KernelError(outcome.reason?.code ?? 'internal_error', `agent ${agentId} ${outcome.outcome}: ${outcome.reason?.message ?? 'no reply'}`);
    return childReport(outcome);
  },
});
