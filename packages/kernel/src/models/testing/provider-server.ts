/**
 * A fake provider for adapter tests: a real HTTP server on 127.0.0.1 (port 0) that answers each request
 * with the next scripted reply — a status with a JSON error body, or a 200 event stream written chunk by
 * chunk, or a stream left open (to exercise the attempt timeout). It records what the client sent, so a
 * test can check the provider's request format too. Used with wire-formats.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedReply =
  | { kind: 'error'; status: number; headers?: Record<string, string>; body: unknown }
  /** `events` are raw SSE text blocks, written one per chunk; `hang` leaves the response open after them. */
  | { kind: 'stream'; events: readonly string[]; hang?: boolean };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface ProviderServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Queues replies, answered in order; a request with nothing queued gets a 599. */
  reply(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startProviderServer(): Promise<ProviderServer> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: parse(text) });
      answer(queue.shift(), response, open);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(reply: ScriptedReply | undefined, response: http.ServerResponse, open: Set<http.ServerResponse>): void {
  if (reply === undefined) {
    response.writeHead(599, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no reply scripted' } }));
    return;
  }
  if (reply.kind === 'error') {
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const event of reply.events) response.write(event.endsWith('\n\n') ? event : `${event}\n\n`);
  if (reply.hang === true) {
    open.add(response);
    response.on('close', () => open.delete(response));
  } else {
    response.end();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
