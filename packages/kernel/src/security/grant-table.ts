/**
 * The kernel-held grant records behind capability sets (DESIGN §5). A holder only ever sees a record's
 * random id; the record itself (what it grants, where it came from, whether it is revoked) lives here.
 * Every narrowed grant names the grant it was derived from, and each grant indexes its children so that
 * revoking one reaches everything derived from it.
 *
 * Memory: a child holds its parent strongly and a parent holds its children weakly. Records of sets
 * nobody can reach any more are collected, and a live descendant always keeps its whole ancestor chain
 * (and so its path from any revocable ancestor) alive.
 */
import { randomBytes } from 'node:crypto';
import { KernelError } from '../contracts/errors.ts';
import type { CompiledCapability } from './capability.ts';

export interface GrantRecord {
  /** Random, unguessable handle (128 bits). */
  readonly id: string;
  readonly capability: CompiledCapability;
  readonly parentId: string | undefined;
  readonly parent: GrantRecord | undefined;
  revoked: boolean;
  readonly children: Set<WeakRef<GrantRecord>>;
}

interface Registration {
  readonly id: string;
  readonly self: WeakRef<GrantRecord>;
  readonly parent: GrantRecord | undefined;
}

export class GrantTable {
  readonly #records = new Map<string, WeakRef<GrantRecord>>();
  readonly #registry = new FinalizationRegistry<Registration>((gone) => {
    this.#records.delete(gone.id);
    gone.parent?.children.delete(gone.self);
  });

  /** Records a grant; with `parent`, the new grant is derived from it and dies with it. */
  create(capability: CompiledCapability, parent?: GrantRecord): GrantRecord {
    if (parent?.revoked === true) throw new KernelError('permission_denied', `cannot derive from revoked grant ${capability.text}`);
    const record: GrantRecord = {
      id: `g_${randomBytes(16).toString('base64url')}`,
      capability,
      parentId: parent?.id,
      parent,
      revoked: false,
      children: new Set(),
    };
    const self = new WeakRef(record);
    this.#records.set(record.id, self);
    parent?.children.add(self);
    this.#registry.register(record, { id: record.id, self, parent });
    return record;
  }

  /** The record behind a handle, while anything still holds it. */
  get(id: string): GrantRecord | undefined {
    return this.#records.get(id)?.deref();
  }

  /**
   * Revokes `record` and, transitively, every grant derived from it. Iterative, so a deep chain of
   * narrowed sets cannot overflow the stack. Returns how many grants went from live to revoked.
   */
  revoke(record: GrantRecord): number {
    let count = 0;
    const pending: GrantRecord[] = [record];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (!next.revoked) {
        next.revoked = true;
        count++;
      }
      for (const ref of next.children) {
        const child = ref.deref();
        if (child === undefined) next.children.delete(ref);
        else if (!child.revoked) pending.push(child);
      }
    }
    return count;
  }

  /** Records still reachable by some holder (for tests and metrics). */
  get size(): number {
    return this.#records.size;
  }
}
