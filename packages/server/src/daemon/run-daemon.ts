/**
 * Runs aetherd until SIGINT/SIGTERM: kernel, then gateway, then the discovery file; prints
 * `Aether listening on <url>` and, on first run, the one-time setup token. Stops in reverse order and
 * removes the discovery file. Shared by `aetherd` (main.ts) and `aether start`.
 */
import { mkdir } from 'node:fs/promises';
import { type Kernel, createKernel, isKernelError, loadConfig } from '@aether/kernel';
import { serverOptionsFrom } from '../options.ts';
import { type AetherServer, startServer } from '../server.ts';
import { DAEMON_USAGE, type DaemonFlags, UsageError, parseDaemonFlags } from './daemon-flags.ts';
import { discoveryPath, isAlive, readDiscovery, removeDiscovery, writeDiscovery } from './discovery.ts';

export interface DaemonIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Exit codes as for the CLI: 0 clean stop, 1 failure, 2 usage error. */
export async function runDaemon(argv: readonly string[], io: DaemonIo): Promise<number> {
  let flags: DaemonFlags;
  try {
    flags = parseDaemonFlags(argv);
  } catch (thrown) {
    io.err(`aetherd: ${(thrown as Error).message}`);
    return 2;
  }
  if (flags.help) {
    io.out(DAEMON_USAGE);
    return 0;
  }
  let kernel: Kernel | undefined;
  let server: AetherServer | undefined;
  try {
    const config = loadConfig({ ...(flags.config === undefined ? {} : { file: flags.config }), flags: { data_dir: flags.dataDir, host: flags.host, port: flags.port } });
    const options = serverOptionsFrom(flags);
    await mkdir(config.data_dir, { recursive: true, mode: 0o700 });
    const running = await readDiscovery(config.data_dir);
    if (running !== undefined && running.pid !== process.pid && isAlive(running.pid)) {
      io.err(`aetherd: another aetherd (pid ${running.pid}) already serves ${config.data_dir} at ${running.url}; stop it first, or use --data-dir`);
      return 1;
    }
    kernel = await createKernel(config);
    server = await startServer(kernel, options);
    await writeDiscovery(config.data_dir, { pid: process.pid, url: server.url, version: kernel.version });
    const status = await kernel.status();
    io.out(`Aether ${kernel.version} (bus ${status.backends.bus}, store ${status.backends.store}, data ${config.data_dir})`);
    io.out(`Aether listening on ${server.url}`);
    const setupToken = await kernel.identity.setup.prepare();
    if (setupToken !== undefined) {
      io.out('First run: no users exist yet. Create the first admin with this one-time setup token:');
      io.out(`  ${setupToken}`);
      io.out(`  aether setup --token ${setupToken} --user <name>     (asks for the password)`);
      io.out(`  or POST ${server.url}/api/v1/setup {"token":"…","user":"…","password":"…"}`);
      io.out(`  The token is also in ${kernel.identity.setup.file}; it stops working once the admin exists.`);
    }
    io.out('Press Ctrl+C to stop.');
  } catch (thrown) {
    await server?.close().catch(() => {});
    await kernel?.stop().catch(() => {});
    io.err(`aetherd: ${thrown instanceof UsageError || isKernelError(thrown) || thrown instanceof Error ? thrown.message : String(thrown)}`);
    return thrown instanceof UsageError ? 2 : 1;
  }
  return waitForSignal(kernel, server, io);
}

function waitForSignal(kernel: Kernel, server: AetherServer, io: DaemonIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        io.err(`aetherd: ${signal} again, exiting without waiting`);
        resolve(1);
        return;
      }
      stopping = true;
      io.out(`received ${signal}, stopping…`);
      (async () => {
        await server.close();
        await kernel.stop();
        await removeDiscovery(kernel.config.data_dir, process.pid);
      })().then(
        () => {
          io.out('stopped');
          resolve(0);
        },
        (thrown: unknown) => {
          io.err(`aetherd: shutdown failed: ${String(thrown)} (remove ${discoveryPath(kernel.config.data_dir)} if it is left)`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
