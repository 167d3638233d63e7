/**
 * First run without default credentials (DESIGN §5, §12): while no user exists, `prepare` writes a
 * one-time random token to `<dataDir>/setup-token` (mode 0600, written atomically) and returns it for the
 * daemon to print; `complete` checks a presented token against that file in constant time, creates the
 * first admin and deletes the file. Once any user exists setup is refused and a stale file is removed.
 * The file is the only copy, so the token survives a restart and only someone who can read the data
 * directory (or the daemon's output) can use it.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KernelError } from '../contracts/errors.ts';
import { type Principal, SYSTEM } from '../security/principal.ts';
import type { IdentityAudit } from './identity-audit.ts';
import type { IdentityService, UserView } from './identity-service.ts';
import { constantTimeEqual, randomSecret } from './secrets.ts';

export const SETUP_TOKEN_FILE = 'setup-token';
const SETUP_PREFIX = 'aeset_';

export interface SetupInput {
  token: string;
  user: string;
  password: string;
}

export class SetupToken {
  readonly file: string;
  readonly #identity: IdentityService;
  readonly #audit: IdentityAudit;

  constructor(options: { dataDir: string; identity: IdentityService; audit: IdentityAudit }) {
    this.file = path.join(options.dataDir, SETUP_TOKEN_FILE);
    this.#identity = options.identity;
    this.#audit = options.audit;
  }

  /** A fresh setup token when no user exists (written to the file), else undefined (and no file). */
  async prepare(): Promise<string | undefined> {
    if (await this.#identity.hasUsers()) {
      await rm(this.file, { force: true });
      return undefined;
    }
    const token = randomSecret(SETUP_PREFIX);
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    // `wx`: the mode applies only to a file this call creates, so never reuse a leftover one.
    await rm(temporary, { force: true });
    await writeFile(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, this.file);
    return token;
  }

  /** Creates the first admin. `conflict` once a user exists; `unauthenticated` for a wrong or absent token. */
  async complete(input: SetupInput, by: Principal = SYSTEM): Promise<UserView> {
    if (await this.#identity.hasUsers()) {
      await rm(this.file, { force: true });
      throw new KernelError('conflict', 'setup is already done: a user exists; log in, or ask an admin to add you');
    }
    const expected = await this.#read();
    if (expected === undefined || !constantTimeEqual(input.token, expected)) {
      await this.#audit.deny(by.id, 'setup', { user: input.user.slice(0, 128), reason: expected === undefined ? 'no setup pending' : 'wrong token' });
      throw new KernelError('unauthenticated', 'wrong or expired setup token; use the one aetherd printed (also in <data dir>/setup-token)');
    }
    const user = await this.#identity.createFirstAdmin({ name: input.user, password: input.password }, by);
    await rm(this.file, { force: true });
    return user;
  }

  async #read(): Promise<string | undefined> {
    try {
      const text = (await readFile(this.file, 'utf8')).trim();
      return text.startsWith(SETUP_PREFIX) ? text : undefined;
    } catch {
      return undefined;
    }
  }
}
