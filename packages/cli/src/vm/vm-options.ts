/**
 * `aether vm run` options as the daemon wants them: durations (`30`, `1.5s`, `500ms`, `2m`) in
 * milliseconds, sizes (`256M`, `1G`, `65536`) in bytes, `--env NAME=VALUE` as a record, and how a vm's
 * end becomes this command's exit code (the guest's own; 124 wall/idle time, 137 other limits).
 */
import { constants } from 'node:os';
import { usage } from '../errors.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Milliseconds; a bare number is seconds. */
export function parseDuration(flag: string, text: string): number {
  const match = DURATION.exec(text.trim());
  const ms = match === null ? NaN : Math.round(Number(match[1]) * (SECONDS[match[2] ?? 's'] ?? 1) * 1000);
  if (!Number.isFinite(ms) || ms < 1) throw usage(`${flag} takes a duration such as 30, 1.5s, 500ms or 2m (got "${text}")`);
  return ms;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i;
const POWERS: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4 };

/** Bytes; K/M/G/T (or KiB, MB, …) are powers of 1024. */
export function parseBytes(flag: string, text: string): number {
  const match = SIZE.exec(text.trim());
  const bytes = match === null ? NaN : Math.floor(Number(match[1]) * 1024 ** (POWERS[(match[2] ?? '').toLowerCase()] ?? 0));
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw usage(`${flag} takes a size such as 65536, 256M or 1G (got "${text}")`);
  return bytes;
}

export function parseCount(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw usage(`${flag} takes a whole number (got "${text}")`);
  return n;
}

/** `NAME=VALUE` pairs; a bare `NAME` passes this shell's value of it along. */
export function parseEnv(pairs: readonly string[], local: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at < 0 ? pair : pair.slice(0, at);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usage(`--env takes NAME=VALUE (got "${pair}")`);
    const value = at < 0 ? local[name] : pair.slice(at + 1);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export interface LimitFlags {
  timeout?: string | undefined;
  idle?: string | undefined;
  memory?: string | undefined;
  output?: string | undefined;
  cpu?: string | undefined;
  processes?: string | undefined;
}

export function limitsOf(flags: LimitFlags): Record<string, number> {
  return {
    ...(flags.timeout === undefined ? {} : { wallMs: parseDuration('--timeout', flags.timeout) }),
    ...(flags.idle === undefined ? {} : { idleMs: parseDuration('--idle-timeout', flags.idle) }),
    ...(flags.memory === undefined ? {} : { memoryBytes: parseBytes('--memory', flags.memory) }),
    ...(flags.output === undefined ? {} : { outputBytes: parseBytes('--output-limit', flags.output) }),
    ...(flags.cpu === undefined ? {} : { cpuSeconds: Math.max(1, Math.round(parseDuration('--cpu', flags.cpu) / 1000)) }),
    ...(flags.processes === undefined ? {} : { processes: parseCount('--processes', flags.processes) }),
  };
}

export interface VmEnd {
  code: number | null;
  signal: string | null;
  reason?: string | undefined;
  /** The code of the vm.error that came before, if any. */
  breach?: string | undefined;
}

/** The exit code of `aether vm run` for a vm that ended so. */
export function exitCodeOf(end: VmEnd): number {
  const breach = end.breach ?? end.reason;
  if (breach === 'timeout') return 124;
  if (breach === 'resource_exceeded') return 137;
  if (end.code !== null) return end.code;
  if (end.signal !== null) {
    const number = (constants.signals as Record<string, number | undefined>)[end.signal];
    return number === undefined ? 137 : 128 + number;
  }
  return 1;
}
