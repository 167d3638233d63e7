/**
 * Every auth event goes to the audit log (DESIGN §5) with kind `auth`: logins and their failures,
 * lockouts, setup, users added, removed, re-roled and re-passworded, tokens created and revoked, sessions
 * ended, and requests identity itself refused. Secrets and passwords are never part of a record.
 * Appends are awaited: an auth event that cannot be recorded fails rather than happening unrecorded.
 */
import type { AuditEntry } from '../audit/audit-log.ts';

/** Where records go: the kernel's AuditLog (anything with its `append`). */
export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
}

export const AUTH_KIND = 'auth';

export type AuthAction =
  | 'login'
  | 'login.lockout'
  | 'logout'
  | 'setup'
  | 'user.add'
  | 'user.remove'
  | 'user.role'
  | 'user.passwd'
  | 'token.create'
  | 'token.list'
  | 'token.revoke'
  | 'session.end';

export class IdentityAudit {
  readonly #sink: AuditSink;

  constructor(sink: AuditSink) {
    this.#sink = sink;
  }

  async allow(principal: string, action: AuthAction, data: Record<string, unknown> = {}): Promise<void> {
    await this.#sink.append({ principal, kind: AUTH_KIND, action, decision: 'allow', data });
  }

  async deny(principal: string, action: AuthAction, data: Record<string, unknown> = {}): Promise<void> {
    await this.#sink.append({ principal, kind: AUTH_KIND, action, decision: 'deny', data });
  }
}
