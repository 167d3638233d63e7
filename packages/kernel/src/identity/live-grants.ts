/**
 * The capability sets identity has handed out, kept so that revocation is immediate (DESIGN §5). Each
 * user that has authenticated has one root set built from their role; every session and token principal
 * is narrowed from it. Revoking the root (user removed, role changed) therefore revokes every principal
 * of that user on every connection holding one, and ending a session or token revokes just its set.
 *
 * Issued principals are held weakly: one that no connection holds any more is collected, and its entry
 * goes with it, so memory follows the live principals. Roots are held while their user exists (bounded by
 * the number of users). A root is never replaced without being revoked first, so no principal derived from
 * an old root can outlive a change.
 */
import type { CapabilitySet } from '../security/capability-set.ts';
import type { Principal } from '../security/principal.ts';

/** What an issued principal stands for: a browser session (by id hash) or an API token (by id). */
export type Credential = { readonly kind: 'session'; readonly key: string } | { readonly kind: 'token'; readonly key: string };

interface Root {
  readonly set: CapabilitySet;
  readonly role: string;
}

interface Issued {
  readonly ref: WeakRef<Principal>;
  readonly userId: string;
  readonly root: CapabilitySet;
}

/** Revokes every live grant of a set (and, through the grant table, everything derived from them). */
export function revokeAll(set: CapabilitySet): void {
  for (const capability of set.list()) set.revoke(capability);
}

function slot(credential: Credential): string {
  return `${credential.kind}:${credential.key}`;
}

export class LiveGrants {
  readonly #roots = new Map<string, Root>();
  readonly #issued = new Map<string, Issued>();
  readonly #credentials = new WeakMap<Principal, Credential>();
  readonly #collected = new FinalizationRegistry<{ key: string; ref: WeakRef<Principal> }>(({ key, ref }) => {
    if (this.#issued.get(key)?.ref === ref) this.#issued.delete(key);
  });

  /** The user's root set, built by `build` when missing or when the user's role changed (the old one is revoked). */
  root(user: { readonly id: string; readonly role: string }, build: () => CapabilitySet): CapabilitySet {
    const current = this.#roots.get(user.id);
    if (current !== undefined && current.role === user.role) return current.set;
    if (current !== undefined) this.endUser(user.id);
    const set = build();
    this.#roots.set(user.id, { set, role: user.role });
    return set;
  }

  /** The principal issued for `credential`, if it is still reachable and derived from the user's current root. */
  find(credential: Credential, userId: string): Principal | undefined {
    const key = slot(credential);
    const issued = this.#issued.get(key);
    if (issued === undefined) return undefined;
    const principal = issued.ref.deref();
    if (principal === undefined || issued.userId !== userId || this.#roots.get(userId)?.set !== issued.root) {
      this.end(credential);
      return undefined;
    }
    return principal;
  }

  /** Records a principal narrowed from `root` for `credential`, replacing (and revoking) any earlier one. */
  remember(credential: Credential, userId: string, root: CapabilitySet, principal: Principal): void {
    this.end(credential);
    const key = slot(credential);
    const ref = new WeakRef(principal);
    this.#issued.set(key, { ref, userId, root });
    this.#credentials.set(principal, credential);
    this.#collected.register(principal, { key, ref });
  }

  /** What credential a principal was issued for (undefined when identity did not issue it). */
  credentialOf(principal: Principal): Credential | undefined {
    return this.#credentials.get(principal);
  }

  /** Revokes the principal issued for `credential`, if any. */
  end(credential: Credential): void {
    const key = slot(credential);
    const issued = this.#issued.get(key);
    if (issued === undefined) return;
    this.#issued.delete(key);
    const principal = issued.ref.deref();
    if (principal !== undefined) revokeAll(principal.capabilities);
  }

  /** Revokes the user's root, and so every principal derived from it. */
  endUser(userId: string): void {
    const root = this.#roots.get(userId);
    if (root !== undefined) {
      this.#roots.delete(userId);
      revokeAll(root.set);
    }
    for (const [key, issued] of this.#issued) {
      if (issued.userId === userId) {
        this.#issued.delete(key);
        const principal = issued.ref.deref();
        if (principal !== undefined) revokeAll(principal.capabilities);
      }
    }
  }

  /** Issued credentials still tracked, and users with a root (for revalidation against the database). */
  snapshot(): { credentials: Credential[]; users: { id: string; role: string }[] } {
    const credentials: Credential[] = [];
    for (const key of this.#issued.keys()) {
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon);
      if (kind === 'session' || kind === 'token') credentials.push({ kind, key: key.slice(colon + 1) });
    }
    const users = [...this.#roots].map(([id, root]) => ({ id, role: root.role }));
    return { credentials, users };
  }
}
