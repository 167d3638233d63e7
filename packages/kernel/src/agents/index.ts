/**
 * The agent runtime (DESIGN §6): manifests, the process table and its `agent.*` contracts, the durable
 * loop, the tool interface other domains build tools on, and the runtime's own tools.
 */
export { AgentRuntime, type AgentRuntimeOptions } from './runtime/agent-runtime.ts';
export { registerAgentContracts } from './contracts/register-agent-contracts.ts';
export * as agentContracts from './contracts/agent-contracts.ts';
export { AGENT_EVENT_TOPIC, type OwnerCapabilities } from './runtime/runtime-core.ts';
export { AGENTS, type AgentsHandle } from './runtime/agents-handle.ts';
export { type AgentLimits, DEFAULT_AGENT_LIMITS } from './loop/loop-env.ts';
export { defineTool, serviceKey, ServiceMap, type ServiceKey, type Tool, type ToolContext, type ToolOutput, type ToolServices, type ToolSpec } from './tools/tool.ts';
export { ToolRegistry } from './tools/tool-registry.ts';
export { loadManifest, type ManifestSource, type TextReader } from './manifest/load-manifest.ts';
export { parseManifest } from './manifest/parse-manifest.ts';
export type { AgentManifest } from './manifest/manifest-schema.ts';
export { isTerminal, type AgentStatus, type WaitReason } from './state/agent-status.ts';
