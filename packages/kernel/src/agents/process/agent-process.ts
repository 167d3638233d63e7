/**
 * One live agent: its projected state, its principal, and the one way into its log (STYLE 14). Events are
 * recorded (folded into the state at once) and made durable by the next `append`/`flush` — which every
 * phase does before the effect the events lead to, so a model call, a tool run or an approval never
 * happens before its record is in the log, while a step's events share one write. Writes are serialised
 * and conditional on the last durable seq (a second writer — another node that took the agent over — is
 * refused with `conflict` instead of interleaving); durable events are published to the owner and the
 * process table's coarse status follows them. Outside parties (contracts, other agents) never touch the log;
 * they call methods here that append through the same path and wake the loop.
 */
import { ApprovalPolicy } from '../../approvals/approval-policy.ts';
import type { BudgetLedger } from '../../models/budget-ledger.ts';
import type { Principal } from '../../security/principal.ts';
import type { EndReason } from '../state/agent-status.ts';
import { type AgentEvent, type LoggedEvent, storedData } from '../state/agent-events.ts';
import { type AgentState, apply, type RunResult } from '../state/agent-state.ts';
import type { LogAppender } from './group-commit.ts';
import { type StatusView, statusOf, tableStatus } from '../state/status-of.ts';

export const agentStream = (id: string): string => `agent:${id}`;

/** Where appended events go besides the state: the bus, and the process table's status column. */
export interface ProcessSinks {
  published(process: AgentProcess, events: readonly LoggedEvent[], status: StatusView): void;
  statusChanged(process: AgentProcess, status: string, time: string): Promise<void>;
}

export class AgentProcess {
  readonly id: string;
  readonly state: AgentState;
  readonly principal: Principal;
  readonly stream: string;
  /** Aborted by agent.stop and by kernel shutdown; reaches the model call and running tools. */
  readonly controller = new AbortController();
  readonly children = new Set<string>();
  /** Which calls wait for a person, from the manifest's approval_required. */
  readonly policy: ApprovalPolicy;
  /** The running run's budget ledger (draws on the parent run's ledger for a child). */
  ledger: BudgetLedger | undefined;
  /** Resolves when the loop has returned. */
  done: Promise<void> = Promise.resolve();
  /** Why the kernel stopped driving this agent without ending it (shutdown, lost ownership). */
  detached: string | undefined;
  /** Why agent.stop was asked (recorded when the agent ends). */
  stopReason: EndReason | undefined;
  readonly #log: LogAppender;
  readonly #sinks: ProcessSinks;
  #tail: Promise<unknown> = Promise.resolve();
  /** Recorded and applied, not yet durable. */
  #pending: LoggedEvent[] = [];
  #durableSeq: number;
  #broken: Error | undefined;
  #generation = 0;
  #table: string;
  #wake: (() => void) | undefined;
  readonly #resultWaiters = new Map<string, Array<(result: RunResult) => void>>();

  constructor(options: { state: AgentState; principal: Principal; log: LogAppender; sinks: ProcessSinks; tableStatus: string }) {
    this.state = options.state;
    this.id = options.state.info.agentId;
    this.principal = options.principal;
    this.stream = agentStream(this.id);
    this.policy = new ApprovalPolicy(options.state.info.manifest.approvalRequired);
    this.#log = options.log;
    this.#sinks = options.sinks;
    this.#table = options.tableStatus;
    this.#durableSeq = options.state.lastSeq;
  }

  get status(): StatusView {
    return statusOf(this.state);
  }

  get owner(): string {
    return this.state.info.owner;
  }

  /**
   * Records events: folds them into the state now, and queues them for the log. Nothing they describe may
   * happen until they are durable — the next `append` or `flush` writes them (before its own effect).
   */
  record(events: readonly AgentEvent[]): LoggedEvent[] {
    if (this.#broken !== undefined) throw this.#broken;
    const time = new Date().toISOString();
    const logged = events.map((event, i): LoggedEvent => ({ ...event, seq: this.state.lastSeq + 1 + i, time }));
    for (const event of logged) apply(this.state, event);
    this.#pending.push(...logged);
    this.#generation += 1;
    return logged;
  }

