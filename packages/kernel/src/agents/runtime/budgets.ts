/**
 * A run's budget ledger (the gateway reserves and settles each model call in it atomically): the
 * manifest's token and cost limits less what the run already spent (a resumed run keeps its spending),
 * drawing on the parent agent's current run ledger, so a child can never spend past its parent's budget.
 */
import { BudgetLedger } from '../../models/budget-ledger.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { ProcessTable } from './process-table.ts';

export function budgetFor(process: AgentProcess, table: ProcessTable): BudgetLedger {
  const { budget } = process.state.info.manifest;
  const run = process.state.run;
  const spentTokens = run?.tokens ?? 0;
  const spentCost = run?.costUsd ?? 0;
  const limits = {
    ...(budget.tokens === undefined ? {} : { maxTokens: Math.max(0, budget.tokens - spentTokens) }),
    ...(budget.costUsd === undefined ? {} : { maxCostUsd: Math.max(0, budget.costUsd - spentCost) }),
  };
  const parentId = process.state.info.parentId;
  const parent = parentId === undefined ? undefined : table.get(parentId)?.ledger;
  return new BudgetLedger(limits, { name: `agent ${process.id} run ${run?.runId ?? ''}`, ...(parent === undefined ? {} : { parent }) });
}
