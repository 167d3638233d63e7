/**
 * JSON-RPC 2.0 over the contract registry: `method` is a topic, `params` its payload (an object), and
 * every call runs through the same kernel boundary as a WebSocket frame. Batches run concurrently up to
 * a bound; notifications (no `id`) run and are not answered. Errors carry the JSON-RPC integer code and,
 * in `data.code`, the wire error code (DESIGN §4), with `data.details` when there are any.
 */
import type { ErrorPayload } from '@aether/kernel';
import { RPC_METHOD_NOT_FOUND, rpcCodeOf } from '../http/error-status.ts';
import { type CallOutcome, isObject } from '../http/ingress-call.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../transport/json-depth.ts';

export const MAX_BATCH = 100;

export type RpcId = string | number | null;

export interface RpcError {
  code: number;
  message: string;
  data?: { code: string; details?: Record<string, unknown> };
}

export type RpcResponse = { jsonrpc: '2.0'; id: RpcId; result: unknown } | { jsonrpc: '2.0'; id: RpcId; error: RpcError };

export interface RpcBackend {
  /** Runs one call through the kernel boundary. */
  call(method: string, params: Record<string, unknown>): Promise<CallOutcome>;
  /** True when a contract answers this method, so an unknown one is -32601 rather than `not_found`. */
  knows(method: string): boolean;
}

/** Answers a parsed body (one request or a batch); undefined when nothing is to be sent back. */
export async function answerRpc(body: unknown, backend: RpcBackend): Promise<RpcResponse | RpcResponse[] | undefined> {
  if (!Array.isArray(body)) return answerOne(body, backend);
  if (body.length === 0) return invalid(null, 'an empty batch is not a request');
  if (body.length > MAX_BATCH) return invalid(null, `a batch holds at most ${MAX_BATCH} requests`);
  const answers = await Promise.all(body.map((item) => answerOne(item, backend)));
  const sent = answers.filter((answer): answer is RpcResponse => answer !== undefined);
  return sent.length === 0 ? undefined : sent;
}

/** Parses a JSON text, answering -32700 when it is not JSON (and -32600 when it nests absurdly deep). */
export async function answerRpcText(text: string, backend: RpcBackend): Promise<RpcResponse | RpcResponse[] | undefined> {
  if (nestsDeeperThan(text)) return { jsonrpc: '2.0', id: null, error: { code: -32600, message: `invalid request: nests deeper than ${MAX_JSON_DEPTH} levels`, data: { code: 'payload_invalid' } } };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: the body is not valid JSON' } };
  }
  return answerRpc(body, backend);
}

async function answerOne(request: unknown, backend: RpcBackend): Promise<RpcResponse | undefined> {
  if (!isObject(request)) return invalid(null, 'a request is an object');
  const id = validId(request.id);
  if (id === false) return invalid(null, 'id must be a string, a number or null');
  if (request.jsonrpc !== '2.0') return invalid(id ?? null, 'jsonrpc must be "2.0"');
  if (typeof request.method !== 'string' || request.method === '') return invalid(id ?? null, 'method must be a topic');
  const notification = !('id' in request);
  const params = request.params ?? {};
  if (!isObject(params)) return answer(notification, id ?? null, { error: { code: -32602, message: 'params must be an object (the payload of the topic)', data: { code: 'payload_invalid' } } });
  if (!backend.knows(request.method)) {
    return answer(notification, id ?? null, { error: { code: RPC_METHOD_NOT_FOUND, message: `unknown method ${request.method}`, data: { code: 'not_found' } } });
  }
  const outcome = await backend.call(request.method, params);
  return answer(notification, id ?? null, outcome.ok ? { result: outcome.reply } : { error: rpcError(outcome.error) });
}

export function rpcError(error: ErrorPayload): RpcError {
  const data: RpcError['data'] = { code: error.code };
  if (error.details !== undefined) data.details = error.details;
  return { code: rpcCodeOf(error.code), message: error.error, data };
}

function answer(notification: boolean, id: RpcId, body: { result: unknown } | { error: RpcError }): RpcResponse | undefined {
  if (notification) return undefined;
  return 'result' in body ? { jsonrpc: '2.0', id, result: body.result } : { jsonrpc: '2.0', id, error: body.error };
}

function invalid(id: RpcId, message: string): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code: -32600, message: `invalid request: ${message}`, data: { code: 'payload_invalid' } } };
}

/** The id when valid, undefined when absent, false when present but not an allowed type. */
function validId(id: unknown): RpcId | undefined | false {
  if (id === undefined) return undefined;
  if (id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) return id;
  return false;
}
