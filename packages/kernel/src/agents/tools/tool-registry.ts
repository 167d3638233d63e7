/**
 * The tools agents can be offered, by name. A tool is checked when it is registered (defineTool has
 * already validated its shape; the registry refuses duplicates and bare specs), so a bad definition
 * fails at start-up, not in the middle of a run. The registry also answers the two questions the loop
 * asks per call: which tool is this, and do these arguments fit its schema.
 */
import { z } from 'zod';
import { KernelError } from '../../contracts/errors.ts';
import type { ModelTool } from '../../models/model-gateway.ts';
import { type Tool, TOOL_NAME } from './tool.ts';

export type ParsedInput = { ok: true; input: Record<string, unknown> } | { ok: false; error: string };

export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  constructor(tools: readonly Tool[] = []) {
    for (const tool of tools) this.register(tool);
  }

  register(tool: Tool): void {
    if (!TOOL_NAME.test(tool.name) || typeof tool.inputSchema !== 'object' || !Object.isFrozen(tool)) {
      throw new TypeError(`tool ${JSON.stringify(tool.name)} was not made with defineTool`);
    }
    if (this.#tools.has(tool.name)) throw new KernelError('conflict', `tool ${tool.name} is already registered`);
    this.#tools.set(tool.name, tool);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  names(): string[] {
    return [...this.#tools.keys()].sort();
  }

  /** The named tools as the model sees them, in the order given; unknown names are skipped. */
  modelTools(names: readonly string[]): ModelTool[] {
    const tools: ModelTool[] = [];
    for (const name of names) {
      const tool = this.#tools.get(name);
      if (tool !== undefined) tools.push({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema });
    }
    return tools;
  }

  /** Validates model-supplied arguments; the error is written for the model to read and correct. */
  parse(tool: Tool, raw: unknown): ParsedInput {
    const parsed = tool.input.safeParse(raw ?? {});
    if (parsed.success) return { ok: true, input: parsed.data };
    return { ok: false, error: `invalid arguments for ${tool.name}:\n${z.prettifyError(parsed.error)}` };
  }
}
