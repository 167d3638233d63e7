/**
 * The one repository test suite both adapters must pass (issue 2, item 6). `repositorySuite` takes a
 * factory that opens a fresh, migrated, isolated store per call (a temp SQLite file, or a PostgreSQL schema
 * of its own); each test opens one and closes it, so tests never see each other's rows.
 */
import { describe } from 'node:test';
import { auditSuite } from '../audit/audit-suite.ts';
import { databaseSuite } from './database-suite.ts';
import { eventLogSuite } from './event-log-suite.ts';
import { migrationSuite } from './migration-suite.ts';
import type { StoreFactory } from './with-store.ts';

export type { StoreFactory } from './with-store.ts';

export function repositorySuite(factory: StoreFactory): void {
  void describe('database', () => databaseSuite(factory));
  void describe('migrations', () => migrationSuite(factory));
  void describe('event log', () => eventLogSuite(factory));
  void describe('audit log', () => auditSuite(factory));
}
