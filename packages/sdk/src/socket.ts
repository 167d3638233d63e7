/**
 * The WebSocket the client speaks through: the platform's own (browsers, Node 24's global WebSocket).
 * In Node a token travels as `Authorization: Bearer` (Node's WebSocket accepts `{ headers }`, an undici
 * extension); in a browser the session cookie travels by itself and no header can be set.
 */

/** The part of the WHATWG WebSocket the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string, headers: Record<string, string>) => WebSocketLike;

export const OPEN = 1;

type NodeWebSocketConstructor = new (url: string, init?: { headers?: Record<string, string> }) => WebSocketLike;

/** The platform's WebSocket; headers are only passed when there are any (browsers would reject the object). */
export const platformWebSocket: WebSocketFactory = (url, headers) => {
  const Native = (globalThis as { WebSocket?: unknown }).WebSocket as NodeWebSocketConstructor | undefined;
  if (Native === undefined) throw new Error('no WebSocket in this runtime; pass options.webSocket');
  return Object.keys(headers).length === 0 ? new Native(url) : new Native(url, { headers });
};

/** `http://h:p` or `ws://h:p/ws` → the `/ws` endpoint URL. */
export function wsUrlOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/ws';
  return parsed.toString();
}
