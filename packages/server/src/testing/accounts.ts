/**
 * Users and credentials for gateway tests, made the way a person would: users through identity, login
 * tokens and scoped API tokens through the REST contracts of the running daemon.
 */
import type { TestDaemon } from './daemon.ts';
import { postJson } from './daemon.ts';

export const PASSWORD = 'correct horse battery staple';

export async function addUser(daemon: TestDaemon, name: string, role: 'admin' | 'user' | 'viewer' = 'user'): Promise<void> {
  await daemon.kernel.identity.users.createUser({ name, password: PASSWORD, role });
}

/** Logs in as `name` and returns the login token's secret (for `Authorization: Bearer`). */
export async function loginToken(daemon: TestDaemon, name: string, password = PASSWORD): Promise<string> {
  const { status, body } = await postJson(`${daemon.url}/api/v1/auth/login`, { user: name, password, as: 'token' });
  if (status !== 200) throw new Error(`login of ${name} failed: ${JSON.stringify(body)}`);
  return (body.token as { secret: string }).secret;
}

export interface CreatedToken {
  id: string;
  secret: string;
}

/** Creates an API token holding `capabilities` for the holder of `bearer`. */
export async function createToken(daemon: TestDaemon, bearer: string, capabilities: string[], extra: Record<string, unknown> = {}): Promise<CreatedToken> {
  const { status, body } = await postJson(`${daemon.url}/api/v1/auth/token/create`, { name: `t${Date.now()}`, capabilities, ...extra }, { authorization: `Bearer ${bearer}` });
  if (status !== 200) throw new Error(`token create failed: ${JSON.stringify(body)}`);
  return { id: (body.token as { id: string }).id, secret: body.secret as string };
}

/** A browser-style login: the session cookie the daemon set and the CSRF token it returned. */
export async function browserLogin(daemon: TestDaemon, name: string): Promise<{ cookie: string; csrf: string; body: Record<string, unknown> }> {
  const { status, body, headers } = await postJson(`${daemon.url}/api/v1/auth/login`, { user: name, password: PASSWORD }, { origin: daemon.url });
  if (status !== 200) throw new Error(`browser login of ${name} failed: ${JSON.stringify(body)}`);
  const cookie = (headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: (body.session as { csrfToken: string }).csrfToken, body };
}
