/**
 * What the gateway needs from identity (packages/kernel/src/identity, `kernel.identity.authenticator`):
 * turning a bearer token or a session id into a principal. The transport never sees passwords or token records; it asks this.
 */
import type { Principal } from '@aether/kernel';

export interface SessionAuth {
  readonly principal: Principal;
  /** The session's CSRF token; browser requests that change state must echo it in `x-csrf-token`. */
  readonly csrfToken: string;
}

export interface Authenticator {
  /** The principal of an API token or CLI login credential; undefined when unknown, expired or revoked. */
  authenticateBearer(token: string): Promise<Principal | undefined>;
  /** The session behind a session cookie; undefined when unknown or expired. */
  authenticateSession(sessionId: string): Promise<SessionAuth | undefined>;
}
