/**
 * `spawn_agents`: runs several independent child agents side by side (at most `maxParallelChildren` at a
 * time, `maxBatchChildren` per call) and returns every answer in input order. One child failing does not
 * stop its siblings; its entry carries the error. Each child is keyed by the call's key and its index, so
 * a repeat after a restart waits for the same children.
 */
import { z } from 'zod';
import { KernelError, toKernelError } from '../../../contracts/errors.ts';
import { AGENTS } from '../../runtime/agents-handle.ts';
import { defineTool, type ToolOutput } from '../tool.ts';
import { ChildManifest, childMessage, hasOneManifest, manifestSource, ONE_MANIFEST, spawnCapability } from './child-manifest.ts';
import { childReport } from './spawn-agent.ts';

const Child = z
  .object({ ...ChildManifest, message: z.string().min(1).max(65_536), prior_findings: z.string().max(1_000_000).optional() })
  .refine(hasOneManifest, ONE_MANIFEST);

export const spawnAgentsTool = defineTool({
  name: 'spawn_agents',
  description:
    'Run several independent child agents in parallel and return all their answers in order. Use for subtasks that do not depend on each other; ' +
    'a failed child does not stop the others.',
  input: z.object({ children: z.array(Child).min(1).max(64).describe('one entry per child: manifest (or manifest_path) and message') }),
  capability: ({ children }) => {
    const names = new Set(children.map(spawnCapability));
    // One capability per call: the single name they all share, or the unscoped spawn right.
    return names.size === 1 ? ([...names][0] as string) : 'agent.spawn';
  },
  idempotent: true,
  waits: 'child',
  async execute({ children }, ctx) {
    const agents = ctx.services.require(AGENTS);
    if (children.length > agents.limits.maxBatchChildren) {
      throw new KernelError('resource_exceeded', `at most ${agents.limits.maxBatchChildren} children per spawn_agents call`);
    }
    const results: ToolOutput[] = new Array<ToolOutput>(children.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < children.length) {
        const index = next++;
        const child = children[index] as z.infer<typeof Child>;
        const childCtx = { ...ctx, idempotencyKey: `${ctx.idempotencyKey}#${index}` };
        try {
          results[index] = childReport(await agents.spawnChild(childCtx, manifestSource(child), childMessage(child.message, child.prior_findings)));
        } catch (thrown) {
          if (ctx.signal.aborted) throw thrown;
          const error = toKernelError(thrown);
          results[index] = { status: 'failed', error: `${error.code}: ${error.message}` };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(agents.limits.maxParallelChildren, children.length) }, worker));
    return { count: children.length, children: results };
  },
});
