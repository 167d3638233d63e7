/**
 * Token-bucket rate limits per (principal, topic) (DESIGN §4, config `rate_limits`). A rule gives a
 * topic (or, ending in `*`, a topic prefix) `limit` tokens per `window_ms`, up to `burst` at once.
 *
 * Arithmetic is in integer "token-milliseconds" (one request costs `window_ms`, each millisecond refills
 * `limit`), so "exactly `burst` pass, then wait exactly `resetMs`" holds without floating-point drift.
 *
 * Memory is bounded: at most `maxBuckets` buckets. A bucket that has refilled to full behaves exactly
 * like a new one, so those go first; if every bucket is still draining, the least recently used goes.
 */
import { z } from 'zod';
import { KernelError } from '../contracts/errors.ts';

export const RateLimitRuleSchema = z
  .strictObject({
    topic: z.string().min(1).max(200),
    limit: z.number().int().positive(),
    burst: z.number().int().positive(),
    window_ms: z.number().int().positive(),
  })
  .refine((rule) => rule.burst * rule.window_ms <= Number.MAX_SAFE_INTEGER, { message: 'burst × window_ms is too large' });
export type RateLimitRule = z.infer<typeof RateLimitRuleSchema>;

export type RateDecision = { ok: true } | { ok: false; resetMs: number };

export interface RateLimiterOptions {
  /** Upper bound on live buckets (default 100,000). */
  maxBuckets?: number;
  /** Milliseconds clock; injectable so tests never sleep. */
  now?: () => number;
}

interface Bucket {
  readonly key: string;
  /** Token-milliseconds available at `at`. */
  level: number;
  at: number;
  readonly rule: RateLimitRule;
  /** Recency list: `older` towards the least recently used end. */
  older: Bucket | undefined;
  newer: Bucket | undefined;
}

const OK: RateDecision = Object.freeze({ ok: true });
const RULE_CACHE_SIZE = 1024;

export class RateLimiter {
  readonly #exact = new Map<string, RateLimitRule>();
  /** Prefix rules, longest prefix first: the most specific rule wins. */
  readonly #prefixes: readonly { readonly prefix: string; readonly rule: RateLimitRule }[];
  readonly #ruleFor = new Map<string, RateLimitRule | null>();
  readonly #buckets = new Map<string, Bucket>();
  /** Least and most recently used ends of the recency list (an intrusive list: O(1) touch and evict). */
  #oldest: Bucket | undefined;
  #newest: Bucket | undefined;
  readonly #max: number;
  readonly #now: () => number;
  /** Inserts since the last sweep for full buckets; sweeping at most every max/8 inserts keeps it O(1) amortised. */
  #sinceSweep = Number.POSITIVE_INFINITY;

  /** Throws `payload_invalid` naming the bad rule. */
  constructor(rules: readonly RateLimitRule[], options: RateLimiterOptions = {}) {
    const prefixes: { prefix: string; rule: RateLimitRule }[] = [];
    rules.forEach((input, i) => {
      const parsed = RateLimitRuleSchema.safeParse(input);
      if (!parsed.success) {
        throw new KernelError('payload_invalid', `rate_limits[${i}]: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`, { index: i });
      }
      const rule = Object.freeze(parsed.data);
      if (rule.topic.endsWith('*')) prefixes.push({ prefix: rule.topic.slice(0, -1), rule });
      else if (!this.#exact.has(rule.topic)) this.#exact.set(rule.topic, rule);
    });
    this.#prefixes = prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    this.#max = Math.max(1, Math.floor(options.maxBuckets ?? 100_000));
    this.#now = options.now ?? Date.now;
  }

  /** Live buckets. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Spends one token of `principalId`'s bucket for `topic`; topics without a rule are unlimited. */
  take(principalId: string, topic: string): RateDecision {
    const rule = this.#rule(topic);
    if (rule === undefined) return OK;
    const now = this.#now();
    const key = `${principalId}\u0000${topic}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      this.#makeRoom(now);
      bucket = { key, level: rule.burst * rule.window_ms, at: now, rule, older: undefined, newer: undefined };
      this.#buckets.set(key, bucket);
    } else {
      this.#unlink(bucket);
      refill(bucket, now);
    }
    this.#pushNewest(bucket);
    if (bucket.level >= rule.window_ms) {
      bucket.level -= rule.window_ms;
      return OK;
    }
    return { ok: false, resetMs: Math.ceil((rule.window_ms - bucket.level) / rule.limit) };
  }

  #rule(topic: string): RateLimitRule | undefined {
    const cached = this.#ruleFor.get(topic);
    if (cached !== undefined) return cached ?? undefined;
    const rule = this.#exact.get(topic) ?? this.#prefixes.find(({ prefix }) => topic.startsWith(prefix))?.rule;
    if (this.#ruleFor.size >= RULE_CACHE_SIZE) this.#ruleFor.clear();
    this.#ruleFor.set(topic, rule ?? null);
    return rule;
  }

  /** Ensures one more bucket fits: full buckets first, then the least recently used. */
  #makeRoom(now: number): void {
    if (this.#buckets.size < this.#max) return;
    if (this.#sinceSweep >= this.#max / 8) {
      this.#sinceSweep = 0;
      for (let bucket = this.#oldest; bucket !== undefined; ) {
        const newer: Bucket | undefined = bucket.newer;
        refill(bucket, now);
        if (bucket.level >= bucket.rule.burst * bucket.rule.window_ms) this.#evict(bucket);
        bucket = newer;
      }
    }
    this.#sinceSweep++;
    while (this.#buckets.size >= this.#max && this.#oldest !== undefined) this.#evict(this.#oldest);
  }

  #evict(bucket: Bucket): void {
    this.#unlink(bucket);
    this.#buckets.delete(bucket.key);
  }

  #unlink(bucket: Bucket): void {
    if (bucket.older === undefined) this.#oldest = bucket.newer;
    else bucket.older.newer = bucket.newer;
    if (bucket.newer === undefined) this.#newest = bucket.older;
    else bucket.newer.older = bucket.older;
    bucket.older = undefined;
    bucket.newer = undefined;
  }

  #pushNewest(bucket: Bucket): void {
    bucket.older = this.#newest;
    if (this.#newest === undefined) this.#oldest = bucket;
    else this.#newest.newer = bucket;
    this.#newest = bucket;
  }
}

function refill(bucket: Bucket, now: number): void {
  const elapsed = now - bucket.at;
  if (elapsed <= 0) return; // a clock that steps back refills nothing
  const capacity = bucket.rule.burst * bucket.rule.window_ms;
  bucket.level = Math.min(capacity, bucket.level + elapsed * bucket.rule.limit);
  bucket.at = now;
}
