/**
 * The one error model of Aether (DESIGN §4). Every failure that crosses the bus is a KernelError,
 * serialised as `{ _request_id?, code, error, details? }` on the derived error topic.
 * Deliberately free of dependencies: sandbox runner processes load it, and their start-up time counts.
 */

/** Codes that travel on the wire. The set is closed: adding one is a protocol change. */
export const ERROR_CODES = [
  'permission_denied',
  'rate_limited',
  'payload_too_large',
  'payload_invalid',
  'timeout',
  'resource_exceeded',
  'not_found',
  'internal_error',
  'missing_session',
  'unsupported_backend',
  'no_compute_handler',
  'unauthenticated',
  'conflict',
  'budget_exceeded',
  'approval_denied',
  'cancelled',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, unknown>;

// A type alias, not an interface, so it stays assignable to the bus's `Payload` record type.
export type ErrorPayload = {
  _request_id?: string;
  code: ErrorCode;
  error: string;
  details?: ErrorDetails;
};

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

export class KernelError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KernelError';
    this.code = code;
    this.details = details;
  }

  toPayload(requestId?: string): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, error: this.message };
    if (requestId !== undefined) payload._request_id = requestId;
    if (this.details !== undefined) payload.details = this.details;
    return payload;
  }

  static fromPayload(payload: ErrorPayload): KernelError {
    return new KernelError(payload.code, payload.error, payload.details);
  }

  /** Reads an error payload off the wire; undefined when it is not one. */
  static parsePayload(payload: unknown): KernelError | undefined {
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { code, error, details } = payload as Record<string, unknown>;
    if (!isErrorCode(code) || typeof error !== 'string') return undefined;
    const isRecord = typeof details === 'object' && details !== null && !Array.isArray(details);
    if (details !== undefined && !isRecord) return undefined;
    return new KernelError(code, error, details as ErrorDetails | undefined);
  }
}

/**
 * Turns anything thrown into a KernelError. Unknown throwables become `internal_error` with a generic
 * message so that internals (paths, SQL, stack traces) never leak to a client; the cause is kept for logs.
 */
export function toKernelError(thrown: unknown): KernelError {
  if (thrown instanceof KernelError) return thrown;
  return new KernelError('internal_error', 'internal error', undefined, { cause: thrown });
}

export function isKernelError(value: unknown, code?: ErrorCode): value is KernelError {
  return value instanceof KernelError && (code === undefined || value.code === code);
}
