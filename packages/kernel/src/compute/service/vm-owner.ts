/**
 * Who a vm belongs to and who may act on it. The owner is the spawning principal, except that an API
 * token's vms belong to its user (the token acts for it), matching how events are stamped `_owner` and
 * filtered (ingress/event-visibility.ts). Holders of `vm.admin` may list and control every vm; anyone
 * else asking about a vm that is not theirs hears `not_found`, exactly as for a vm that does not exist.
 */
import type { Principal } from '../../security/principal.ts';

export const ADMIN_CAPABILITY = 'vm.admin';

export function ownerOf(principal: Principal): string {
  return principal.kind === 'token' && principal.parentId !== undefined ? principal.parentId : principal.id;
}

export function mayControl(principal: Principal, owner: string): boolean {
  return owner === principal.id || owner === principal.parentId || principal.capabilities.implies(ADMIN_CAPABILITY);
}
