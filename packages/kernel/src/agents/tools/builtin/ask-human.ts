/**
 * `ask_human`: puts a question to the person the agent works for and waits for the answer. The question
 * is listed with their approvals and answered with `approval.respond` (decision approve + answer); a
 * denial or the manifest's approval timeout comes back to the model as an error it can work around.
 */
import { z } from 'zod';
import { KernelError } from '../../../contracts/errors.ts';
import { AGENTS } from '../../runtime/agents-handle.ts';
import { defineTool } from '../tool.ts';

export const askHumanTool = defineTool({
  name: 'ask_human',
  description: 'Ask the person you work for a question and wait for the answer. Use when the goal is ambiguous or a decision is theirs to make.',
  input: z.object({
    question: z.string().min(1).max(8192),
    choices: z.array(z.string().min(1).max(500)).max(20).optional().describe('suggested answers, if the question has a few'),
  }),
  capability: () => null,
  idempotent: true,
  waits: 'human',
  approval: { summary: ({ question }) => question },
  async execute({ question, choices }, ctx) {
    const text = choices === undefined || choices.length === 0 ? question : `${question}\nChoices: ${choices.join(' | ')}`;
    const answer = await ctx.services.require(AGENTS).ask(ctx, text);
    if (!answer.answered) {
      throw new KernelError('approval_denied', `the person did not answer${answer.note === undefined ? '' : `: ${answer.note}`}`);
    }
    return { answer: answer.answer ?? answer.note ?? '', ...(answer.by === undefined ? {} : { answered_by: answer.by }) };
  },
});
