/**
 * Per-process rlimits, applied inside the sandbox by util-linux `prlimit` as an argv prefix: prlimit sets
 * the limits on itself and execs the command, so every process of the tree inherits them. No shell is
 * involved. RLIMIT_NPROC is counted per user namespace on Linux ≥ 5.14, and every sandbox has its own,
 * so it bounds the processes of this sandbox alone (verified here with two concurrent sandboxes).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { KernelError } from '../../contracts/errors.ts';
import type { SandboxLimits } from './types.ts';

/** Inside the sandbox /usr is the host's /usr, bound read-only. */
export const PRLIMIT = '/usr/bin/prlimit';

/** Grace between the CPU soft limit (SIGXCPU) and the hard one (SIGKILL). */
const CPU_GRACE_SECONDS = 1;

export function rlimitPrefix(limits: SandboxLimits): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    PRLIMIT,
    `--cpu=${cpu}:${cpu + CPU_GRACE_SECONDS}`,
    `--as=${limits.memoryBytes}`,
    `--fsize=${limits.fileBytes}`,
    `--nproc=${limits.processes}`,
    '--core=0',
    '--',
  ];
}

let checked: Promise<void> | undefined;

/** prlimit must exist on the host's /usr; without it we cannot promise rlimits, so no sandbox. */
export function checkPrlimit(): Promise<void> {
  checked ??= access(PRLIMIT, constants.X_OK).catch((cause: unknown) => {
    throw new KernelError('unsupported_backend', 'sandbox backend unavailable: util-linux prlimit is missing', { backend: 'sandbox' }, { cause });
  });
  return checked;
}
