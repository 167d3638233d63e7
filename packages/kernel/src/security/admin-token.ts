/**
 * The optional operator admin token (DESIGN §4, `AETHER_ADMIN_TOKEN`): a bearer secret that bypasses
 * topic rules and rate limits. Off unless configured; when configured it must look like a real random
 * secret, because a guessable bypass is worse than none. Only its SHA-256 digest is kept, and
 * presented tokens are compared digest to digest in constant time, so neither the length nor the
 * content of the secret leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { KernelError } from '../contracts/errors.ts';

export const MIN_ADMIN_TOKEN_LENGTH = 32;
export const MIN_ADMIN_TOKEN_BITS = 128;
const HOW_TO = 'generate one with `openssl rand -hex 32`';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Bits per character of the smallest common alphabet the token fits in (hex, base64url, printable…). */
function alphabetBits(token: string): number {
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) return 4;
  let size = 0;
  if (/[a-z]/.test(token)) size += 26;
  if (/[A-Z]/.test(token)) size += 26;
  if (/[0-9]/.test(token)) size += 10;
  if (/[^a-zA-Z0-9]/.test(token)) size += 33;
  return Math.log2(size);
}

/** Shannon entropy of the token's own character distribution, in bits per character. */
function shannonBits(token: string): number {
  const counts = new Map<string, number>();
  for (const ch of token) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / token.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Share of neighbouring characters that repeat or step by one (`aaaa`, `abcd`, `1234`). */
function runShare(token: string): number {
  let runs = 0;
  for (let i = 1; i < token.length; i++) {
    if (Math.abs(token.charCodeAt(i) - token.charCodeAt(i - 1)) <= 1) runs++;
  }
  return runs / (token.length - 1);
}

/**
 * A reason the token does not look random, or undefined. "Apparent" randomness: the alphabet bounds the
 * bits per character, and a lopsided or sequential character distribution gives away a human choice.
 */
function weakness(token: string): string | undefined {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) return `it is ${token.length} characters long; at least ${MIN_ADMIN_TOKEN_LENGTH} are required`;
  if (token.trim() !== token) return 'it starts or ends with whitespace';
  const bits = token.length * alphabetBits(token);
  if (bits < MIN_ADMIN_TOKEN_BITS) return `it carries at most ~${Math.floor(bits)} bits; at least ${MIN_ADMIN_TOKEN_BITS} are required`;
  // Thresholds sit far outside what a generator produces: over millions of random 32-character hex
  // tokens, Shannon entropy never fell below 2.7 bits and the run share never rose above 0.55.
  if (shannonBits(token) < 2) return 'too few distinct characters for a random secret';
  if (runShare(token) > 0.75) return 'it is made of runs or sequences, not random characters';
  return undefined;
}

export class AdminToken {
  readonly #digest: Buffer;

  private constructor(token: string) {
    this.#digest = digest(token);
  }

  /**
   * `undefined` (not configured) → no admin bypass. A configured token that is short or not random
   * throws `payload_invalid` explaining how to make one; the token itself is never echoed.
   */
  static fromConfig(value: string | undefined): AdminToken | undefined {
    if (value === undefined) return undefined;
    const reason = weakness(value);
    if (reason !== undefined) {
      throw new KernelError('payload_invalid', `AETHER_ADMIN_TOKEN is not a strong secret: ${reason}; ${HOW_TO}`, { key: 'AETHER_ADMIN_TOKEN' });
    }
    return new AdminToken(value);
  }

  /** Constant-time comparison of SHA-256 digests; an absent token never matches. */
  verify(presented: string | undefined): boolean {
    if (typeof presented !== 'string') return false;
    return timingSafeEqual(digest(presented), this.#digest);
  }
}
