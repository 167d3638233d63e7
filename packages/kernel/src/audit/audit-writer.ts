/**
 * Records audit entries for code that must not wait on the database (a capability denial on the ingress
 * path): `record()` returns at once and the append happens in the background, in order. Pending appends
 * are bounded; past the bound an entry is dropped, counted and logged, never queued without limit. A
 * failed append is logged and makes the writer unhealthy until the next one succeeds. `flush()` waits for
 * everything recorded so far (shutdown calls it before closing the store).
 */
import type { Logger } from '../observability/logger.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';

export interface AuditWriterOptions {
  /** Appends that may be waiting at once. Default 10,000. */
  maxPending?: number;
}

export class AuditWriter {
  readonly #log: AuditLog;
  readonly #logger: Logger;
  readonly #maxPending: number;
  readonly #pending = new Set<Promise<void>>();
  #dropped = 0;
  #failed = 0;
  #lastError: string | undefined;

  constructor(log: AuditLog, logger: Logger, options: AuditWriterOptions = {}) {
    this.#log = log;
    this.#logger = logger;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  /** Entries dropped because too many were pending, and appends that failed, since start. */
  get stats(): { pending: number; dropped: number; failed: number } {
    return { pending: this.#pending.size, dropped: this.#dropped, failed: this.#failed };
  }

  record(entry: AuditEntry): void {
    if (this.#pending.size >= this.#maxPending) {
      this.#dropped += 1;
      this.#logger.error({ kind: entry.kind, action: entry.action, dropped: this.#dropped }, 'audit entry dropped: too many appends pending');
      return;
    }
    const done = this.#log.append(entry).then(
      () => {
        this.#lastError = undefined;
      },
      (error: unknown) => {
        this.#failed += 1;
        this.#lastError = error instanceof Error ? error.message : 'append failed';
        this.#logger.error({ err: error, kind: entry.kind, action: entry.action }, 'audit append failed');
      },
    );
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done));
  }

  /** Resolves when every entry recorded before (and while) waiting has been appended or has failed. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  health(): { healthy: boolean; detail?: string } {
    const detail = `${this.#pending.size} pending, ${this.#dropped} dropped, ${this.#failed} failed`;
    return this.#lastError === undefined && this.#dropped === 0
      ? { healthy: true, detail }
      : { healthy: false, detail: this.#lastError === undefined ? detail : `${detail}; last error: ${this.#lastError}` };
  }
}
