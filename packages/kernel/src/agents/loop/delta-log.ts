/**
 * Streamed text and reasoning, logged coalesced and bounded: deltas are gathered per kind and appended as
 * one `model.delta` event per chunk (about `deltaChunkBytes`, or after `deltaFlushMs`), at most
 * `maxDeltaEventsPerStep` per model turn; past that nothing more is logged for the turn (the answer event
 * carries the whole text anyway). What is still buffered when the turn ends goes into the same append as
 * the answer, so a fast model costs no extra write.
 */
import type { ModelDelta } from '../../models/model-gateway.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import { type AgentEvent, event } from '../state/agent-events.ts';
import type { AgentLimits } from './loop-env.ts';

export class DeltaLog {
  readonly #process: AgentProcess;
  readonly #runId: string;
  readonly #step: number;
  readonly #limits: AgentLimits;
  #kind: 'text' | 'reasoning' | undefined;
  #buffer = '';
  #logged = 0;
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<unknown> = Promise.resolve();
  #failure: Error | undefined;

  constructor(process: AgentProcess, runId: string, step: number, limits: AgentLimits) {
    this.#process = process;
    this.#runId = runId;
    this.#step = step;
    this.#limits = limits;
  }

  push(delta: ModelDelta): void {
    if (this.#logged >= this.#limits.maxDeltaEventsPerStep) return;
    if (this.#kind !== undefined && this.#kind !== delta.type) this.#flush();
    this.#kind = delta.type;
    this.#buffer += delta.text;
    if (Buffer.byteLength(this.#buffer) >= this.#limits.deltaChunkBytes) this.#flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#flush(), this.#limits.deltaFlushMs);
      this.#timer.unref();
    }
  }

  /** Stops buffering; returns the events still buffered (for the caller's next append) after earlier flushes landed. */
  async drain(): Promise<AgentEvent[]> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#pending;
    if (this.#failure !== undefined) throw this.#failure;
    const rest = this.#take();
    this.#logged = this.#limits.maxDeltaEventsPerStep;
    return rest === undefined ? [] : [rest];
  }

  #take(): AgentEvent | undefined {
    if (this.#buffer === '' || this.#kind === undefined || this.#logged >= this.#limits.maxDeltaEventsPerStep) return undefined;
    const delta = event('model.delta', { runId: this.#runId, step: this.#step, kind: this.#kind, text: this.#buffer });
    this.#buffer = '';
    this.#logged += 1;
    return delta;
  }

  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const delta = this.#take();
    if (delta === undefined) return;
    this.#pending = this.#pending.then(() =>
      this.#process.append([delta]).catch((thrown: unknown) => {
        this.#failure ??= thrown instanceof Error ? thrown : new Error(String(thrown));
      }),
    );
  }
}
