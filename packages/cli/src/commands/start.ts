/**
 * `aether start`: runs aetherd in the foreground with aetherd's own flags (`aether start --help`).
 */
import { runDaemon } from '@aether/server';
import type { Io } from '../context.ts';
import { CliError } from '../errors.ts';

export async function start(io: Io, argv: readonly string[]): Promise<void> {
  const code = await runDaemon(argv, io);
  if (code !== 0) throw new CliError(code === 2 ? 2 : 1, 'aetherd stopped with an error (see above)');
}
