/**
 * Running one approved, capability-checked tool call: the tool gets the agent's principal, the call's
 * idempotency key, the agent's abort signal and the service handles; what it returns (or the error it
 * throws) becomes the model-facing result — rendered, cut to the tool's limit and wrapped as untrusted
 * data. A KernelError keeps its code for the log; anything else is an internal error whose details stay
 * in the kernel's log, not in the model's context.
 */
import { KernelError, type ErrorCode } from '../../contracts/errors.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import type { ToolCallStatus } from '../state/agent-events.ts';
import type { Tool } from '../tools/tool.ts';
import { modelFacingOutput } from '../tools/tool-output.ts';
import type { LoopEnv } from './loop-env.ts';

export interface ToolResult {
  status: ToolCallStatus;
  output: string;
  code?: ErrorCode;
}

/** An error result for a call that did not run (or failed), as the model reads it. */
export function errorResult(tool: string, callId: string, code: ErrorCode, message: string): ToolResult {
  return { status: 'error', code, output: modelFacingOutput(tool, callId, `error (${code}): ${message}`, 8192, true) };
}

export async function runTool(
  process: AgentProcess,
  tool: Tool,
  input: Record<string, unknown>,
  call: { id: string; runId: string; key: string },
  env: LoopEnv,
): Promise<ToolResult> {
  const signal = process.controller.signal;
  try {
    const output = await tool.execute(input, {
      principal: process.principal,
      agentId: process.id,
      owner: process.owner,
      runId: call.runId,
      idempotencyKey: call.key,
      signal,
      services: env.services,
    });
    return { status: 'ok', output: modelFacingOutput(tool.name, call.id, output, tool.maxOutputBytes, false) };
  } catch (thrown) {
    // A stop interrupts the call; the loop ends the run as stopped rather than reporting a tool error.
    if (signal.aborted) throw new KernelError('cancelled', `agent ${process.id} was stopped during ${tool.name}`);
    if (thrown instanceof KernelError) return errorResult(tool.name, call.id, thrown.code, thrown.message);
    env.logger.error({ err: thrown, agent: process.id, tool: tool.name }, 'tool failed');
    return errorResult(tool.name, call.id, 'internal_error', `${tool.name} failed unexpectedly`);
  }
}
