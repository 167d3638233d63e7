/**
 * Whether a person must approve a call (STYLE 13: policy, kept apart from what the call could do). A
 * manifest's `approval_required` lists tool names (aaOS's form: `file_write`) and capability patterns
 * (`fs.write:/home/**`, `net.fetch:*`). A call needs approval when its tool is listed or the capability it
 * needs overlaps a listed pattern: a rule on `/home/alice/secret/**` also stops a search over all of
 * `/home/alice`, because that search can read the secret.
 */
import { KernelError } from '../contracts/errors.ts';
import { compileCapability, compiledOverlap, type CompiledCapability } from '../security/capability.ts';
import { compileCached } from '../security/parse-cache.ts';

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export class ApprovalPolicy {
  readonly #tools: ReadonlySet<string>;
  readonly #patterns: readonly CompiledCapability[];

  /** Throws `payload_invalid` on a malformed pattern: a rule that cannot be read must not silently vanish. */
  constructor(entries: readonly string[]) {
    this.#tools = new Set(entries.filter((entry) => TOOL_NAME.test(entry)));
    this.#patterns = entries.filter((entry) => !TOOL_NAME.test(entry)).map((text) => compileCapability(text));
  }

  /** The rule that asks for approval (a tool name or a pattern), or undefined when none does. */
  rule(tool: string, capability: string | null): string | undefined {
    if (this.#tools.has(tool)) return tool;
    // Parsed through the memo the capability check just filled for the same strings.
    const needed = [`tool.use:${tool}`, ...(capability === null ? [] : [capability])].map(compileCached);
    const parsed = needed.filter((wanted): wanted is CompiledCapability => !(wanted instanceof KernelError));
    // Fail closed: what cannot be read cannot be shown to fall outside every rule.
    if (parsed.length !== needed.length) return this.#patterns[0]?.text;
    return this.#patterns.find((pattern) => parsed.some((wanted) => compiledOverlap(pattern, wanted)))?.text;
  }
}
