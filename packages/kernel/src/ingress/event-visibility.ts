/**
 * Which events a connection may see (DESIGN §4: delivery is filtered twice). Replies addressed to the
 * connection always pass. Any other event passes only if the principal still holds the right to subscribe
 * to its topic (a revoked right stops delivery at once, not at the next subscribe) and may see the
 * resource: an event stamped with `_owner` goes to that owner, to principals acting for it (a token's
 * user), and to holders of `topic.observe:<owner>` (operators); one user never sees another's `vm.stdout`.
 * An event about a shared resource instead lists in `_requires` the capabilities a reader must hold (a
 * `vfs.changed` under /shared needs `fs.read:<path>`).
 */
import { type Envelope, OWNER, type Payload, REQUIRES } from '../bus/envelope.ts';
import type { Principal } from '../security/principal.ts';


export function canSee(principal: Principal | undefined, connectionId: string, envelope: Envelope): boolean {
  if (envelope.to !== undefined) return envelope.to === connectionId;
  return principal !== undefined && canSeeEvent(principal, envelope.topic, envelope.payload ?? {});
}

/** The rule for an event that is not addressed to anyone: live deliveries and replays alike. */
export function canSeeEvent(principal: Principal, topic: string, payload: Payload): boolean {
  const { capabilities } = principal;
  if (!capabilities.implies(`topic.subscribe:${topic}`)) return false;
  const requires = payload[REQUIRES];
  if (requires !== undefined) {
    if (!Array.isArray(requires)) return false;
    for (const capability of requires) if (typeof capability !== 'string' || !capabilities.implies(capability)) return false;
  }
  const owner = payload[OWNER];
  if (owner === undefined) return true;
  if (typeof owner !== 'string') return false;
  return owner === principal.id || owner === principal.parentId || capabilities.implies(`topic.observe:${owner}`);
}
