/**
 * aetherd's command line (shared by `aetherd` and `aether start`). Kernel settings go to loadConfig as
 * flags (file < environment < flags); gateway settings to serverOptionsFrom.
 */
import { parseArgs } from 'node:util';

export const DAEMON_USAGE = `usage: aetherd [options]
  --data-dir DIR          data directory (AETHER_DATA_DIR, default ~/.aether)
  --config FILE           YAML config file (AETHER_CONFIG)
  --host HOST             listen address (AETHER_HOST, default 127.0.0.1)
  --port PORT             listen port (AETHER_PORT, default 7700; 0 picks a free one)
  --tls-cert FILE         PEM certificate chain (AETHER_TLS_CERT); with --tls-key serves HTTPS/WSS
  --tls-key FILE          PEM private key (AETHER_TLS_KEY)
  --allowed-origin URL    a browser origin besides the daemon's own (repeatable; AETHER_ALLOWED_ORIGINS)
  --insecure              allow a non-loopback address without TLS (only behind a TLS proxy)
  -h, --help              this help`;

export interface DaemonFlags {
  dataDir?: string | undefined;
  config?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  allowedOrigins?: string[] | undefined;
  insecure: boolean;
  help: boolean;
}

export class UsageError extends Error {}

/** Throws UsageError with a message that says what to fix. */
export function parseDaemonFlags(argv: readonly string[]): DaemonFlags {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'allowed-origin': { type: 'string', multiple: true },
        insecure: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (thrown) {
    throw new UsageError(`${(thrown as Error).message} (see --help)`);
  }
  const port = values.port;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new UsageError(`--port must be a whole number from 0 to 65535, got ${port}`);
  return {
    dataDir: values['data-dir'],
    config: values.config,
    host: values.host,
    port: port === undefined ? undefined : Number(port),
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    allowedOrigins: values['allowed-origin'],
    insecure: values.insecure,
    help: values.help,
  };
}
