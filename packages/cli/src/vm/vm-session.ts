/**
 * One `aether vm run` against the daemon: subscribe to `vm.*` before spawning (so no event is missed),
 * spawn, then play the vm's stream in order — stdout and stderr bytes to ours, `vm.error` reasons to
 * stderr — until `vm.exit`, whose status becomes the exit code. Local standard input is forwarded;
 * Ctrl-C kills the vm (a second Ctrl-C leaves without waiting); with a tty, keys go to the vm raw and
 * window size changes follow it.
 */
import { type AetherClient, AetherError, type Envelope } from '@aether/sdk';
import type { Io } from '../context.ts';
import { CliError } from '../errors.ts';
import { flushed, stderr, stdout, writeAll } from '../terminal.ts';
import { type Stoppable, forwardInput, rawTerminal } from './local-input.ts';
import { exitCodeOf } from './vm-options.ts';
import { bytesOf } from './wire-data.ts';

export interface SessionOptions {
  request: Record<string, unknown>;
  /** Forward this process's standard input (else the vm's input ends at once). */
  stdin: boolean;
  /** Raw terminal and window size (the request carries `tty`). */
  tty: boolean;
}

const SPAWN_HINTS: Partial<Record<string, string>> = {
  unsupported_backend: "the daemon's host cannot run this backend (sandboxes need bubblewrap there); a .wasm module runs anywhere",
  permission_denied: 'ask an admin for the capability named above (vm.spawn:<backend>, vm.net for --net)',
  resource_exceeded: 'too many vms, or a limit above what you may ask for: see `aether vm ps`, or ask for less',
  not_found: 'check the module or --cwd path with `aether fs ls`',
};

function spawnError(thrown: unknown): unknown {
  if (!(thrown instanceof AetherError)) return thrown;
  const missing = typeof thrown.details?.missing === 'string' ? ` (missing ${thrown.details.missing})` : '';
  return new CliError(1, `${thrown.code}: ${thrown.message}${missing}`, SPAWN_HINTS[thrown.code]);
}

export async function runSession(client: AetherClient, io: Io, options: SessionOptions): Promise<number> {
  let vmId: string | undefined;
  const early: Envelope[] = [];
  let output: Promise<void> = Promise.resolve();
  let breach: string | undefined;
  let interrupted = false;
  let leaving = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const later = (work: () => Promise<void> | void): void => {
    output = output.then(work).catch(() => undefined);
  };

  const handle = (envelope: Envelope): void => {
    const event = envelope.payload ?? {};
    if (envelope.topic === 'vm.stdout') later(() => writeAll(stdout(), bytesOf(event)));
    else if (envelope.topic === 'vm.stderr') later(() => writeAll(stderr(), bytesOf(event)));
    else if (envelope.topic === 'vm.error') {
      breach = String(event.code);
      later(() => io.err(`aether: ${String(event.code)}: ${String(event.error)}`));
    } else if (envelope.topic === 'vm.exit') {
      later(() => {
        const code = typeof event.code === 'number' ? event.code : null;
        const signal = typeof event.signal === 'string' ? event.signal : null;
        const reason = typeof event.reason === 'string' ? event.reason : undefined;
        if (breach === undefined && typeof event.message === 'string') io.err(`aether: the vm ended: ${event.message}`);
        finish(interrupted && code === null ? 130 : exitCodeOf({ code, signal, reason, breach }));
      });
    }
  };
  const onEvent = (envelope: Envelope): void => {
    const id = envelope.payload?.vmId;
    if (typeof id !== 'string') return;
    if (vmId === undefined) early.push(envelope);
    else if (id === vmId) handle(envelope);
  };

  const kill = (): void => {
    if (vmId !== undefined) void client.request('vm.kill', { vmId }).catch(() => undefined);
  };
  const onInterrupt = (): void => {
    if (interrupted) {
      leaving = true;
      return finish(130);
    }
    interrupted = true;
    io.err(`aether: stopping the vm (Ctrl-C again to leave without waiting)`);
    kill();
  };
  const onTerminate = (): void => {
    interrupted = true;
    kill();
  };

  await client.subscribe('vm.*', onEvent, { onGap: () => io.err('aether: some output of the vm is no longer kept and was missed') });
  // Best effort: a token without topic.subscribe:bus.dropped just is not told.
  await client.subscribe('bus.dropped', () => io.err('aether: the daemon dropped some output because this terminal read it too slowly')).catch(() => undefined);
  process.on('SIGINT', onInterrupt).on('SIGTERM', onTerminate).on('SIGHUP', onTerminate);
  const local: Stoppable[] = [];
  try {
    try {
      vmId = String((await client.request('vm.spawn', options.request)).vmId);
    } catch (thrown) {
      throw spawnError(thrown);
    }
    if (interrupted) kill();
    for (const envelope of early.splice(0)) if (envelope.payload?.vmId === vmId) handle(envelope);
    const id = vmId;
    if (options.tty) {
      local.push(rawTerminal(process.stdin, process.stdout, (size) => void client.request('vm.resize', { vmId: id, ...size }).catch(() => undefined)));
    }
    if (options.stdin) local.push(forwardInput(process.stdin, (payload) => client.request('vm.stdin', { vmId: id, ...payload })));
    const code = await finished;
    if (!leaving) {
      await output;
      await flushed(stdout());
    }
    return code;
  } finally {
    // The subscriptions end with the client, which the caller closes.
    for (const part of local) part.stop();
    process.off('SIGINT', onInterrupt).off('SIGTERM', onTerminate).off('SIGHUP', onTerminate);
  }
}
