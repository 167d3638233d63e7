/**
 * An event-log append on PostgreSQL as one statement: the stream's head is bumped and the events are
 * inserted by one data-modifying CTE, which PostgreSQL runs atomically, so an append costs one round trip
 * and one commit instead of BEGIN, two writes and COMMIT. The head's row lock still serialises
 * concurrent appenders. With `expectedSeq` the head only moves when it is where the caller expects
 * (a conditional update, or an insert for a new stream); otherwise nothing is written and no row returns.
 */
import type { SqlValue } from './database.ts';

export interface PostgresAppend {
  sql: string;
  params: SqlValue[];
}

/** The statement for appending `encoded` (JSON texts) with their `types` at `time`; it returns each new seq. */
export function postgresAppend(stream: string, types: readonly string[], encoded: readonly string[], time: string, expectedSeq: number | undefined): PostgresAppend {
  const count = encoded.length;
  let head: string;
  let params: SqlValue[];
  if (expectedSeq === undefined) {
    head =
      'INSERT INTO event_streams (stream, last_seq, updated_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT (stream) DO UPDATE SET last_seq = event_streams.last_seq + excluded.last_seq, updated_at = excluded.updated_at RETURNING last_seq';
    params = [stream, count, time];
  } else if (expectedSeq === 0) {
    head = 'INSERT INTO event_streams (stream, last_seq, updated_at) VALUES (?, ?, ?) ON CONFLICT (stream) DO NOTHING RETURNING last_seq';
    params = [stream, count, time];
  } else {
    head = 'UPDATE event_streams SET last_seq = last_seq + ?, updated_at = ? WHERE stream = ? AND last_seq = ? RETURNING last_seq';
    params = [count, time, stream, expectedSeq];
  }
  // Placeholders in statement order: the head's, the select list's, then one row of VALUES per event.
  params.push(stream, count, time);
  encoded.forEach((data, i) => params.push(i + 1, types[i] as string, data));
  const rows = encoded.map(() => '(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT))').join(', ');
  const sql =
    `WITH head AS (${head}) ` +
    'INSERT INTO events (stream, seq, type, time, data) ' +
    'SELECT CAST(? AS TEXT), head.last_seq - CAST(? AS BIGINT) + v.i, v.type, CAST(? AS TEXT), v.data ' +
    `FROM head CROSS JOIN (VALUES ${rows}) AS v(i, type, data) RETURNING seq`;
  return { sql, params };
}
