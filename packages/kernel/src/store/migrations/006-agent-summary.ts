/**
 * The agents table keeps a summary of each agent beside its status (model, runs, tokens and cost, why it
 * ended), refreshed with the status, so `agent.list` and `agent.status` show what an ended agent did
 * without replaying its log. JSON text; null until the first status change and for older rows.
 */
import type { Migration } from '../migrations.ts';

export const agentSummaryMigration: Migration = {
  version: 6,
  name: 'agent-summary',
  sqlite: ['ALTER TABLE agents ADD COLUMN summary TEXT'],
  postgres: ['ALTER TABLE agents ADD COLUMN summary TEXT'],
};
