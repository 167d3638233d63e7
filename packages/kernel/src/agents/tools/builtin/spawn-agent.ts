/**
 * `spawn_agent`: runs a child agent on one task and returns its answer. The child's capabilities must be
 * a subset of the calling agent's (the kernel narrows them and refuses anything more), and its run draws
 * on the caller's budget. Idempotent: a repeat of the call after a restart waits for the same child.
 */
import { z } from 'zod';
import { KernelError } from '../../../contracts/errors.ts';
import { AGENTS, type AgentOutcome } from '../../runtime/agents-handle.ts';
import { defineTool, type ToolOutput } from '../tool.ts';
import { ChildManifest, childMessage, hasOneManifest, manifestSource, ONE_MANIFEST, spawnCapability } from './child-manifest.ts';

export function childReport(outcome: AgentOutcome): { [key: string]: ToolOutput } {
  return {
    agent_id: outcome.agentId,
    status: outcome.outcome,
    ...(outcome.text === undefined ? {} : { response: outcome.text }),
    ...(outcome.reason === undefined ? {} : { error: `${outcome.reason.code}: ${outcome.reason.message}` }),
  };
}

export const spawnAgentTool = defineTool({
  name: 'spawn_agent',
  description:
    'Start a child agent with its own manifest and a task, wait for it to finish, and return its answer. ' +
    'Give the child only the capabilities it needs; it cannot hold anything you do not. Put earlier results in prior_findings, not in message.',
  input: z
    .object({
      ...ChildManifest,
      message: z.string().min(1).max(65_536).describe("the child's task"),
      prior_findings: z.string().max(1_000_000).optional().describe('output of an earlier agent the child should use, passed as quoted data'),
    })
    .refine(hasOneManifest, ONE_MANIFEST),
  capability: spawnCapability,
  idempotent: true,
  waits: 'child',
  async execute(input, ctx) {
    const outcome = await ctx.services.require(AGENTS).spawnChild(ctx, manifestSource(input), childMessage(input.message, input.prior_findings));
    if (outcome.outcome !== 'completed') {
      throw new KernelError(outcome.reason?.code ?? 'internal_error', `child ${outcome.agentId} ${outcome.outcome}: ${outcome.reason?.message ?? 'no answer'}`);
    }
    return childReport(outcome);
  },
});
