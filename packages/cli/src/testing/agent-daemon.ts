/**
 * A daemon that runs agents on the scripted model, for the CLI's agent tests: a real kernel and the real
 * server (HTTP, /ws) on an ephemeral port, with the agent runtime and the approval contracts wired in the
 * way packages/kernel/src/agents/testing/agent-kernel.ts does (aetherd's composition root does not wire
 * them yet), the AI SDK mock model playing `turns`, and a user, alice, with the `user` role. The CLI
 * reaches it with AETHER_URL and logs in like anyone else.
 *
 * The kernel's agent runtime, approvals and scripted model are not exported by @aether/kernel (its
 * package.json exports only its index), so they are imported by path inside the workspace.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema, type Kernel, createKernel, silentLogger } from '@aether/kernel';
import { type AetherServer, ServerOptionsSchema, startServer } from '@aether/server';
import type { Tool } from '../../../kernel/src/agents/index.ts';
import { scriptedGateway } from '../../../kernel/src/models/testing/scripted-gateway.ts';
import type { ScriptedModel, ScriptedTurn } from '../../../kernel/src/models/testing/scripted-model.ts';
import { runAether } from '../testing.ts';

export { recorder } from '../../../kernel/src/agents/testing/test-tools.ts';
export type { ScriptedTurn };

const PASSWORD = 'alice has a long password';

export interface AgentDaemon {
  kernel: Kernel;
  model: ScriptedModel;
  url: string;
  /** A scratch directory for local files. */
  dir: string;
  /** The environment for `aether …` as alice (logged in). */
  alice: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

export async function startAgentDaemon(turns: readonly ScriptedTurn[], tools: readonly Tool[] = []): Promise<AgentDaemon> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'aether-cli-agents-'));
  const scripted = scriptedGateway(turns);
  const config = ConfigSchema.parse({ data_dir: path.join(root, 'data'), port: 0, compute: { wasi: { pool_size: 0 } } });
  const kernel = await createKernel(config, { logger: silentLogger(), env: {}, agents: { models: scripted.gateway, tools } });
  let server: AetherServer | undefined;
  const dispose = async (): Promise<void> => {
    await server?.close();
    await kernel.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    server = await startServer(kernel, ServerOptionsSchema.parse({ unix_socket: false }));
    await kernel.identity.users.createUser({ name: 'alice', password: PASSWORD, role: 'user' });
    const alice = { AETHER_URL: server.url, AETHER_DATA_DIR: path.join(root, 'cli'), AETHER_CREDENTIALS: path.join(root, 'alice.json') };
    const login = await runAether(['login', '--user', 'alice', '--password-stdin'], alice, `${PASSWORD}\n`);
    if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
    await mkdir(path.join(root, 'work'));
    return { kernel, model: scripted.model, url: server.url, dir: path.join(root, 'work'), alice, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
