/**
 * A per-connection token bucket on inbound frames: `perSecond` sustained, `burst` at once. Separate from
 * the kernel's per-(principal, topic) limits, which still apply behind it; this one stops a single socket
 * from flooding the ingress whatever topics it uses.
 */

export type RateTake = { ok: true } | { ok: false; resetMs: number };

export class MessageRate {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(perSecond: number, burst: number, now: () => number = () => performance.now()) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  take(): RateTake {
    const now = this.#now();
    if (now > this.#at) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) * this.#perSecond) / 1000);
      this.#at = now;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, resetMs: Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#perSecond)) };
  }
}
