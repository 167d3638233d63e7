/**
 * How each wire error code (DESIGN §4) reads on HTTP and JSON-RPC. One table, so REST, `/rpc` and the
 * Unix socket agree; the string code itself always travels in the body (`code`, or `error.data.code`).
 */
import type { ErrorCode } from '@aether/kernel';

const HTTP_STATUS: Record<ErrorCode, number> = {
  permission_denied: 403,
  rate_limited: 429,
  payload_too_large: 413,
  payload_invalid: 400,
  timeout: 504,
  resource_exceeded: 422,
  not_found: 404,
  internal_error: 500,
  missing_session: 409,
  unsupported_backend: 501,
  no_compute_handler: 503,
  unauthenticated: 401,
  conflict: 409,
  budget_exceeded: 422,
  approval_denied: 403,
  cancelled: 503,
};

/**
 * JSON-RPC 2.0 error codes: the spec's own where one fits (-32602 invalid params, -32603 internal error),
 * otherwise one fixed code per wire code in the implementation-defined range. An unknown method is
 * -32601 (see json-rpc.ts); `not_found` from a handler (an unknown vm, file, …) is a different thing.
 */
export const RPC_METHOD_NOT_FOUND = -32601;

const RPC_CODE: Record<ErrorCode, number> = {
  not_found: -32014,
  payload_invalid: -32602,
  internal_error: -32603,
  permission_denied: -32001,
  unauthenticated: -32002,
  rate_limited: -32003,
  payload_too_large: -32004,
  timeout: -32005,
  resource_exceeded: -32006,
  missing_session: -32007,
  unsupported_backend: -32008,
  no_compute_handler: -32009,
  conflict: -32010,
  budget_exceeded: -32011,
  approval_denied: -32012,
  cancelled: -32013,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

export function rpcCodeOf(code: ErrorCode): number {
  return RPC_CODE[code];
}
