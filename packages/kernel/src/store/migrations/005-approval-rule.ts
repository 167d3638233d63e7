/**
 * Approvals record the rule that asked for them (an `approval_required` entry, or the tool's own
 * policy), so the person deciding sees why they are asked. Null for questions and older rows.
 */
import type { Migration } from '../migrations.ts';

export const approvalRuleMigration: Migration = {
  version: 5,
  name: 'approval-rule',
  sqlite: ['ALTER TABLE approvals ADD COLUMN rule TEXT'],
  postgres: ['ALTER TABLE approvals ADD COLUMN rule TEXT'],
};
