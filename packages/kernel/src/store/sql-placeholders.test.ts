/**
 * `?` → `$n` for PostgreSQL: placeholders are numbered in order; question marks in literals, quoted
 * identifiers, comments and dollar-quoted bodies are not placeholders.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPostgresPlaceholders } from './sql-placeholders.ts';

void describe('toPostgresPlaceholders', () => {
  void it('numbers placeholders in order', () => {
    assert.deepEqual(toPostgresPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?'), {
      text: 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4',
      count: 4,
    });
  });

  void it('leaves question marks in string literals and quoted identifiers alone, including escaped quotes', () => {
    assert.deepEqual(toPostgresPlaceholders(`SELECT 'it''s ?', "col?""x" FROM t WHERE a = ?`), {
      text: `SELECT 'it''s ?', "col?""x" FROM t WHERE a = $1`,
      count: 1,
    });
  });

  void it('leaves comments and dollar-quoted bodies alone', () => {
    const sql = 'SELECT ? -- why?\n, /* what? */ ? , $$ body ? $$, $fn$ x ? $fn$, ?';
    assert.deepEqual(toPostgresPlaceholders(sql), {
      text: 'SELECT $1 -- why?\n, /* what? */ $2 , $$ body ? $$, $fn$ x ? $fn$, $3',
      count: 3,
    });
  });

  void it('copies unterminated literals and comments through without inventing placeholders', () => {
    assert.deepEqual(toPostgresPlaceholders("SELECT 'open ?"), { text: "SELECT 'open ?", count: 0 });
    assert.deepEqual(toPostgresPlaceholders('SELECT ? /* open ?'), { text: 'SELECT $1 /* open ?', count: 1 });
  });
});
