/**
 * Turns PostgreSQL and pool failures into KernelErrors by SQLSTATE, so callers branch on codes, never on
 * driver messages; SQL text and server messages stay in `cause` (for logs) and never reach a client.
 */
import pg from 'pg';
import { KernelError } from '../contracts/errors.ts';

const CONFLICT: Record<string, string> = {
  '23505': 'a record with this key already exists',
  '23503': 'a referenced record does not exist',
  '40001': 'the transaction conflicted with a concurrent one; retry',
  '40P01': 'the transaction was chosen as a deadlock victim; retry',
};

export function postgresError(error: unknown): KernelError {
  if (error instanceof KernelError) return error;
  if (error instanceof pg.DatabaseError && error.code !== undefined) {
    const code = error.code;
    const conflict = CONFLICT[code];
    if (conflict !== undefined) {
      const retryable = code.startsWith('40');
      return new KernelError('conflict', conflict, retryable ? { retryable } : undefined, { cause: error });
    }
    if (code === '57014' || code === '55P03') {
      return new KernelError('timeout', 'the database statement timed out', undefined, { cause: error });
    }
    if (code.startsWith('53')) {
      return new KernelError('resource_exceeded', 'the database is out of resources', undefined, { cause: error });
    }
    if (code.startsWith('08') || code === '57P01' || code === '57P03') {
      return new KernelError('internal_error', 'the database is unavailable', undefined, { cause: error });
    }
  }
  return new KernelError('internal_error', 'database error', undefined, { cause: error });
}

/** Failure to obtain a pooled connection: a full pool is `resource_exceeded`, anything else unavailable. */
export function poolError(error: unknown): KernelError {
  if (error instanceof KernelError) return error;
  if (error instanceof Error && /timeout/i.test(error.message)) {
    return new KernelError('resource_exceeded', 'no database connection became free in time', undefined, { cause: error });
  }
  return new KernelError('internal_error', 'the database is unavailable', undefined, { cause: error });
}
