/**
 * Whether a person must approve a call (STYLE 13: policy, kept apart from what the call could do). A
 * manifest's `approval_required` lists tool names (aaOS's form: `file_write`) and capability patterns
 * (`fs.write:/home/**`, `net.fetch:*`); a call needs approval when its tool is listed or the capability it
 * needs falls under a listed pattern, matched with the capability grammar's own subset test.
 */
import { CapabilitySet } from '../security/capability-set.ts';

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export class ApprovalPolicy {
  readonly #tools: ReadonlySet<string>;
  readonly #patterns: readonly { text: string; set: CapabilitySet }[];

  constructor(entries: readonly string[]) {
    this.#tools = new Set(entries.filter((entry) => TOOL_NAME.test(entry)));
    this.#patterns = entries.filter((entry) => !TOOL_NAME.test(entry)).map((text) => ({ text, set: CapabilitySet.of([text]) }));
  }

  /** The rule that asks for approval (a tool name or a pattern), or undefined when none does. */
  rule(tool: string, capability: string | null): string | undefined {
    if (this.#tools.has(tool)) return tool;
    const needed = capability === null ? [`tool.use:${tool}`] : [`tool.use:${tool}`, capability];
    return this.#patterns.find((pattern) => needed.some((wanted) => pattern.set.implies(wanted)))?.text;
  }
}
