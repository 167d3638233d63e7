/**
 * The gateway's own settings (transport only; the kernel's come from its Config). Read from flags and
 * the environment: AETHER_TLS_CERT / AETHER_TLS_KEY (PEM files), AETHER_ALLOWED_ORIGINS (comma-separated),
 * AETHER_METRICS_TOKEN, AETHER_INSECURE=1, AETHER_WS_RATE / AETHER_WS_BURST (frames per second and burst
 * per connection). Every bound that protects memory has a default here.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const WsOptionsSchema = z
  .object({
    /** Bytes a socket may have queued for sending before its bus delivery is paused (until it drains). */
    max_buffered_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(1024 * 1024),
    /** Frames a connection may send per second, sustained… */
    messages_per_second: z.number().int().min(1).max(1_000_000).default(1000),
    /** …and in one burst. Beyond that each frame is answered `rate_limited` with `details.resetMs`. */
    message_burst: z.number().int().min(1).max(1_000_000).default(2000),
    /** A socket is pinged this often; one that has not answered the previous ping is dropped (dead peers). */
    heartbeat_ms: z.number().int().min(10).max(3_600_000).default(30_000),
  })
  .strict();

export const ReplayOptionsSchema = z
  .object({
    /** Streams whose recent events are kept for resuming clients (least recently written forgotten first). */
    max_streams: z.number().int().min(0).max(1_000_000).default(1024),
    /** Recent events kept per stream. */
    events_per_stream: z.number().int().min(1).max(100_000).default(256),
    /** Bytes of JSON kept across all streams. */
    max_bytes: z.number().int().min(0).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  })
  .strict();

export const ServerOptionsSchema = z
  .object({
    /** PEM certificate chain and private key; when set the daemon serves HTTPS and WSS only. */
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
    /** Allow a non-loopback bind without TLS (a TLS proxy in front). */
    insecure: z.boolean().default(false),
    /** Browser origins besides the daemon's own that may call it (CORS, WebSocket Origin, CSRF). */
    allowed_origins: z.array(z.string().url()).max(100).default([]),
    /** Bearer token for /metrics when not bound to loopback (the admin token also works). */
    metrics_token: z.string().min(32).optional(),
    /** Serve JSON-RPC on `<data dir>/aetherd.sock` for local tools. */
    unix_socket: z.boolean().default(true),
    ws: WsOptionsSchema.default(WsOptionsSchema.parse({})),
    replay: ReplayOptionsSchema.default(ReplayOptionsSchema.parse({})),
  })
  .strict();

export type ServerOptions = z.infer<typeof ServerOptionsSchema>;
export type WsOptions = z.infer<typeof WsOptionsSchema>;
export type ReplayOptions = z.infer<typeof ReplayOptionsSchema>;
export type ServerOptionsInput = z.input<typeof ServerOptionsSchema>;

export interface ServerFlags {
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  insecure?: boolean | undefined;
  allowedOrigins?: readonly string[] | undefined;
}

/** Options from flags (winning) and the environment. Throws an Error naming what to fix. */
export function serverOptionsFrom(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const certFile = flags.tlsCert ?? nonEmpty(env.AETHER_TLS_CERT);
  const keyFile = flags.tlsKey ?? nonEmpty(env.AETHER_TLS_KEY);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error('TLS needs both a certificate and a key (--tls-cert and --tls-key, or AETHER_TLS_CERT and AETHER_TLS_KEY)');
  }
  const origins = flags.allowedOrigins ?? (nonEmpty(env.AETHER_ALLOWED_ORIGINS)?.split(',').map((o) => o.trim()).filter((o) => o !== '') ?? []);
  const input: ServerOptionsInput = {
    insecure: flags.insecure === true || env.AETHER_INSECURE === '1',
    allowed_origins: [...origins],
  };
  if (certFile !== undefined && keyFile !== undefined) input.tls = { cert: readPem(certFile, 'certificate'), key: readPem(keyFile, 'key') };
  const rate = nonEmpty(env.AETHER_WS_RATE);
  const burst = nonEmpty(env.AETHER_WS_BURST);
  if (rate !== undefined || burst !== undefined) {
    input.ws = { ...(rate === undefined ? {} : { messages_per_second: Number(rate) }), ...(burst === undefined ? {} : { message_burst: Number(burst) }) };
  }
  const metricsToken = nonEmpty(env.AETHER_METRICS_TOKEN);
  if (metricsToken !== undefined) input.metrics_token = metricsToken;
  const parsed = ServerOptionsSchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid gateway option: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (thrown) {
    throw new Error(`cannot read the TLS ${what} ${file}: ${(thrown as Error).message}`, { cause: thrown });
  }
}
