/**
 * JSON-RPC 2.0 for local tools on `<data dir>/aetherd.sock`: one JSON text per line in, one answer per
 * line out. The socket file is created mode 0600 inside the data directory, so only the account that
 * runs the daemon — which can read the whole data directory anyway — can open it; its calls therefore
 * run as the operator (like the admin token: every capability, no topic rules or rate limits).
 */
import { chmod, lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import type { Kernel } from '@aether/kernel';
import { OPERATOR } from '../auth/request-auth.ts';
import type { GatewayMetrics } from '../metrics/metrics.ts';
import { answerRpcText } from './json-rpc.ts';
import { kernelRpcBackend } from './rpc-backend.ts';

export interface UnixRpcServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function startUnixRpc(kernel: Kernel, path: string, metrics: GatewayMetrics): Promise<UnixRpcServer> {
  await removeStaleSocket(path);
  const maxLine = kernel.config.limits.max_payload_bytes * 2;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const abort = new AbortController();
    socket.once('close', () => abort.abort());
    const backend = kernelRpcBackend(kernel, { principal: OPERATOR, admin: true }, metrics, 'socket', { signal: abort.signal });
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      if (pending.length > maxLine && !pending.includes('\n')) {
        socket.end(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `a request line exceeds ${maxLine} bytes`, data: { code: 'payload_too_large' } } })}\n`);
        return;
      }
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === '') continue;
        void answerRpcText(line, backend).then((answer) => {
          if (answer !== undefined && !socket.destroyed) socket.write(`${JSON.stringify(answer)}\n`);
        });
      }
    });
  });
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve());
  });
  // Bound (synchronously, inside listen) under a 0177 umask: there is no moment the socket is open to others.
  const previous = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(previous);
  }
  await listening;
  await chmod(path, 0o600);
  return {
    path,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlink(path).catch(() => {});
    },
  };
}

/** A socket file left by a daemon that died is removed; a live one means another daemon owns this data directory. */
async function removeStaleSocket(path: string): Promise<void> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats === undefined) return;
  if (!stats.isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another aetherd is already serving ${path}; stop it first (aether status shows it)`);
  await unlink(path);
}
