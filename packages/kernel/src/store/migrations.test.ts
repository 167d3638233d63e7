/**
 * A migration list must be well formed before anything touches a database: strictly increasing versions
 * from 1 and SQL for both dialects. (Applying, re-running and refusing newer schemas is in the shared
 * repository suite, against both engines.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Migration, validateMigrations } from './migrations.ts';
import { MIGRATIONS } from './migrations/index.ts';

const m = (version: number, sqlite = ['SELECT 1'], postgres = ['SELECT 1']): Migration => ({ version, name: `m${version}`, sqlite, postgres });

void describe('validateMigrations', () => {
  void it('accepts the kernel’s own list', () => {
    assert.doesNotThrow(() => validateMigrations(MIGRATIONS));
  });

  void it('refuses versions that repeat, go backwards or start below 1', () => {
    assert.throws(() => validateMigrations([m(1), m(1)]), /out of order/);
    assert.throws(() => validateMigrations([m(2), m(1)]), /out of order/);
    assert.throws(() => validateMigrations([m(0)]), /out of order/);
    assert.throws(() => validateMigrations([m(1.5)]), /out of order/);
  });

  void it('refuses a migration without SQL for one dialect', () => {
    assert.throws(() => validateMigrations([m(1, [])]), /both sqlite and postgres/);
    assert.throws(() => validateMigrations([m(1, ['SELECT 1'], [])]), /both sqlite and postgres/);
  });
});
