/**
 * Usage and cost accounting per agent, user and model (DESIGN §6): every finished model call adds its
 * tokens and cost to the row of its (agent, user, model), failed calls are counted too, and `query` sums the
 * rows matching a filter, grouped as asked. Bounded: past `maxRows` distinct combinations, the least recently
 * used row is folded into one extra `(evicted)` row so totals stay right. A listener sees every record, for a
 * durable store or metrics.
 */
export interface UsageRecord {
  agentId: string;
  userId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** False for a call that failed after its attempts and fallbacks on this model. */
  ok: boolean;
}

export interface UsageTotals {
  calls: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export type UsageGroup = 'agent' | 'user' | 'model';

export interface UsageQuery {
  agentId?: string;
  userId?: string;
  model?: string;
  /** Dimensions to group by; none gives one total row. */
  groupBy?: readonly UsageGroup[];
}

export interface UsageRow extends UsageTotals {
  agentId?: string;
  userId?: string;
  model?: string;
}

export const EVICTED = '(evicted)';

interface Row extends UsageTotals {
  agentId: string;
  userId: string;
  model: string;
}

export class UsageMeter {
  readonly #rows = new Map<string, Row>();
  readonly #maxRows: number;
  readonly #listener: ((record: UsageRecord) => void) | undefined;

  constructor(options: { maxRows?: number; onRecord?: (record: UsageRecord) => void } = {}) {
    this.#maxRows = options.maxRows ?? 10_000;
    if (!Number.isInteger(this.#maxRows) || this.#maxRows < 2) throw new RangeError('maxRows must be an integer of at least 2');
    this.#listener = options.onRecord;
  }

  record(record: UsageRecord): void {
    const row = this.#row(record.agentId, record.userId, record.model);
    row.calls += 1;
    if (!record.ok) row.failures += 1;
    row.inputTokens += record.inputTokens;
    row.outputTokens += record.outputTokens;
    row.costUsd += record.costUsd;
    this.#listener?.(record);
  }

  query(query: UsageQuery = {}): UsageRow[] {
    const groupBy = new Set(query.groupBy ?? []);
    const groups = new Map<string, UsageRow>();
    for (const row of this.#rows.values()) {
      if (query.agentId !== undefined && row.agentId !== query.agentId) continue;
      if (query.userId !== undefined && row.userId !== query.userId) continue;
      if (query.model !== undefined && row.model !== query.model) continue;
      const key: UsageRow = { calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      if (groupBy.has('agent')) key.agentId = row.agentId;
      if (groupBy.has('user')) key.userId = row.userId;
      if (groupBy.has('model')) key.model = row.model;
      const id = JSON.stringify([key.agentId, key.userId, key.model]);
      const group = groups.get(id) ?? key;
      groups.set(id, group);
      group.calls += row.calls;
      group.failures += row.failures;
      group.inputTokens += row.inputTokens;
      group.outputTokens += row.outputTokens;
      group.costUsd += row.costUsd;
    }
    if (groups.size === 0 && groupBy.size === 0) return [{ calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }];
    return [...groups.values()].sort((a, b) => b.costUsd - a.costUsd || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens));
  }

  #row(agentId: string, userId: string, model: string): Row {
    const key = JSON.stringify([agentId, userId, model]);
    let row = this.#rows.get(key);
    if (row !== undefined) {
      // Re-insert so the map's order is least recently used first.
      this.#rows.delete(key);
      this.#rows.set(key, row);
      return row;
    }
    const evictedKey = JSON.stringify([EVICTED, EVICTED, EVICTED]);
    if (this.#rows.size - (this.#rows.has(evictedKey) ? 1 : 0) >= this.#maxRows) this.#evictOldest(evictedKey);
    row = { agentId, userId, model, calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    this.#rows.set(key, row);
    return row;
  }

  #evictOldest(evictedKey: string): void {
    for (const [key, oldest] of this.#rows) {
      if (key === evictedKey) continue;
      this.#rows.delete(key);
      const sink = this.#rows.get(evictedKey) ?? {
        agentId: EVICTED,
        userId: EVICTED,
        model: EVICTED,
        calls: 0,
        failures: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      };
      this.#rows.set(evictedKey, sink);
      sink.calls += oldest.calls;
      sink.failures += oldest.failures;
      sink.inputTokens += oldest.inputTokens;
      sink.outputTokens += oldest.outputTokens;
      sink.costUsd += oldest.costUsd;
      return;
    }
  }
}
