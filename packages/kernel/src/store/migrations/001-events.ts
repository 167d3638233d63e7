/**
 * The durable event log (DESIGN §1.3): `events` holds every event keyed by (stream, seq); `event_streams`
 * holds one row per stream with its last seq, which is both the append counter (its row lock serialises
 * appenders of one stream on PostgreSQL) and the index for listing streams. Stream names are compared
 * bytewise (COLLATE "C") so prefix ranges mean the same in both dialects.
 */
import type { Migration } from '../migrations.ts';

export const eventsMigration: Migration = {
  version: 1,
  name: 'events',
  sqlite: [
    `CREATE TABLE events (
       stream TEXT NOT NULL,
       seq INTEGER NOT NULL,
       type TEXT NOT NULL,
       time TEXT NOT NULL,
       data TEXT NOT NULL,
       PRIMARY KEY (stream, seq)
     ) WITHOUT ROWID`,
    `CREATE TABLE event_streams (
       stream TEXT NOT NULL PRIMARY KEY,
       last_seq INTEGER NOT NULL,
       updated_at TEXT NOT NULL
     ) WITHOUT ROWID`,
  ],
  postgres: [
    `CREATE TABLE events (
       stream TEXT COLLATE "C" NOT NULL,
       seq BIGINT NOT NULL,
       type TEXT NOT NULL,
       time TEXT NOT NULL,
       data TEXT NOT NULL,
       PRIMARY KEY (stream, seq)
     )`,
    `CREATE TABLE event_streams (
       stream TEXT COLLATE "C" NOT NULL PRIMARY KEY,
       last_seq BIGINT NOT NULL,
       updated_at TEXT NOT NULL
     )`,
  ],
};
