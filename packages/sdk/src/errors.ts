/**
 * The SDK's one error type. `code` is a wire code (DESIGN §4) when the daemon answered with an error, or
 * one of the SDK's own local codes when the failure happened on this side; the two sets are kept apart.
 */
import { WIRE_ERROR_CODES } from './wire-errors.generated.ts';

export { WIRE_ERROR_CODES };
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

/** Local-only: the socket could not be opened / the client was closed by its owner. */
export const LOCAL_ERROR_CODES = ['connection_failed', 'closed'] as const;
export type LocalErrorCode = (typeof LOCAL_ERROR_CODES)[number];

export type AetherErrorCode = WireErrorCode | LocalErrorCode;

export class AetherError extends Error {
  readonly code: AetherErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: AetherErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AetherError';
    this.code = code;
    this.details = details;
  }

  /** An error payload off the wire, or undefined when the payload is not one. */
  static fromPayload(payload: Record<string, unknown> | undefined): AetherError | undefined {
    const code = payload?.code;
    if (typeof code !== 'string' || !(WIRE_ERROR_CODES as readonly string[]).includes(code)) return undefined;
    const details = payload?.details;
    return new AetherError(code as WireErrorCode, typeof payload?.error === 'string' ? payload.error : code, typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined);
  }
}

export function isAetherError(value: unknown, code?: AetherErrorCode): value is AetherError {
  return value instanceof AetherError && (code === undefined || value.code === code);
}
