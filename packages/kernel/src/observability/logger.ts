/**
 * Structured logging (pino). Library code logs through a Logger it is given; nothing writes to the console.
 */
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { service: 'aether' }, redact: ['admin_token', '*.admin_token', '*.password', '*.token'] }, destination ?? process.stderr);
}

/** A logger that writes nothing, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
