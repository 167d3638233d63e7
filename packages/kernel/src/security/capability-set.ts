/**
 * A principal's capability set (DESIGN §5): grants held in a kernel-side grant table, checked on every
 * message. Sets are immutable except for revocation; `narrow` makes a child whose every grant is derived
 * from one of this set's live grants, so a child never holds more than its parent and loses what its
 * parent's grant loses. `check` explains itself: which grant allowed, or what is missing and how to get it.
 */
import { KernelError } from '../contracts/errors.ts';
import { compiledImplies, compileCapability, type CompiledCapability } from './capability.ts';
import { GrantTable, type GrantRecord } from './grant-table.ts';
import { compileCached } from './parse-cache.ts';

export type Decision = { allowed: true; grant: string } | { allowed: false; missing: string; hint: string };

const ANY = '*';

export class CapabilitySet {
  readonly #table: GrantTable;
  readonly #records: readonly GrantRecord[];
  /** Grants by domain then action (`*` included as written), so a check only tries grants that could match. */
  readonly #index = new Map<string, Map<string, GrantRecord[]>>();

  private constructor(table: GrantTable, records: readonly GrantRecord[]) {
    this.#table = table;
    this.#records = records;
    for (const record of records) {
      const { domain, action } = record.capability;
      let byAction = this.#index.get(domain);
      if (byAction === undefined) this.#index.set(domain, (byAction = new Map<string, GrantRecord[]>()));
      const bucket = byAction.get(action);
      if (bucket === undefined) byAction.set(action, [record]);
      else bucket.push(record);
    }
  }

  /** Every capability (`*.*`): the kernel itself. */
  static all(): CapabilitySet {
    return CapabilitySet.of(['*.*']);
  }

  /** A root set backed by a fresh grant table. Throws `payload_invalid` on a malformed capability. */
  static of(grants: readonly string[]): CapabilitySet {
    const table = new GrantTable();
    const records = unique(grants.map((text) => compileCapability(text))).map((capability) => table.create(capability));
    return new CapabilitySet(table, records);
  }

  /** Allowed with the grant that decided, or denied with what is missing. Never throws: on any fault, deny. */
  check(required: string): Decision {
    if (typeof required !== 'string') return { allowed: false, missing: '', hint: 'a capability must be a string' };
    try {
      const wanted = compileCached(required);
      if (wanted instanceof KernelError) {
        return { allowed: false, missing: required, hint: `${wanted.message}; capabilities look like fs.read:/home/alice/**` };
      }
      const grant = this.#find(wanted);
      if (grant !== undefined) return { allowed: true, grant: grant.capability.text };
      return {
        allowed: false,
        missing: wanted.text,
        hint: `grant "${wanted.text}" to this principal (its role, token scopes or agent manifest capabilities)`,
      };
    } catch {
      return { allowed: false, missing: required, hint: 'the capability check failed, so the request was denied' };
    }
  }

  /** `check(required).allowed`, without building the explanation. */
  implies(required: string): boolean {
    if (typeof required !== 'string') return false;
    try {
      const wanted = compileCached(required);
      return !(wanted instanceof KernelError) && this.#find(wanted) !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * A child set holding `requested`, each derived from a live grant here that implies it. Throws
   * `permission_denied` naming the first capability this set cannot give (held nowhere, or only by
   * revoked grants), and `payload_invalid` for a malformed one.
   */
  narrow(requested: readonly string[]): CapabilitySet {
    // Every request is checked before any grant is recorded, so a refused narrow leaves nothing behind.
    const sources = unique(requested.map((text) => compileCapability(text))).map((wanted) => {
      const from = this.#find(wanted);
      if (from === undefined) {
        throw new KernelError('permission_denied', `cannot grant "${wanted.text}": the parent does not hold it`, {
          capability: wanted.text,
        });
      }
      return { wanted, from };
    });
    return new CapabilitySet(
      this.#table,
      sources.map(({ wanted, from }) => this.#table.create(wanted, from)),
    );
  }

  /** Live grants, canonical text. */
  list(): string[] {
    return this.#live().map((record) => record.capability.text);
  }

  /** True when no grant is live: never granted anything, or everything was revoked (an ended session). */
  isEmpty(): boolean {
    return this.#records.every((record) => record.revoked);
  }

  /** Opaque handles of the live grants; they reveal nothing about what is granted. */
  grantIds(): string[] {
    return this.#live().map((record) => record.id);
  }

  /**
   * Revokes the grant `capability` held by this set and everything ever derived from it, in every set
   * narrowed from it, transitively. Returns how many grants were revoked (0 when this set holds no live
   * grant spelled that way).
   */
  revoke(capability: string): number {
    const text = compileCapability(capability).text;
    let count = 0;
    for (const record of this.#records) {
      if (!record.revoked && record.capability.text === text) count += this.#table.revoke(record);
    }
    return count;
  }

  #live(): GrantRecord[] {
    return this.#records.filter((record) => !record.revoked);
  }

  #find(wanted: CompiledCapability): GrantRecord | undefined {
    if (wanted.domain === ANY || wanted.action === ANY) return firstLive(this.#records, wanted);
    const sameDomain = this.#index.get(wanted.domain);
    const anyDomain = this.#index.get(ANY);
    return (
      firstLive(sameDomain?.get(wanted.action), wanted) ??
      firstLive(sameDomain?.get(ANY), wanted) ??
      firstLive(anyDomain?.get(wanted.action), wanted) ??
      firstLive(anyDomain?.get(ANY), wanted)
    );
  }
}

function firstLive(records: readonly GrantRecord[] | undefined, wanted: CompiledCapability): GrantRecord | undefined {
  if (records === undefined) return undefined;
  for (const record of records) {
    if (!record.revoked && compiledImplies(record.capability, wanted)) return record;
  }
  return undefined;
}

function unique(capabilities: readonly CompiledCapability[]): CompiledCapability[] {
  const seen = new Map<string, CompiledCapability>();
  for (const capability of capabilities) if (!seen.has(capability.text)) seen.set(capability.text, capability);
  return [...seen.values()];
}
