/**
 * Retention for the audit log: every interval (and once at start) prunes records older than the configured
 * number of days; 0 days keeps everything. Runs never overlap, the timer does not keep the process alive,
 * and stop() ends a running prune between batches. Failures are logged and retried at the next interval.
 */
import type { Logger } from '../observability/logger.ts';
import type { AuditLog } from './audit-log.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditRetentionOptions {
  /** Time between prunes. Default one hour. */
  intervalMs?: number;
  now?: () => Date;
}

export class AuditRetention {
  readonly #log: AuditLog;
  readonly #days: number;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(log: AuditLog, retentionDays: number, logger: Logger, options: AuditRetentionOptions = {}) {
    if (!Number.isInteger(retentionDays) || retentionDays < 0) throw new RangeError('retention days must be a non-negative integer');
    this.#log = log;
    this.#days = retentionDays;
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 60 * 60 * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.#days === 0 || this.#timer !== undefined) return;
    this.#abort = new AbortController();
    this.#timer = setInterval(() => void this.runOnce(), this.#intervalMs);
    this.#timer.unref();
    void this.runOnce();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
  }

  /** Prunes once now (joining a run already in progress); resolves when it is done. Never rejects. */
  runOnce(): Promise<void> {
    if (this.#days === 0) return Promise.resolve();
    this.#running ??= this.#prune().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #prune(): Promise<void> {
    const olderThan = new Date(this.#now().getTime() - this.#days * DAY_MS);
    try {
      const { pruned } = await this.#log.prune({ olderThan, signal: this.#abort.signal });
      if (pruned > 0) this.#logger.info({ pruned, olderThan: olderThan.toISOString() }, 'audit records pruned');
    } catch (error) {
      this.#logger.warn({ err: error }, 'audit retention failed; retrying at the next interval');
    }
  }
}
