/**
 * Random secrets and their digests. API tokens, session ids and the setup token are 256-bit random
 * strings; only their SHA-256 is stored (a high-entropy secret needs no slow hash), and every comparison
 * of a presented secret runs in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of API token secrets: `aet_<43 base64url chars>`. */
export const TOKEN_PREFIX = 'aet_';
/** Prefix of browser session ids: `aes_<43 base64url chars>`. */
export const SESSION_PREFIX = 'aes_';
/** Longer presented secrets are refused before any work is done on them. */
export const MAX_SECRET_LENGTH = 256;

/** `prefix` + base64url of `bytes` random bytes (32 by default: 256 bits). */
export function randomSecret(prefix = '', bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** A short random id for records that are listed (not secret): `tok_…`, `u_…`. */
export function randomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

/** Hex SHA-256 of a secret, the form it is stored and looked up in. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Constant-time string equality. Both sides are hashed first, so neither the content nor the length of
 * `expected` leaks through timing.
 */
export function constantTimeEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `value` looks like a secret this module made with `prefix` (cheap shape check, not validation). */
export function hasShape(value: string, prefix: string): boolean {
  return value.length <= MAX_SECRET_LENGTH && value.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(value.slice(prefix.length));
}
