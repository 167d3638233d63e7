/**
 * `IN (?, ?, …)` lists for the repositories: values are split into chunks small enough for every
 * engine's parameter limit, and each chunk gets its own placeholders.
 */
export const IN_CHUNK = 500;

export function chunks<T>(values: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
