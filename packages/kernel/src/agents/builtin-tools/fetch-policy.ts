/**
 * What web_fetch may fetch, decided per URL — the first and every redirect. The URL must be http(s)
 * without credentials; the agent must hold `net.fetch:<url>`; and an address that is not public
 * (address-policy.ts) is refused unless the agent holds a grant that names this URL's origin
 * (`net.fetch:http://127.0.0.1:8080/**`): a broad grant such as `net.fetch` alone never reaches
 * loopback, private or link-local hosts. Denials say what is missing, for the model and the person.
 */
import { KernelError } from '../../contracts/errors.ts';
import { compileCapability, compiledImplies } from '../../security/capability.ts';
import type { Principal } from '../../security/principal.ts';

/** `net.fetch:<scheme>://<host>[:port]<path>`: the query and fragment are not part of a net scope. */
export function fetchCapability(url: URL): string {
  return `net.fetch:${url.protocol}//${url.host}${url.pathname}`;
}

/** Why `raw` is not a URL web_fetch takes, or undefined when it is. */
export function urlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs can be fetched, not ${url.protocol.slice(0, -1)}`;
  if (url.username !== '' || url.password !== '') return 'credentials in the URL are not allowed';
  return undefined;
}

/** Throws `permission_denied` unless the principal holds `net.fetch` for this URL. */
export function checkFetch(principal: Principal, url: URL): void {
  const problem = urlProblem(url.href);
  if (problem !== undefined) throw new KernelError('payload_invalid', `cannot fetch ${url.href}: ${problem}`);
  const decision = principal.capabilities.check(fetchCapability(url));
  if (!decision.allowed) {
    throw new KernelError('permission_denied', `permission denied: this agent lacks ${decision.missing} (${decision.hint})`, { missing: decision.missing });
  }
}

/** True when one of the principal's live grants is a `net.fetch` grant scoped to this URL's origin and covering it. */
export function grantNamesOrigin(principal: Principal, url: URL): boolean {
  let wanted;
  try {
    wanted = compileCapability(fetchCapability(url));
  } catch {
    return false;
  }
  for (const text of principal.capabilities.list()) {
    try {
      const grant = compileCapability(text);
      if (grant.domain === 'net' && (grant.action === 'fetch' || grant.action === '*') && grant.shape.kind === 'net' && compiledImplies(grant, wanted)) return true;
    } catch {
      // A grant that does not parse names nothing.
    }
  }
  return false;
}

/** Throws `permission_denied` when `address` is not public and no grant names the URL's origin. */
export function checkAddress(principal: Principal, url: URL, address: string, kind: string | undefined): void {
  if (kind === undefined || grantNamesOrigin(principal, url)) return;
  const origin = `${url.protocol}//${url.host}`;
  throw new KernelError(
    'permission_denied',
    `refused to fetch ${origin}: ${url.hostname} is ${address}, a ${kind} address. Internal addresses are reachable only with a grant naming this origin, e.g. net.fetch:${origin}/**`,
    { address, kind },
  );
}
