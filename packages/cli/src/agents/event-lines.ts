/**
 * An agent's log events (agent.event on the bus, agent.logs from the durable log) as one line each for a
 * person: tool calls with their arguments, results with their first line, approvals and decisions, the
 * end of a run. Deltas and usage are not lines of their own (`run` shows a spinner and a total instead).
 */
import { ruleNote } from './approval-prompt.ts';

export interface AgentLogEvent {
  seq: number;
  type: string;
  time: string;
  data: Record<string, unknown>;
  /** On live events: the agent's status after this event. */
  status?: string;
  waiting?: string;
}

/** Reads an event off the wire (agent.event payload or an agent.logs entry); undefined when it is not one. */
export function asLogEvent(value: unknown): AgentLogEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || typeof v.type !== 'string') return undefined;
  const data = typeof v.data === 'object' && v.data !== null ? (v.data as Record<string, unknown>) : {};
  return {
    seq: v.seq,
    type: v.type,
    time: typeof v.time === 'string' ? v.time : '',
    data,
    ...(typeof v.status === 'string' ? { status: v.status } : {}),
    ...(typeof v.waiting === 'string' ? { waiting: v.waiting } : {}),
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

/** At most `max` characters of the first line of `value`, marked when cut. */
export function clip(value: string, max = 160): string {
  const lines = value.trim().split('\n');
  const first = lines[0] ?? '';
  const cut = first.length > max ? `${first.slice(0, max - 1)}…` : first;
  return lines.length > 1 && cut === first ? `${cut} …` : cut;
}

/** A tool result as the model reads it is wrapped as untrusted data; a person wants what is inside. */
export function unwrapOutput(output: string): string {
  const inner = /^<tool_output[^>]*>\n([\s\S]*)\n<\/tool_output>/.exec(output);
  return inner?.[1] ?? output;
}

/** What a result says, for one line: an error's whole message (its code is already shown), else the first line. */
function shownOutput(data: Record<string, unknown>): string {
  const output = unwrapOutput(text(data.output));
  if (data.status === 'ok') return clip(output);
  const message = output.replace(/^error \([a-z_]+\): /, '');
  return clip(message.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' '));
}

function reasonOf(data: Record<string, unknown>): string {
  const reason = data.reason as { code?: unknown; message?: unknown } | undefined;
  return reason === undefined ? '' : `: ${text(reason.code)}: ${text(reason.message)}`;
}

/** One line for a person, or undefined for events that are not shown on their own. */
export function describeEvent(event: AgentLogEvent): string | undefined {
  const d = event.data;
  switch (event.type) {
    case 'agent.spawned':
      return `● agent ${text(d.name)} (${text(d.agentId)}) spawned${d.parentId === undefined ? '' : ` by ${text(d.parentId)}`}`;
    case 'message.received':
      return `› ${clip(text(d.text))}`;
    case 'run.started':
      return `▶ run started`;
    case 'model.requested':
      return `… step ${text(d.step)}: asking ${d.model === undefined ? 'the model' : text(d.model)}`;
    case 'model.responded': {
      const calls = Array.isArray(d.toolCalls) ? d.toolCalls.length : 0;
      const said = text(d.text).trim() === '' ? '' : ` ${clip(text(d.text))}`;
      return calls > 0 ? `  ${calls} tool call(s)${said === '' ? '' : ':'}${said}` : `  answered:${said}`;
    }
    case 'usage':
      return `  ${text(d.inputTokens)} in / ${text(d.outputTokens)} out tokens, $${Number(d.costUsd ?? 0).toFixed(4)}`;
    case 'model.failed':
      return `✗ the model failed: ${text(d.code)}: ${text(d.message)}`;
    case 'tool.started':
      return `→ ${text(d.name)} ${clip(text(d.input), 120)}`;
    case 'tool.finished':
      return `← ${text(d.name)} ${text(d.status)}${d.code === undefined ? '' : ` (${text(d.code)})`}: ${shownOutput(d)}`;
    case 'approval.requested':
      return `? ${text(d.tool)} needs approval${typeof d.rule === 'string' ? ruleNote(d.rule) : ''}: ${clip(text(d.summary))} [${text(d.approvalId)}]`;
    case 'approval.decided':
      return `${d.decision === 'approved' ? '✓' : '✗'} ${text(d.decision)} by ${text(d.by)}${d.note === undefined ? '' : ` (${text(d.note)})`}`;
    case 'run.finished':
      return `■ run ${text(d.outcome)}${reasonOf(d)}`;
    case 'agent.paused':
      return `‖ paused by ${text(d.by)}`;
    case 'agent.resumed':
      return `▶ resumed by ${text(d.by)}`;
    case 'agent.restarted':
      return `↻ restarted (attempt ${text(d.attempt)})${reasonOf(d)}`;
    case 'capability.revoked':
      return `⊘ ${text(d.capability)} revoked by ${text(d.by)}`;
    case 'agent.ended':
      return `■ agent ${text(d.status)}${reasonOf(d)}`;
    default:
      return undefined;
  }
}

/**
 * What `aether run` leaves out of its live view: the goal it was given, bookkeeping (usage is summed at
 * the end), the answer (printed on stdout), approvals (asked or announced by the prompter), deltas.
 */
const QUIET_IN_RUN = new Set(['message.received', 'run.started', 'usage', 'run.finished', 'approval.requested', 'model.delta']);

/** The line `aether run` shows for an event, if any: tool calls with what the model said alongside them. */
export function runLine(event: AgentLogEvent): string | undefined {
  if (QUIET_IN_RUN.has(event.type)) return undefined;
  if (event.type === 'model.responded') {
    const said = text(event.data.text).trim();
    return Array.isArray(event.data.toolCalls) && event.data.toolCalls.length > 0 && said !== '' ? `  ${clip(said)}` : undefined;
  }
  return describeEvent(event);
}

/** A log line: sequence number, time and the description (or the bare type). */
export function logLine(event: AgentLogEvent): string {
  return `${String(event.seq).padStart(5)}  ${event.time}  ${describeEvent(event) ?? event.type}`;
}
