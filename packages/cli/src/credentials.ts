/**
 * Where `aether login` keeps its credential: `$AETHER_CREDENTIALS`, else
 * `$XDG_CONFIG_HOME/aether/credentials.json` (default `~/.config/aether`), mode 0600, one login per
 * daemon URL. The file holds a login token (revoked by `aether logout`), never a password.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Credential {
  readonly url: string;
  readonly user: string;
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: string;
}

type Store = Record<string, Credential>;

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AETHER_CREDENTIALS !== undefined && env.AETHER_CREDENTIALS !== '') return env.AETHER_CREDENTIALS;
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'aether', 'credentials.json');
}

async function load(file: string): Promise<Store> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Store) : {};
  } catch {
    return {};
  }
}

async function save(file: string, store: Store): Promise<void> {
  if (Object.keys(store).length === 0) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await writeFile(temporary, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

export async function readCredential(file: string, url: string): Promise<Credential | undefined> {
  const credential = (await load(file))[url];
  return credential !== undefined && typeof credential.token === 'string' ? credential : undefined;
}

export async function storeCredential(file: string, credential: Credential): Promise<void> {
  const store = await load(file);
  store[credential.url] = credential;
  await save(file, store);
}

export async function forgetCredential(file: string, url: string): Promise<boolean> {
  const store = await load(file);
  if (store[url] === undefined) return false;
  delete store[url];
  await save(file, store);
  return true;
}
