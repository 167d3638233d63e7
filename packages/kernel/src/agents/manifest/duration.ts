/**
 * Durations in manifests: a bare number is seconds (as aaOS's `reset_period_seconds`), a string carries
 * its unit (`500ms`, `30s`, `10m`, `2h`, `1d`). Answers milliseconds, or undefined when unreadable.
 */
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
/** A year: longer is almost certainly a mistake. */
const MAX_MS = 366 * 86_400_000;

export function parseDuration(value: number | string): number | undefined {
  let ms: number;
  if (typeof value === 'number') {
    ms = value * 1000;
  } else {
    const match = PATTERN.exec(value);
    if (match === null) return undefined;
    ms = Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_MS) return undefined;
  return Math.round(ms);
}
