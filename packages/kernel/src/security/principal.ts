/**
 * Principals: who is acting (DESIGN §5). Built only through makePrincipal so every actor has a stable,
 * typed id (`user:alice`, `token:…`, `agent:…`) and an explicit capability set; never ambient.
 */
import { CapabilitySet } from './capability-set.ts';

export const PRINCIPAL_KINDS = ['user', 'token', 'app', 'agent', 'service'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface Principal {
  /** Stable id: `<kind>:<name>`. */
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly capabilities: CapabilitySet;
  /** The principal this one acts for or was spawned by (a token's user, an agent's parent). */
  readonly parentId?: string;
}

const NAME = /^[A-Za-z0-9_.@-]{1,128}$/;

export function makePrincipal(kind: PrincipalKind, name: string, capabilities: CapabilitySet, parentId?: string): Principal {
  if (!NAME.test(name)) throw new TypeError(`invalid principal name: ${JSON.stringify(name)}`);
  const principal: Principal = { id: `${kind}:${name}`, kind, name, capabilities };
  return parentId === undefined ? principal : { ...principal, parentId };
}

/** The kernel itself. Holds every capability; never reachable from the wire. */
export const SYSTEM: Principal = makePrincipal('service', 'kernel', CapabilitySet.all());
