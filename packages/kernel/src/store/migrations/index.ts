/**
 * Every migration the kernel knows, in version order. A domain adds its schema by appending a file here;
 * versions are never renumbered or edited once released (add a new migration instead).
 */
import type { Migration } from '../migrations.ts';
import { eventsMigration } from './001-events.ts';
import { auditMigration } from './002-audit.ts';
import { identityMigration } from './003-identity.ts';
import { agentsMigration } from './004-agents.ts';
import { approvalRuleMigration } from './005-approval-rule.ts';
import { agentSummaryMigration } from './006-agent-summary.ts';

export const MIGRATIONS: readonly Migration[] = [eventsMigration, auditMigration, identityMigration, agentsMigration, approvalRuleMigration, agentSummaryMigration];
