/**
 * Approvals and questions of a run, asked inline when a person is at the terminal: one at a time,
 * y/n for a tool (→ `approval.respond` approve/deny), a typed answer for a question (empty declines).
 * A prompt whose approval is decided elsewhere meanwhile (desktop, another terminal) is withdrawn.
 * Without a terminal each is announced once with the commands that decide it.
 */
import { createInterface } from 'node:readline/promises';
import { agentCall } from './agent-errors.ts';

export interface ApprovalView {
  id: string;
  kind: 'tool' | 'question';
  agentId: string;
  tool: string;
  /** The rule that asked (an approval_required entry or the tool's own policy). */
  rule?: string;
  summary: string;
  status: string;
}

/** Why a person is asked, shown beside the tool. */
export function ruleNote(rule: string | undefined): string {
  return rule === undefined ? '' : ` (rule: ${rule})`;
}

type Call = (topic: string, payload?: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function asApproval(value: unknown): ApprovalView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.agentId !== 'string') return undefined;
  const kind = v.kind === 'question' ? 'question' : 'tool';
  const rule = typeof v.rule === 'string' ? { rule: v.rule } : {};
  return { id: v.id, kind, agentId: v.agentId, tool: String(v.tool), ...rule, summary: String(v.summary), status: String(v.status) };
}

export class ApprovalPrompter {
  readonly #call: Call;
  readonly #interactive: boolean;
  readonly #print: (line: string) => void;
  readonly #seen = new Set<string>();
  readonly #open = new Map<string, AbortController>();
  #queue: Promise<void> = Promise.resolve();

  constructor(call: Call, interactive: boolean, print: (line: string) => void) {
    this.#call = call;
    this.#interactive = interactive;
    this.#print = print;
  }

  /** A pending approval of this run. */
  offer(approval: ApprovalView): void {
    if (approval.status !== 'pending' || this.#seen.has(approval.id)) return;
    this.#seen.add(approval.id);
    if (!this.#interactive) {
      const what = approval.kind === 'question' ? `the agent asks: ${approval.summary}` : `${approval.tool} needs approval${ruleNote(approval.rule)}: ${approval.summary}`;
      const answer = approval.kind === 'question' ? ` --answer "…"` : '';
      this.#print(`? ${what}\n  → aether approve ${approval.id}${answer}   or   aether deny ${approval.id}`);
      return;
    }
    const controller = new AbortController();
    this.#open.set(approval.id, controller);
    this.#queue = this.#queue.then(() => this.#ask(approval, controller.signal)).finally(() => this.#open.delete(approval.id));
  }

  /** Decided elsewhere: withdraw its prompt. */
  decided(id: string): void {
    this.#seen.add(id);
    this.#open.get(id)?.abort();
  }

  close(): void {
    for (const controller of this.#open.values()) controller.abort();
  }

  async #ask(approval: ApprovalView, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    try {
      if (approval.kind === 'question') {
        this.#print(`? the agent asks: ${approval.summary}`);
        const answer = (await rl.question('  your answer (empty to decline): ', { signal })).trim();
        await agentCall(this.#call, 'approval.respond', answer === '' ? { id: approval.id, decision: 'deny', note: 'declined at the terminal' } : { id: approval.id, decision: 'approve', answer });
      } else {
        const reply = (await rl.question(`? allow ${approval.tool}${ruleNote(approval.rule)}: ${approval.summary} [y/N] `, { signal })).trim().toLowerCase();
        const decision = reply === 'y' || reply === 'yes' ? 'approve' : 'deny';
        await agentCall(this.#call, 'approval.respond', { id: approval.id, decision });
      }
    } catch (thrown) {
      if (signal.aborted) this.#print(`  (decided elsewhere)`);
      else this.#print(`  could not answer: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    } finally {
      rl.close();
    }
  }
}
