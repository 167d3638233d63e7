/**
 * The tools the agent runtime itself provides: spawning children, messaging agents, asking a person.
 * The file, compute and web tools live with the services they use and are passed to the runtime.
 */
import type { Tool } from '../tool.ts';
import { askHumanTool } from './ask-human.ts';
import { sendMessageTool } from './send-message.ts';
import { spawnAgentTool } from './spawn-agent.ts';
import { spawnAgentsTool } from './spawn-agents.ts';

export function builtinTools(): Tool[] {
  return [spawnAgentTool, spawnAgentsTool, sendMessageTool, askHumanTool];
}

export { askHumanTool, sendMessageTool, spawnAgentTool, spawnAgentsTool };
