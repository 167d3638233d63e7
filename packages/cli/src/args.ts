/**
 * The shape of a command in the `aether` command table, and reading its parsed options. A command marked
 * `verbatim` takes a program and that program's own arguments: everything from its first argument on is
 * handed over untouched, so `aether vm run --sandbox ls -la` gives `ls` its `-la`.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { CliContext } from './context.ts';
import { usage } from './errors.ts';

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Command {
  usage: string;
  summary: string;
  /** More lines for `aether <command> --help`: the options and what they take. */
  details?: readonly string[];
  options?: ParseArgsOptionsConfig;
  /** Required and optional positional arguments after the command words. */
  args: [min: number, max: number];
  /** The first argument and everything after it are passed through unparsed (a program and its arguments). */
  verbatim?: boolean;
  /** Resolves with the exit code (0 when nothing is returned). */
  run(ctx: CliContext, args: string[], values: Values): Promise<number | void>;
}

export const str = (values: Values, key: string): string | undefined => (typeof values[key] === 'string' ? values[key] : undefined);
export const strs = (values: Values, key: string): string[] => {
  const value = values[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};
export const bool = (values: Values, key: string): boolean => values[key] === true;

export function parse(argv: readonly string[], options: ParseArgsOptionsConfig, strict: boolean): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict });
  } catch (thrown) {
    throw usage((thrown as Error).message);
  }
}

/**
 * Splits a command line at the first positional argument after the command's `words` words: the part
 * before holds the words and our options, the part from there on is the program's argv, untouched.
 */
export function splitVerbatim(argv: readonly string[], options: ParseArgsOptionsConfig, words: number): { head: string[]; rest: string[] } {
  let tokens;
  try {
    tokens = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true }).tokens;
  } catch (thrown) {
    throw usage((thrown as Error).message);
  }
  let seen = 0;
  for (const token of tokens) {
    if (token.kind !== 'positional') continue;
    seen += 1;
    if (seen > words) return { head: argv.slice(0, token.index), rest: argv.slice(token.index) };
  }
  return { head: [...argv], rest: [] };
}
