/**
 * What every command gets: the global options, where output goes, and how to reach the daemon —
 * found through `<data dir>/aetherd.json` (DESIGN §12) unless `--url`/AETHER_URL says where it is.
 */
import { access, constants } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AetherClient } from '@aether/sdk';
import { type Discovery, isAlive, readDiscovery } from '@aether/server/discovery';
import { type Caller, sdkCaller, socketCaller } from './callers.ts';
import { credentialsPath, readCredential } from './credentials.ts';
import { CliError } from './errors.ts';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface GlobalOptions {
  dataDir: string;
  url: string | undefined;
  token: string | undefined;
  json: boolean;
}

export const SOCKET_FILE = 'aetherd.sock';

export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return env.AETHER_DATA_DIR !== undefined && env.AETHER_DATA_DIR !== '' ? env.AETHER_DATA_DIR : path.join(os.homedir(), '.aether');
}

export class CliContext {
  readonly options: GlobalOptions;
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly credentialsFile: string;

  constructor(options: GlobalOptions, io: Io, env: NodeJS.ProcessEnv) {
    this.options = options;
    this.io = io;
    this.env = env;
    this.credentialsFile = credentialsPath(env);
  }

  /** The daemon serving the data directory, when one is running. */
  async discovery(): Promise<Discovery | undefined> {
    const found = await readDiscovery(this.options.dataDir);
    return found !== undefined && isAlive(found.pid) ? found : undefined;
  }

  async url(): Promise<string> {
    const explicit = this.options.url ?? nonEmpty(this.env.AETHER_URL);
    if (explicit !== undefined) return explicit.replace(/\/+$/, '');
    const found = await this.discovery();
    if (found === undefined) {
      throw new CliError(1, `no aetherd is running for ${this.options.dataDir}`, 'start one with `aether start`, or point at one with --url / --data-dir');
    }
    return found.url;
  }

  async token(url: string): Promise<string | undefined> {
    return this.options.token ?? nonEmpty(this.env.AETHER_TOKEN) ?? (await readCredential(this.credentialsFile, url))?.token;
  }

  /**
   * A caller for the daemon: with a token when there is one; else through the local socket when this
   * account can open it (the host operator); else without credentials (public contracts only).
   */
  async caller(): Promise<Caller> {
    const url = await this.url();
    const token = await this.token(url);
    if (token !== undefined) return sdkCaller(url, token);
    const socket = path.join(this.options.dataDir, SOCKET_FILE);
    const local = this.options.url === undefined && (await access(socket, constants.R_OK | constants.W_OK).then(() => true, () => false));
    return local ? socketCaller(socket) : sdkCaller(url, undefined);
  }

  /**
   * A client that can subscribe, for commands that stream (`vm run`, `run`, `logs -f`): events travel
   * only over the WebSocket, which needs a token; the local socket carries calls, not events. It
   * reconnects by itself and resumes its streams from their cursors.
   */
  async streamingClient(what: string): Promise<AetherClient> {
    const url = await this.url();
    const token = await this.token(url);
    if (token === undefined) throw new CliError(1, `${what} streams events, which needs a login`, 'run `aether login` (or set AETHER_TOKEN), then try again');
    return AetherClient.connect({ url, token });
  }

  /** Runs `work` with a caller and closes it afterwards. */
  async withCaller<T>(work: (caller: Caller) => Promise<T>): Promise<T> {
    const caller = await this.caller();
    try {
      return await work(caller);
    } finally {
      caller.close();
    }
  }

  /** Prints a result: JSON with --json, else the human lines. */
  print(json: unknown, human: string | readonly string[]): void {
    if (this.options.json) this.io.out(JSON.stringify(json, null, 2));
    else for (const line of typeof human === 'string' ? [human] : human) this.io.out(line);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
