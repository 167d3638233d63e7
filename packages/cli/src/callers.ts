/**
 * Two ways the CLI reaches a running daemon, behind one `Caller`: the SDK over `/ws` with a token (or
 * none, for public contracts), or the daemon's local socket, which acts as the host operator (only the
 * account that runs the daemon can open it). Both throw AetherError with the wire code.
 */
import net from 'node:net';
import { AetherClient, AetherError, WIRE_ERROR_CODES, type WireErrorCode } from '@aether/sdk';

export interface Caller {
  readonly via: string;
  call(topic: string, payload?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

export async function sdkCaller(url: string, token: string | undefined, timeoutMs = 30_000): Promise<Caller> {
  const client = await AetherClient.connect({ url, ...(token === undefined ? {} : { token }), reconnect: false, requestTimeoutMs: timeoutMs });
  return {
    via: token === undefined ? `${url} (not logged in)` : url,
    call: (topic, payload = {}) => client.request(topic, payload),
    close: () => client.close(),
  };
}

/** A Caller over an open client the command keeps (and closes) itself. */
export function clientCaller(client: AetherClient, via: string): Caller {
  return { via, call: (topic, payload = {}) => client.request(topic, payload), close: () => client.close() };
}

/** JSON-RPC over `<data dir>/aetherd.sock`, one line per call. */
export function socketCaller(path: string): Promise<Caller> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    const waiting = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: AetherError) => void }>();
    let buffered = '';
    let next = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const answer = JSON.parse(buffered.slice(0, newline)) as { id: number; result?: Record<string, unknown>; error?: { message: string; data?: { code?: string; details?: Record<string, unknown> } } };
        buffered = buffered.slice(newline + 1);
        const waiter = waiting.get(answer.id);
        waiting.delete(answer.id);
        if (answer.error === undefined) waiter?.resolve(answer.result ?? {});
        else waiter?.reject(new AetherError(wireCode(answer.error.data?.code), answer.error.message, answer.error.data?.details));
      }
    });
    socket.once('error', (error) => reject(new AetherError('connection_failed', `cannot open ${path}: ${error.message}`)));
    socket.once('close', () => {
      for (const waiter of waiting.values()) waiter.reject(new AetherError('timeout', 'the daemon closed the local socket', { reason: 'disconnected' }));
      waiting.clear();
    });
    socket.once('connect', () =>
      resolve({
        via: `${path} (local operator)`,
        call: (topic, payload = {}) =>
          new Promise((done, fail) => {
            const id = ++next;
            waiting.set(id, { resolve: done, reject: fail });
            socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: topic, params: payload })}\n`);
          }),
        close: () => socket.end(),
      }),
    );
  });
}

function wireCode(code: string | undefined): WireErrorCode {
  return (WIRE_ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as WireErrorCode) : 'internal_error';
}
