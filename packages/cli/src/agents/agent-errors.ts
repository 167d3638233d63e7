/**
 * Agent and approval failures with next steps: an unknown agent or approval points at the command that
 * lists them, and a daemon that does not serve `agent.*` / `approval.*` at all says so plainly instead
 * of "unknown topic".
 */
import { AetherError } from '@aether/sdk';
import { CliError } from '../errors.ts';

const HINTS: Partial<Record<string, string>> = {
  permission_denied: 'ask an admin for the capability named above (the user role holds agent.* and approval.*)',
  budget_exceeded: 'the budget of this agent (or yours) is spent: raise it in the manifest, or ask an admin',
  unauthenticated: 'log in with `aether login` (or set AETHER_TOKEN), then try again',
  payload_invalid: 'fix the fields named above (a manifest error names its field and line)',
  timeout: 'the daemon did not answer in time; check `aether status`',
  conflict: 'it was already decided or has ended: see `aether ps` and `aether approvals`',
};

function isUnknownTopic(error: AetherError): boolean {
  return error.code === 'not_found' && /^unknown (topic|method)/.test(error.message);
}

/** A failure of `topic`, as a CliError with a next step. */
export function agentError(thrown: unknown, topic: string): unknown {
  if (!(thrown instanceof AetherError)) return thrown;
  if (isUnknownTopic(thrown)) {
    return new CliError(1, `this aetherd does not serve ${topic}: its agent runtime is not running`, 'run a daemon whose kernel wires the agent runtime (check `aether status`)');
  }
  const missing = typeof thrown.details?.missing === 'string' ? ` (missing ${thrown.details.missing})` : '';
  const notFound = topic.startsWith('approval.') ? 'list pending approvals with `aether approvals`' : 'list your agents with `aether ps`';
  return new CliError(1, `${thrown.code}: ${thrown.message}${missing}`, thrown.code === 'not_found' ? notFound : HINTS[thrown.code]);
}

/** Calls `topic` through `call`, turning its failure into an agentError. */
export async function agentCall(
  call: (topic: string, payload?: Record<string, unknown>) => Promise<Record<string, unknown>>,
  topic: string,
  payload: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  try {
    return await call(topic, payload);
  } catch (thrown) {
    throw agentError(thrown, topic);
  }
}
