/**
 * Which browser origins may talk to the daemon (DESIGN §5): the daemon's own origin, plus an explicit
 * allowlist. Requests without an `Origin` header come from programs (the CLI, the Node SDK, curl), not
 * from a page an attacker controls, and are judged by their credentials alone.
 */

export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;

  /** `allowed`: full origins such as `https://desk.example.com`; normalised, so case and default ports do not matter. */
  constructor(allowed: readonly string[]) {
    this.#allowed = new Set(allowed.map((origin) => normalise(origin)).filter((origin): origin is string => origin !== undefined));
  }

  get allowlist(): readonly string[] {
    return [...this.#allowed];
  }

  /** True when a request carrying this `Origin` may proceed; `host` and `secure` describe how it reached us. */
  allows(origin: string | undefined, host: string | undefined, secure: boolean): boolean {
    if (origin === undefined) return true;
    const presented = normalise(origin);
    if (presented === undefined) return false;
    if (this.#allowed.has(presented)) return true;
    if (host === undefined) return false;
    return presented === normalise(`${secure ? 'https' : 'http'}://${host}`);
  }

  /** True when the origin is on the allowlist (CORS answers only those). */
  listed(origin: string): boolean {
    const presented = normalise(origin);
    return presented !== undefined && this.#allowed.has(presented);
  }
}

function normalise(origin: string): string | undefined {
  if (origin === 'null' || origin.length > 2048) return undefined;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
