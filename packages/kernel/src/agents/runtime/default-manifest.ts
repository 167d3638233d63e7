/**
 * The agent `agent.spawn_and_run` starts when no manifest is given (`aether run "<goal>"`): a general
 * assistant offered every tool the kernel has, holding what the caller holds (narrowed from the caller,
 * like any spawn, so it can never exceed them).
 */
import type { Principal } from '../../security/principal.ts';

export const DEFAULT_AGENT_NAME = 'assistant';

const PROMPT =
  'You are an agent running on Aether for the person who started you. Work towards their goal step by step with the tools you have, ' +
  'check results before relying on them, and finish with a concise answer that says what you did. If a tool is denied, explain what ' +
  'permission is missing instead of working around it.';

export function defaultManifest(caller: Principal, tools: readonly string[]): Record<string, unknown> {
  return {
    name: DEFAULT_AGENT_NAME,
    description: 'A general assistant with the caller’s rights',
    system_prompt: PROMPT,
    capabilities: caller.capabilities.list(),
    tools: [...tools],
  };
}
