/**
 * Everything one guest's WASI imports share: its memory, its descriptor table, its arguments and
 * environment (encoded once), and the standard streams. Built once per guest inside the worker; the
 * preopens become descriptors 3, 4, … in the order given, as other runtimes do.
 */
import fs from 'node:fs';
import type { ConfinedRoot } from '../../../vfs/confined/confined-root.ts';
import type { StdinReader } from '../stdin-channel.ts';
import { DIRECTORY_RIGHTS, FILE_RIGHTS, Filetype, MUTATING_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS } from './abi.ts';
import { entry, FdTable } from './fd-table.ts';
import { encode, GuestMemory } from './memory.ts';

/** Where guest output goes; `write` may throw to stop the guest (an output limit). */
export interface GuestOutput {
  write(stream: 'stdout' | 'stderr', bytes: Uint8Array): void;
}

export interface GuestPreopen {
  /** The name the guest sees (fd_prestat_dir_name). */
  guest: string;
  root: ConfinedRoot;
}

export interface WasiContextOptions {
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  preopens: readonly GuestPreopen[];
  stdin: StdinReader;
  output: GuestOutput;
  /** Report the standard streams as a terminal (character device) rather than a pipe. */
  tty?: boolean;
}

export class WasiContext {
  readonly memory = new GuestMemory();
  readonly fds = new FdTable();
  /** NUL-terminated, as args_get hands them out. */
  readonly args: Uint8Array[];
  readonly env: Uint8Array[];
  readonly stdin: StdinReader;
  readonly output: GuestOutput;

  constructor(options: WasiContextOptions) {
    this.args = options.args.map((arg) => encode(`${arg}\0`));
    this.env = Object.entries(options.env).map(([name, value]) => encode(`${name}=${value}\0`));
    this.stdin = options.stdin;
    this.output = options.output;
    const streamType = options.tty === true ? Filetype.CHARACTER_DEVICE : Filetype.UNKNOWN;
    this.fds.add(entry({ kind: 'stdin', filetype: streamType, rightsBase: STDIN_RIGHTS, rightsInheriting: 0n }));
    this.fds.add(entry({ kind: 'stdout', filetype: streamType, rightsBase: STDOUT_RIGHTS, rightsInheriting: 0n }));
    this.fds.add(entry({ kind: 'stderr', filetype: streamType, rightsBase: STDOUT_RIGHTS, rightsInheriting: 0n }));
    for (const preopen of options.preopens) {
      const mask = preopen.root.readOnly ? ~MUTATING_RIGHTS : ~0n;
      this.fds.add(
        entry({
          kind: 'directory',
          filetype: Filetype.DIRECTORY,
          rightsBase: DIRECTORY_RIGHTS & mask,
          rightsInheriting: (DIRECTORY_RIGHTS | FILE_RIGHTS) & mask,
          hostFd: preopen.root.open('.', fs.constants.O_RDONLY | fs.constants.O_DIRECTORY),
          root: preopen.root,
          preopenName: preopen.guest,
        }),
      );
    }
  }
}
