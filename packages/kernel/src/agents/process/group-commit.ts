/**
 * Group commit for agent logs: appends that arrive while a transaction is being written wait and are then
 * written together, one transaction for many agents' events (each its own stream, each still conditional
 * on its expected seq, each in a savepoint so one agent's `conflict` fails only that agent's append). A
 * caller's promise resolves only after the commit that made its events durable, so "logged before the
 * effect" holds exactly as with one transaction per append; what is saved is a commit per agent step when
 * many agents run at once. A lone append is written on its own, as before.
 */
import type { Database } from '../../store/database.ts';
import { type EventLog, type NewEvent, SqlEventLog, type StoredEvent } from '../../store/event-log.ts';

export type LogAppender = Pick<EventLog, 'append'>;

interface Pending {
  stream: string;
  events: readonly NewEvent[];
  expectedSeq: number | undefined;
  resolve(stored: StoredEvent[]): void;
  reject(error: unknown): void;
}

export class GroupCommitLog implements LogAppender {
  readonly #db: Database;
  readonly #single: EventLog;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #writing = false;

  constructor(db: Database, options: { maxBatch?: number } = {}) {
    this.#db = db;
    this.#single = new SqlEventLog(db);
    this.#maxBatch = options.maxBatch ?? 512;
  }

  append(stream: string, events: readonly NewEvent[], options: { expectedSeq?: number } = {}): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ stream, events, expectedSeq: options.expectedSeq, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.slice(0, this.#maxBatch);
        this.#queue = this.#queue.slice(batch.length);
        await (batch.length === 1 ? this.#one(batch[0] as Pending) : this.#many(batch));
      }
    } finally {
      this.#writing = false;
    }
  }

  async #one(entry: Pending): Promise<void> {
    try {
      entry.resolve(await this.#single.append(entry.stream, entry.events, entryOptions(entry)));
    } catch (error) {
      entry.reject(error);
    }
  }

  async #many(batch: readonly Pending[]): Promise<void> {
    const outcomes: Array<{ ok: true; stored: StoredEvent[] } | { ok: false; error: unknown }> = [];
    try {
      await this.#db.transaction(async (tx) => {
        const log = new SqlEventLog(tx);
        for (const entry of batch) {
          try {
            // Each append nests in a savepoint: a refused one rolls back alone.
            outcomes.push({ ok: true, stored: await log.append(entry.stream, entry.events, entryOptions(entry)) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed: nothing in the batch is durable.
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok === true) entry.resolve(outcome.stored);
      else entry.reject(outcome?.error ?? new Error('append was not attempted'));
    });
  }
}

function entryOptions(entry: Pending): { expectedSeq?: number } {
  return entry.expectedSeq === undefined ? {} : { expectedSeq: entry.expectedSeq };
}
