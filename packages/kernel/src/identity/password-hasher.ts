/**
 * Password hashing with scrypt (node:crypto; DESIGN §2 "auth"). A stored hash carries its parameters —
 * `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64, PHC-like) — so they can be raised later: `needsRehash`
 * says when a hash is weaker than the current parameters, and the login path re-hashes on success.
 * Verification compares in constant time, and `verifyDummy` does the same work for a user that does not
 * exist so a login cannot tell the two apart. Hashing runs behind a bounded WorkGate.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { WorkGate } from './work-gate.ts';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash. The floor; options may only raise it. */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ logN: 15, r: 8, p: 1 });
export const SALT_BYTES = 16;
export const KEY_BYTES = 64;
/** Hashes read back are refused beyond these, so a tampered row cannot make a check take minutes. */
const LIMITS = { logN: [10, 22], r: [1, 32], p: [1, 16] } as const;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function inRange(value: number, [min, max]: readonly [number, number]): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function parse(stored: string): Parsed | undefined {
  const match = FORMAT.exec(stored);
  if (match === null) return undefined;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (!inRange(params.logN, LIMITS.logN) || !inRange(params.r, LIMITS.r) || !inRange(params.p, LIMITS.p)) return undefined;
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const key = Buffer.from(match[5] ?? '', 'base64');
  if (salt.length < SALT_BYTES || key.length < 32) return undefined;
  return { params, salt, key };
}

function derive(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  // scrypt needs 128·N·r bytes; node refuses above maxmem, so allow that plus headroom.
  const maxmem = 128 * N * params.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r: params.r, p: params.p, maxmem }, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

function format(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface PasswordHasherOptions {
  /** Current parameters; below DEFAULT_SCRYPT is refused. */
  params?: ScryptParams;
  /** Hashes computed at once (libuv threads). Default 4. */
  concurrency?: number;
  /** Hashes waiting; more are refused with `rate_limited`. Default 64. */
  queue?: number;
}

export class PasswordHasher {
  readonly params: ScryptParams;
  readonly #gate: WorkGate;
  #dummy: Promise<string> | undefined;

  constructor(options: PasswordHasherOptions = {}) {
    const params = options.params ?? DEFAULT_SCRYPT;
    if (params.logN < DEFAULT_SCRYPT.logN || params.r < DEFAULT_SCRYPT.r || params.p < DEFAULT_SCRYPT.p) {
      throw new TypeError(`scrypt parameters below ln=${DEFAULT_SCRYPT.logN},r=${DEFAULT_SCRYPT.r},p=${DEFAULT_SCRYPT.p} are refused`);
    }
    if (!inRange(params.logN, LIMITS.logN) || !inRange(params.r, LIMITS.r) || !inRange(params.p, LIMITS.p)) {
      throw new TypeError('scrypt parameters out of range');
    }
    this.params = Object.freeze({ ...params });
    this.#gate = new WorkGate({ concurrency: options.concurrency ?? 4, queue: options.queue ?? 64 });
  }

  /** Hashes a (normalised) password with a fresh salt and the current parameters. */
  hash(password: string): Promise<string> {
    return this.#gate.run(async () => {
      const salt = randomBytes(SALT_BYTES);
      return format(this.params, salt, await derive(password, salt, KEY_BYTES, this.params));
    });
  }

  /** True when `password` matches `stored`. A malformed stored hash matches nothing (after the same work). */
  verify(password: string, stored: string): Promise<boolean> {
    return this.#gate.run(async () => {
      const parsed = parse(stored);
      if (parsed === undefined) {
        await derive(password, randomBytes(SALT_BYTES), KEY_BYTES, this.params);
        return false;
      }
      const key = await derive(password, parsed.salt, parsed.key.length, parsed.params);
      return timingSafeEqual(key, parsed.key);
    });
  }

  /** Does what `verify` does for a user that does not exist, and answers false. */
  async verifyDummy(password: string): Promise<false> {
    // Made once, outside the gate (so a busy gate cannot poison it), with the current parameters.
    this.#dummy ??= (async () => {
      const salt = randomBytes(SALT_BYTES);
      return format(this.params, salt, await derive(randomBytes(18).toString('base64url'), salt, KEY_BYTES, this.params));
    })();
    await this.verify(password, await this.#dummy);
    return false;
  }

  /** True when `stored` is weaker than (or not in) the current format and should be replaced. */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (parsed === undefined) return true;
    const { logN, r, p } = parsed.params;
    return logN < this.params.logN || r < this.params.r || p < this.params.p || parsed.key.length < KEY_BYTES;
  }
}