  /** Records events and makes them — and everything recorded before — durable, in order; then publishes them. */
  async append(events: readonly AgentEvent[]): Promise<LoggedEvent[]> {
    const logged = this.record(events);
    await this.flush();
    return logged;
  }

  /** Writes everything recorded so far in one append (conditional on the last durable seq). */
  flush(): Promise<void> {
    const next = this.#tail.then(() => this.#write());
    // Later flushes wait for this one whether it succeeds or not; the caller sees its own failure.
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #write(): Promise<void> {
    if (this.#broken !== undefined) throw this.#broken;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let stored;
    try {
      stored = await this.#log.append(
        this.stream,
        batch.map((event) => ({ type: event.type, data: storedData(event) })),
        { expectedSeq: this.#durableSeq },
      );
    } catch (thrown) {
      // The state holds events the log does not: this process can no longer drive the agent (a restart
      // rebuilds it from the log). A conflict means another writer took the agent over.
      this.#broken = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.detached ??= 'its log could not be written';
      throw this.#broken;
    }
    this.#durableSeq = stored.at(-1)?.seq ?? this.#durableSeq;
    const published = batch.map((event, i): LoggedEvent => ({ ...event, time: stored[i]?.time ?? event.time }));
    const status = this.status;
    this.#sinks.published(this, published, status);
    const table = tableStatus(status);
    if (table !== this.#table) {
      this.#table = table;
      await this.#sinks.statusChanged(this, table, published.at(-1)?.time ?? new Date().toISOString());
    }
    for (const event of batch) if (event.type === 'run.finished') this.#settleRun(event.data.messageId);
    const ended = this.state.ended;
    if (ended !== undefined) this.settleAll({ outcome: ended.status, ...(ended.reason === undefined ? {} : { reason: ended.reason }) });
    this.wake();
  }

  /** Counts changes (records and wakes), so a waiter can tell whether anything happened since it looked. */
  get generation(): number {
    return this.#generation;
  }

  /** Resolves the loop's current wait (for a message, a resume, a stop); the loop re-reads the state. */
  wake(): void {
    this.#generation += 1;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * Waits until something changes after `since` (a generation read before the caller last looked at the
   * state): at once if something already has, else at the next record, wake() or abort.
   */
  changed(since: number): Promise<void> {
    if (this.controller.signal.aborted || this.#generation !== since) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** The outcome of the run started by message `messageId`, when it has finished (now or later). */
  result(messageId: string, signal?: AbortSignal): Promise<RunResult> {
    const known = this.state.results.get(messageId);
    if (known !== undefined) return Promise.resolve(known);
    if (this.state.ended !== undefined && !this.state.inbox.some((m) => m.messageId === messageId) && this.state.run?.messageId !== messageId) {
      return Promise.resolve({ outcome: this.state.ended.status, ...(this.state.ended.reason === undefined ? {} : { reason: this.state.ended.reason }) });
    }
    return new Promise((resolve, reject) => {
      const waiters = this.#resultWaiters.get(messageId) ?? [];
      const waiter = (result: RunResult): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = (): void => {
        const index = waiters.indexOf(waiter);
        if (index !== -1) waiters.splice(index, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      waiters.push(waiter);
      this.#resultWaiters.set(messageId, waiters);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #settleRun(messageId: string): void {
    const result = this.state.results.get(messageId);
    const waiters = this.#resultWaiters.get(messageId);
    if (result === undefined || waiters === undefined) return;
    this.#resultWaiters.delete(messageId);
    for (const waiter of waiters) waiter(result);
  }

  /** Answers every waiter of a run that will not finish here (the agent ended, or the kernel is stopping). */
  settleAll(result: RunResult): void {
    for (const waiters of this.#resultWaiters.values()) for (const waiter of waiters) waiter(result);
    this.#resultWaiters.clear();
  }
}
