/**
 * How the CLI fails: a CliError carries the exit code (1 the operation failed, 2 the command line was
 * wrong) and a next step. Daemon errors are turned into one with advice that fits their wire code.
 */
import { AetherError } from '@aether/sdk';

export class CliError extends Error {
  readonly exitCode: 1 | 2;
  readonly hint: string | undefined;

  constructor(exitCode: 1 | 2, message: string, hint?: string) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export function usage(message: string, hint = 'see aether --help'): CliError {
  return new CliError(2, message, hint);
}

const ADVICE: Partial<Record<string, string>> = {
  unauthenticated: 'log in with `aether login` (or set AETHER_TOKEN), then try again',
  permission_denied: 'ask an admin for the capability named above, or use a token that holds it',
  rate_limited: 'wait a moment and try again',
  connection_failed: 'is aetherd running? start it with `aether start`, or check --url / --data-dir',
  not_found: 'check the name; `aether call` takes any topic listed in docs/protocol.md',
  payload_invalid: 'fix the fields named above',
  timeout: 'the daemon did not answer in time; check `aether status`',
};

/** Anything thrown by a command, as a CliError. */
export function toCliError(thrown: unknown): CliError {
  if (thrown instanceof CliError) return thrown;
  if (thrown instanceof AetherError) {
    const missing = thrown.details?.missing;
    const details = typeof missing === 'string' ? ` (missing ${missing})` : '';
    return new CliError(1, `${thrown.code}: ${thrown.message}${details}`, ADVICE[thrown.code]);
  }
  return new CliError(1, thrown instanceof Error ? thrown.message : String(thrown));
}
