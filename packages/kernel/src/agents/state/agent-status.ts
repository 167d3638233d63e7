/**
 * The states of an agent process (DESIGN §6): queued → running ⇄ waiting → completed | failed | stopped.
 * `waiting` says on what: the model answering, a person approving or answering, a child agent, the next
 * message (an idle persistent agent), or a pause. Terminal states are final; `isTerminal` is the one test.
 */
import type { ErrorCode } from '../../contracts/errors.ts';

export const AGENT_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'stopped'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const WAIT_REASONS = ['model', 'approval', 'human', 'child', 'message', 'paused'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export const TERMINAL_STATUSES: readonly AgentStatus[] = ['completed', 'failed', 'stopped'];

export function isTerminal(status: AgentStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'stopped';
}

/** Why an agent or a run ended other than by completing: a wire error code and a sentence. */
export interface EndReason {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}
