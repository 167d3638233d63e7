/**
 * Token and cost budgets (DESIGN §6), enforced atomically: a model call reserves its worst case before it
 * starts and settles to what it really used when it ends, so concurrent calls can never together spend
 * more than the limit — the check and the reservation happen in one synchronous step. Ledgers nest: a
 * child run's ledger can draw on its parent's, and a reservation must fit every ledger up the chain.
 * Exactly the limit is allowed; one token (or one nano-dollar) more is `budget_exceeded`.
 */
import { KernelError } from '../contracts/errors.ts';

export interface BudgetLimits {
  /** Input plus output tokens. */
  maxTokens?: number;
  maxCostUsd?: number;
}

export interface BudgetAmount {
  tokens: number;
  costUsd: number;
}

/** Held between reserve and settle; settle or release it exactly once. */
export interface Reservation extends Readonly<BudgetAmount> {
  readonly ledger: BudgetLedger;
}

export interface BudgetSnapshot {
  limits: BudgetLimits;
  used: BudgetAmount;
  reserved: BudgetAmount;
}

/** Costs are compared in whole nano-dollars so that sums of float prices cannot miss an exact limit. */
const nano = (usd: number): number => Math.round(usd * 1e9);

export class BudgetLedger {
  readonly name: string;
  readonly #limits: BudgetLimits;
  readonly #parent: BudgetLedger | undefined;
  readonly #used: BudgetAmount = { tokens: 0, costUsd: 0 };
  readonly #reserved: BudgetAmount = { tokens: 0, costUsd: 0 };
  readonly #open = new WeakSet<Reservation>();

  constructor(limits: BudgetLimits, options: { name?: string; parent?: BudgetLedger } = {}) {
    for (const [key, value] of Object.entries(limits)) {
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
        throw new RangeError(`budget ${key} must be a non-negative number`);
      }
    }
    this.#limits = { ...limits };
    this.#parent = options.parent;
    this.name = options.name ?? 'budget';
  }

  /** What can still be reserved here and up the chain (Infinity where there is no limit). */
  remaining(): BudgetAmount {
    const own = {
      tokens: this.#limits.maxTokens === undefined ? Infinity : this.#limits.maxTokens - this.#used.tokens - this.#reserved.tokens,
      costUsd: this.#limits.maxCostUsd === undefined ? Infinity : this.#limits.maxCostUsd - this.#used.costUsd - this.#reserved.costUsd,
    };
    if (this.#parent === undefined) return { tokens: Math.max(0, own.tokens), costUsd: Math.max(0, own.costUsd) };
    const up = this.#parent.remaining();
    return { tokens: Math.max(0, Math.min(own.tokens, up.tokens)), costUsd: Math.max(0, Math.min(own.costUsd, up.costUsd)) };
  }

  /** Reserves `amount` in this ledger and every ancestor, or none of them. */
  reserve(amount: BudgetAmount): Reservation {
    checkAmount(amount);
    const chain = this.#chain();
    for (const ledger of chain) ledger.#check(amount);
    for (const ledger of chain) {
      ledger.#reserved.tokens += amount.tokens;
      ledger.#reserved.costUsd += amount.costUsd;
    }
    const reservation: Reservation = Object.freeze({ ledger: this, tokens: amount.tokens, costUsd: amount.costUsd });
    this.#open.add(reservation);
    return reservation;
  }

  /**
   * Ends a reservation and records what the call really used. Usage is recorded even when it exceeds the
   * reservation (a provider counted more input than estimated): later reservations then see it.
   */
  settle(reservation: Reservation, actual: BudgetAmount): void {
    checkAmount(actual);
    if (reservation.ledger !== this || !this.#open.has(reservation)) throw new Error('reservation is not open on this ledger');
    this.#open.delete(reservation);
    for (const ledger of this.#chain()) {
      ledger.#reserved.tokens -= reservation.tokens;
      ledger.#reserved.costUsd -= reservation.costUsd;
      ledger.#used.tokens += actual.tokens;
      ledger.#used.costUsd += actual.costUsd;
    }
  }

  /** Ends a reservation of a call that used nothing. */
  release(reservation: Reservation): void {
    this.settle(reservation, { tokens: 0, costUsd: 0 });
  }

  snapshot(): BudgetSnapshot {
    return { limits: { ...this.#limits }, used: { ...this.#used }, reserved: { ...this.#reserved } };
  }

  /** This ledger and its ancestors, nearest first. */
  #chain(): BudgetLedger[] {
    return this.#parent === undefined ? [this] : [this, ...this.#parent.#chain()];
  }

  #check(amount: BudgetAmount): void {
    const { maxTokens, maxCostUsd } = this.#limits;
    if (maxTokens !== undefined && this.#used.tokens + this.#reserved.tokens + amount.tokens > maxTokens) {
      throw this.#exceeded('tokens', amount.tokens, maxTokens - this.#used.tokens - this.#reserved.tokens, maxTokens);
    }
    if (maxCostUsd !== undefined && nano(this.#used.costUsd + this.#reserved.costUsd + amount.costUsd) > nano(maxCostUsd)) {
      throw this.#exceeded('costUsd', amount.costUsd, maxCostUsd - this.#used.costUsd - this.#reserved.costUsd, maxCostUsd);
    }
  }

  #exceeded(kind: 'tokens' | 'costUsd', needed: number, available: number, limit: number): KernelError {
    return new KernelError('budget_exceeded', `${this.name}: the call needs ${needed} ${kind} but only ${Math.max(0, available)} remain`, {
      budget: this.name,
      kind,
      needed,
      available: Math.max(0, available),
      limit,
    });
  }
}

function checkAmount(amount: BudgetAmount): void {
  if (!Number.isFinite(amount.tokens) || amount.tokens < 0 || !Number.isFinite(amount.costUsd) || amount.costUsd < 0) {
    throw new RangeError('budget amounts must be non-negative and finite');
  }
}
