/**
 * `aether <noun> <verb>`: parses the command line, runs the command, and turns failures into a message
 * with a next step and an exit code (0 success, 1 the operation failed, 2 usage error).
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { AGENT_COMMANDS } from './agents/agent-table.ts';
import { type Command, type Values, bool, parse, splitVerbatim, str, strs } from './args.ts';
import { setup, login, logout } from './commands/auth.ts';
import { call, sub } from './commands/call.ts';
import { status } from './commands/daemon.ts';
import { tokenCreate, tokenList, tokenRevoke } from './commands/tokens.ts';
import { userAdd, userList, userPasswd, userRemove } from './commands/users.ts';
import { CliContext, type Io, defaultDataDir } from './context.ts';
import { toCliError, usage } from './errors.ts';
import { FS_COMMANDS } from './fs/fs-table.ts';
import { VM_COMMANDS } from './vm/vm-table.ts';

const PASSWORD_STDIN = { 'password-stdin': { type: 'boolean' } } as const;

const COMMANDS: Record<string, Command> = {
  status: { usage: 'status', summary: 'is aetherd running for this data directory, and healthy', args: [0, 0], run: (ctx) => status(ctx) },
  setup: { usage: 'setup --token T --user NAME [--password-stdin]', summary: 'create the first admin with the setup token', options: { token: { type: 'string' }, user: { type: 'string' }, ...PASSWORD_STDIN }, args: [0, 0], run: (ctx, _a, v) => setup(ctx, { token: str(v, 'token'), user: str(v, 'user'), 'password-stdin': bool(v, 'password-stdin') }) },
  login: { usage: 'login [--user NAME] [--password-stdin] [--days N]', summary: 'log in and keep a login token (0600)', options: { user: { type: 'string' }, days: { type: 'string' }, ...PASSWORD_STDIN }, args: [0, 0], run: (ctx, _a, v) => login(ctx, { user: str(v, 'user'), days: str(v, 'days'), 'password-stdin': bool(v, 'password-stdin') }) },
  logout: { usage: 'logout', summary: 'revoke and forget the login token', args: [0, 0], run: (ctx) => logout(ctx) },
  'user add': { usage: 'user add NAME [--role ROLE | --admin] [--password-stdin]', summary: 'add a user (works without a daemon)', options: { role: { type: 'string' }, admin: { type: 'boolean' }, ...PASSWORD_STDIN }, args: [1, 1], run: (ctx, [name], v) => userAdd(ctx, name as string, { role: str(v, 'role'), admin: bool(v, 'admin'), 'password-stdin': bool(v, 'password-stdin') }) },
  'user list': { usage: 'user list', summary: 'list users', args: [0, 0], run: (ctx) => userList(ctx) },
  'user remove': { usage: 'user remove NAME', summary: 'remove a user and everything they hold', args: [1, 1], run: (ctx, [name]) => userRemove(ctx, name as string) },
  'user passwd': { usage: 'user passwd [NAME] [--password-stdin]', summary: "change your password, or (admin) someone's", options: { ...PASSWORD_STDIN }, args: [0, 1], run: (ctx, [name], v) => userPasswd(ctx, name, { 'password-stdin': bool(v, 'password-stdin') }) },
  'token create': { usage: 'token create NAME --cap CAP... [--days N] [--owner USER]', summary: 'create a scoped API token', options: { cap: { type: 'string', multiple: true }, days: { type: 'string' }, owner: { type: 'string' } }, args: [1, 1], run: (ctx, [name], v) => tokenCreate(ctx, name as string, { cap: strs(v, 'cap'), days: str(v, 'days'), owner: str(v, 'owner') }) },
  'token list': { usage: 'token list [--owner USER]', summary: 'list your API tokens', options: { owner: { type: 'string' } }, args: [0, 0], run: (ctx, _a, v) => tokenList(ctx, { owner: str(v, 'owner') }) },
  'token revoke': { usage: 'token revoke ID', summary: 'revoke an API token', args: [1, 1], run: (ctx, [id]) => tokenRevoke(ctx, id as string) },
  call: { usage: "call TOPIC ['{json}']", summary: 'call any contract and print its reply', args: [1, 2], run: (ctx, [topic, json]) => call(ctx, topic as string, json) },
  sub: { usage: 'sub PATTERN', summary: 'print events matching a pattern until Ctrl+C', args: [1, 1], run: (ctx, [pattern]) => sub(ctx, pattern as string) },
  ...FS_COMMANDS,
  ...VM_COMMANDS,
  ...AGENT_COMMANDS,
};

const GLOBAL: ParseArgsOptionsConfig = {
  'data-dir': { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Usages longer than this put their summary on the next line. */
