/**
 * Real tools for loop tests (defined with defineTool like any other): one that records each execution with
 * its idempotency key, one whose capability comes from a path argument, one that fails, and one that waits
 * until released (or the agent is stopped).
 */
import { z } from 'zod';
import { KernelError } from '../../contracts/errors.ts';
import { defineTool, type Tool } from '../tools/tool.ts';

export interface Recorder {
  tool: Tool;
  /** Idempotency keys of every execution, in order. */
  runs: string[];
}

export function recorder(name = 'note', options: { idempotent?: boolean; output?: (text: string) => string } = {}): Recorder {
  const runs: string[] = [];
  const tool = defineTool({
    name,
    description: 'Records a note and returns it.',
    input: z.object({ text: z.string().describe('the note') }),
    capability: () => null,
    idempotent: options.idempotent ?? false,
    execute: ({ text }, ctx) => {
      runs.push(ctx.idempotencyKey);
      return Promise.resolve(options.output?.(text) ?? `noted: ${text}`);
    },
  });
  return { tool, runs };
}

/** Needs `fs.read:<path>`; answers with the path it was allowed to read. */
export const probe = defineTool({
  name: 'probe',
  description: 'Reads a path (test tool).',
  input: z.object({ path: z.string().startsWith('/') }),
  capability: ({ path }) => `fs.read:${path}`,
  idempotent: true,
  execute: ({ path }) => Promise.resolve(`read ${path}`),
});

export const failing = defineTool({
  name: 'failing',
  description: 'Always fails (test tool).',
  input: z.object({}),
  capability: () => null,
  idempotent: true,
  execute: () => Promise.reject(new KernelError('not_found', 'there is nothing at that address')),
});

export interface Gate {
  tool: Tool;
  /** Resolves when the tool has started executing. */
  started: Promise<void>;
  release(): void;
  runs: string[];
}

/** A tool that blocks until released or the agent's signal aborts. */
export function gate(name = 'slow', idempotent = false): Gate {
  let release!: () => void;
  let started!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const runs: string[] = [];
  const tool = defineTool({
    name,
    description: 'Waits until released (test tool).',
    input: z.object({}),
    capability: () => null,
    idempotent,
    execute: async (_input, ctx) => {
      runs.push(ctx.idempotencyKey);
      started();
      await new Promise<void>((resolve, reject) => {
        void released.then(resolve);
        ctx.signal.addEventListener('abort', () => reject(new KernelError('cancelled', 'stopped')), { once: true });
      });
      return 'released';
    },
  });
  return { tool, started: startedPromise, release, runs };
}
