/**
 * Reading a password: from standard input with `--password-stdin` (scripts), else typed at a terminal
 * without echo. Never from a flag, where it would show in the process list and shell history.
 */
import { usage } from './errors.ts';

export async function readPassword(question: string, fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await stdinLines())[0] ?? '';
  if (process.stdin.isTTY !== true) throw usage('no terminal to ask for the password', 'pipe it in with --password-stdin');
  return hiddenInput(question);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk).toString('utf8');
  return text;
}

/** Every line of standard input (for passwords piped in by scripts). */
export async function stdinLines(): Promise<string[]> {
  return (await readAll(process.stdin)).split(/\r?\n/);
}

function hiddenInput(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const finish = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(usage('cancelled'));
        if (char === '\u007f') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}