const USAGE_WIDTH = 44;

function helpRow(usageText: string, summary: string): string {
  return usageText.length <= USAGE_WIDTH ? `  ${usageText.padEnd(USAGE_WIDTH)}  ${summary}` : `  ${usageText}\n  ${''.padEnd(USAGE_WIDTH)}  ${summary}`;
}

export function helpText(): string {
  return [
    'usage: aether <command> [options]   (global: --data-dir DIR, --url URL, --token TOKEN, --json)',
    '',
    helpRow('start [aetherd options]', 'run the daemon in the foreground (aether start --help)'),
    helpRow('wasi run [--dir HOST[::GUEST]] [--env N=V] FILE.wasm [ARGS]', 'run a WASI module here, without a daemon'),
    ...Object.values(COMMANDS).map((c) => helpRow(c.usage, c.summary)),
    '',
    'The daemon is found through <data dir>/aetherd.json (AETHER_DATA_DIR, default ~/.aether).',
    'Exit codes: 0 success, 1 the operation failed, 2 usage error.',
  ].join('\n');
}

/** Runs one command line; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    if (argv[0] === 'start') {
      // Loaded only here: the daemon's transport stack is not needed by any other command.
      const { start } = await import('./commands/start.ts');
      await start(io, argv.slice(1));
      return 0;
    }
    if (argv[0] === 'wasi') {
      // Passed through untouched: the wasi-testsuite drives exactly this command line.
      const { wasi } = await import('./commands/wasi.ts');
      return await wasi(io, argv.slice(1));
    }
    const all = Object.assign({}, GLOBAL, ...Object.values(COMMANDS).map((c) => c.options ?? {})) as ParseArgsOptionsConfig;
    const loose = parse(argv, all, false);
    const words = loose.positionals;
    const key = words.length >= 2 && COMMANDS[`${words[0]} ${words[1]}`] !== undefined ? `${words[0]} ${words[1]}` : (words[0] ?? '');
    const command = COMMANDS[key];
    if (command === undefined) {
      if (words.length === 0 || loose.values.help === true) {
        io.out(helpText());
        return words.length === 0 && loose.values.help !== true ? 2 : 0;
      }
      throw usage(`unknown command "${words.slice(0, 2).join(' ')}"`);
    }
    const options = { ...GLOBAL, ...command.options };
    const wordCount = key.split(' ').length;
    const { head, rest } = command.verbatim === true ? splitVerbatim(argv, options, wordCount) : { head: argv, rest: [] };
    const { values, positionals } = parse(head, options, true);
    if (values.help === true) {
      io.out([`usage: aether ${command.usage}`, `  ${command.summary}`, ...(command.details ?? []).map((line) => `  ${line}`)].join('\n'));
      return 0;
    }
    const args = [...positionals.slice(wordCount), ...rest];
    const [min, max] = command.args;
    if (args.length < min || args.length > max) throw usage(`expected: aether ${command.usage}`);
    return (await command.run(context(values, io, env), args, values)) ?? 0;
  } catch (thrown) {
    const error = toCliError(thrown);
    io.err(`aether: ${error.message}`);
    if (error.hint !== undefined) io.err(`  → ${error.hint}`);
    return error.exitCode;
  }
}

function context(values: Values, io: Io, env: NodeJS.ProcessEnv): CliContext {
  return new CliContext({ dataDir: str(values, 'data-dir') ?? defaultDataDir(env), url: str(values, 'url'), token: str(values, 'token'), json: bool(values, 'json') }, io, env);
}
