/**
 * Where the daemon may listen (DESIGN §5): a loopback address always; any other address only with TLS,
 * or when the operator said `--insecure` explicitly.
 */
import net from 'node:net';

export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

/** Undefined when binding is allowed; otherwise what is wrong and how to fix it. */
export function bindRefusal(host: string, tls: boolean, insecure: boolean): string | undefined {
  if (isLoopback(host) || tls || insecure) return undefined;
  return (
    `refusing to listen on ${host} without TLS: anyone on the network could read tokens and sessions. ` +
    'Configure a certificate (--tls-cert FILE --tls-key FILE, or AETHER_TLS_CERT / AETHER_TLS_KEY), ' +
    'listen on 127.0.0.1, or pass --insecure if a TLS proxy in front of the daemon terminates TLS.'
  );
}
