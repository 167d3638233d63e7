/**
 * Rewrites the `?` placeholders of dialect-neutral SQL into PostgreSQL's `$1, $2, …`. Question marks inside
 * string literals, quoted identifiers, comments and dollar-quoted bodies are left alone. (PostgreSQL's jsonb
 * `?` operators therefore cannot be written bare; use the `jsonb_exists` functions instead.)
 */

export interface RewrittenSql {
  text: string;
  /** Number of placeholders found. */
  count: number;
}

export function toPostgresPlaceholders(sql: string): RewrittenSql {
  let out = '';
  let count = 0;
  let i = 0;
  const copyUntil = (end: string, from: number): number => {
    const stop = sql.indexOf(end, from);
    const next = stop === -1 ? sql.length : stop + end.length;
    out += sql.slice(i, next);
    return next;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === '?') {
      out += `$${++count}`;
      i += 1;
    } else if (ch === "'" || ch === '"') {
      // A doubled quote inside the literal is an escaped quote: keep scanning past pairs.
      let j = i + 1;
      for (;;) {
        const stop = sql.indexOf(ch, j);
        if (stop === -1) {
          j = sql.length;
          break;
        }
        if (sql[stop + 1] === ch) {
          j = stop + 2;
          continue;
        }
        j = stop + 1;
        break;
      }
      out += sql.slice(i, j);
      i = j;
    } else if (ch === '-' && sql[i + 1] === '-') {
      i = copyUntil('\n', i + 2);
    } else if (ch === '/' && sql[i + 1] === '*') {
      i = copyUntil('*/', i + 2);
    } else if (ch === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag === null) {
        out += ch;
        i += 1;
      } else {
        i = copyUntil(tag[0], i + tag[0].length);
      }
    } else {
      out += ch;
      i += 1;
    }
  }
  return { text: out, count };
}
