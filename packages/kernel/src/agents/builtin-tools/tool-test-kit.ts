/**
 * For the tools' tests: a real test kernel (its VFS and compute service), the handles the tools use,
 * agent principals with chosen capabilities, and `call`, which runs a tool call the way the agent loop
 * does — arguments validated against the tool's schema, `tool.use:<name>` and the tool's capability
 * checked, then execute — and returns what the model would read: the rendered output cut to the tool's
 * limit, or the error text with its code.
 */
import type { ErrorCode } from '../../contracts/errors.ts';
import { KernelError } from '../../contracts/errors.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal, type Principal } from '../../security/principal.ts';
import { startTestKernel, type TestKernel } from '../../testing/kernel.ts';
import { checkCall } from '../loop/plan-calls.ts';
import { ServiceMap, type Tool } from '../tools/tool.ts';
import { renderOutput, truncateOutput } from '../tools/tool-output.ts';
import { ToolRegistry } from '../tools/tool-registry.ts';
import { systemTools } from './index.ts';
import { VFS, VM_RUNNER } from './services.ts';
import { ComputeVmRunner } from './vm-runner.ts';

export interface CallResult {
  ok: boolean;
  /** What the model reads (before the loop wraps it as untrusted data). */
  text: string;
  code?: ErrorCode;
}

export interface ToolKit {
  kernel: TestKernel;
  services: ServiceMap;
  /** An agent of alice's holding `tool.use:*` and `capabilities`. */
  agent(name: string, capabilities: readonly string[]): Principal;
  /** alice herself: the user role's rights on her home. */
  alice: Principal;
  call(tool: Tool, args: unknown, principal: Principal, signal?: AbortSignal): Promise<CallResult>;
  dispose(): Promise<void>;
}

export async function startToolKit(): Promise<ToolKit> {
  const kernel = await startTestKernel();
  const runner = new ComputeVmRunner({ compute: kernel.compute, bus: kernel.bus });
  const services = new ServiceMap().provide(VFS, kernel.vfs).provide(VM_RUNNER, runner);
  const registry = new ToolRegistry(systemTools());
  const alice = makePrincipal('user', 'alice', CapabilitySet.of(['fs.*:/home/alice/**', 'vm.spawn:*', 'tool.use:*']));
  return {
    kernel,
    services,
    alice,
    agent: (name, capabilities) => makePrincipal('agent', name, CapabilitySet.of(['tool.use:*', ...capabilities]), alice.id),
    async call(tool, args, principal, signal = new AbortController().signal) {
      const parsed = registry.parse(tool, args);
      if (!parsed.ok) return { ok: false, code: 'payload_invalid', text: parsed.error };
      const denied = checkCall(principal, tool.name, tool.capability(parsed.input));
      if (denied !== undefined) return { ok: false, code: denied.code, text: denied.message };
      const ctx = { principal, agentId: principal.name, owner: alice.id, runId: 'r1', idempotencyKey: 'r1:1:c1', signal, services };
      try {
        return { ok: true, text: truncateOutput(renderOutput(await tool.execute(parsed.input, ctx)), tool.maxOutputBytes).text };
      } catch (thrown) {
        if (!(thrown instanceof KernelError)) throw thrown;
        return { ok: false, code: thrown.code, text: `error (${thrown.code}): ${thrown.message}` };
      }
    },
    async dispose() {
      runner.close();
      await kernel.dispose();
    },
  };
}

/** Writes `files` (path → text) as alice. */
export async function seed(kit: ToolKit, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await kit.kernel.vfs.write(kit.alice, path, typeof content === 'string' ? Buffer.from(content) : content, { createParents: true });
  }
}

/** The text of `path`, read as alice. */
export async function contentOf(kit: ToolKit, path: string): Promise<string> {
  return (await kit.kernel.vfs.read(kit.alice, path)).data.toString('utf8');
}
