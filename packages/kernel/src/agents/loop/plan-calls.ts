/**
 * Planning a turn's tool calls, all of them, once, after the model proposed them and before any runs
 * (STYLE 13): which tool each names, whether its arguments fit the tool's schema, which capability it
 * needs and whether the agent holds it (plus `tool.use:<name>`), and whether a person must approve it.
 * A call that cannot run becomes an error result the model reads (unknown tool, invalid arguments,
 * missing capability), never a crash of the run.
 */
import type { ErrorCode } from '../../contracts/errors.ts';
import type { ToolCall } from '../../models/model-gateway.ts';
import type { Principal } from '../../security/principal.ts';
import type { ApprovalPolicy } from '../../approvals/approval-policy.ts';
import type { Tool } from '../tools/tool.ts';
import type { ToolRegistry } from '../tools/tool-registry.ts';

/** The rule named when a tool's own policy, not the manifest, asks for approval. */
const TOOL_POLICY = "the tool's own policy";

export type PlannedCall =
  | { kind: 'reject'; call: ToolCall; code: ErrorCode; message: string }
  | {
      kind: 'run';
      call: ToolCall;
      tool: Tool;
      input: Record<string, unknown>;
      capability: string | null;
      /** The rule that asks a person first: an approval_required entry or the tool's own policy. */
      approval?: string;
      summary: string;
    };

export interface PlanContext {
  readonly principal: Principal;
  readonly offered: readonly string[];
  readonly tools: ToolRegistry;
  readonly policy: ApprovalPolicy;
  /** Told about each capability denial (for the audit log). */
  readonly onDenied: (tool: string, missing: string) => void;
}

/** The capabilities a call needs, checked now: `undefined` when held, else the error for the model. */
export function checkCall(principal: Principal, tool: string, capability: string | null): { code: ErrorCode; message: string; missing: string } | undefined {
  for (const needed of capability === null ? [`tool.use:${tool}`] : [`tool.use:${tool}`, capability]) {
    const decision = principal.capabilities.check(needed);
    if (!decision.allowed) {
      return { code: 'permission_denied', message: `permission denied: this agent lacks ${decision.missing} (${decision.hint})`, missing: decision.missing };
    }
  }
  return undefined;
}

function summaryOf(tool: Tool, input: Record<string, unknown>, capability: string | null): string {
  try {
    const custom = tool.approval?.summary?.(input);
    if (custom !== undefined && custom.trim() !== '') return custom.slice(0, 2000);
  } catch {
    // A summary that fails to render is replaced by the generic one below.
  }
  const args = JSON.stringify(input);
  const shown = args.length > 1000 ? `${args.slice(0, 1000)}…` : args;
  return `${tool.name} ${shown}${capability === null ? '' : ` (needs ${capability})`}`;
}

export function planCall(call: ToolCall, context: PlanContext): PlannedCall {
  const tool = context.offered.includes(call.name) ? context.tools.get(call.name) : undefined;
  if (tool === undefined) {
    const available = context.offered.filter((name) => context.tools.has(name));
    return { kind: 'reject', call, code: 'not_found', message: `unknown tool "${call.name}"; the tools available are: ${available.join(', ') || 'none'}` };
  }
  const parsed = context.tools.parse(tool, call.input);
  if (!parsed.ok) return { kind: 'reject', call, code: 'payload_invalid', message: parsed.error };
  let capability: string | null;
  try {
    capability = tool.capability(parsed.input);
  } catch {
    // Fail closed: a capability that cannot be computed is not held.
    return { kind: 'reject', call, code: 'permission_denied', message: `permission denied: could not work out what ${tool.name} needs for these arguments` };
  }
  const denied = checkCall(context.principal, tool.name, capability);
  if (denied !== undefined) {
    context.onDenied(tool.name, denied.missing);
    return { kind: 'reject', call, code: denied.code, message: denied.message };
  }
  let approval = context.policy.rule(tool.name, capability);
  try {
    if (approval === undefined && tool.approval?.always?.(parsed.input) === true) approval = TOOL_POLICY;
  } catch {
    approval = TOOL_POLICY;
  }
  return {
    kind: 'run',
    call,
    tool,
    input: parsed.input,
    capability,
    ...(approval === undefined ? {} : { approval }),
    summary: summaryOf(tool, parsed.input, capability),
  };
}
