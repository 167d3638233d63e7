/**
 * File errors as a person reads them: the daemon's wire code, the full VFS path (the daemon names paths
 * inside their mount), and a next step that fits the code: look around with `fs ls`, ask for a
 * capability, free quota, or say --force.
 */
import { AetherError } from '@aether/sdk';
import { CliError } from '../errors.ts';
import { parentOf } from './vfs-paths.ts';

function hintFor(error: AetherError, vfsPath: string): string | undefined {
  const missing = typeof error.details?.missing === 'string' ? error.details.missing : undefined;
  switch (error.code) {
    case 'not_found':
      return `see what is there with \`aether fs ls ${parentOf(vfsPath)}\``;
    case 'permission_denied':
      return `${missing === undefined ? 'you hold no capability for this path' : `this needs ${missing}`}; use a path under your home (\`aether fs ls ~\`), or ask an admin for the capability`;
    case 'resource_exceeded':
      return 'the quota of this mount is used up: remove files with `aether fs rm`, or ask an admin for a larger quota';
    case 'conflict':
      return error.details?.errno === 'EEXIST' ? 'it already exists: pass --force to replace it' : undefined;
    case 'payload_invalid':
      if (error.details?.errno === 'ENOTDIR') return `a part of ${vfsPath} is a file, not a directory`;
      if (error.details?.errno === 'EISDIR') return `${vfsPath} is a directory: list it with \`aether fs ls ${vfsPath}\``;
      return undefined;
    case 'unauthenticated':
      return 'log in with `aether login` (or set AETHER_TOKEN), then try again';
    case 'connection_failed':
      return 'is aetherd running? start it with `aether start`, or check --url / --data-dir';
    default:
      return undefined;
  }
}

/** The daemon names paths relative to their mount (`/a.txt`); say the full VFS path instead. */
function fullPathMessage(error: AetherError, vfsPath: string): string {
  const inMount = error.details?.path;
  if (typeof inMount !== 'string' || inMount === vfsPath || !vfsPath.endsWith(inMount)) return error.message;
  return error.message.endsWith(inMount) ? `${error.message.slice(0, -inMount.length)}${vfsPath}` : error.message;
}

/** A failure of a file command, as a CliError with a next step; anything else passes through. */
export function fsError(thrown: unknown, vfsPath: string): unknown {
  if (!(thrown instanceof AetherError)) return thrown;
  const missing = typeof thrown.details?.missing === 'string' ? ` (missing ${thrown.details.missing})` : '';
  return new CliError(1, `${thrown.code}: ${fullPathMessage(thrown, vfsPath)}${missing}`, hintFor(thrown, vfsPath));
}

/** Runs one file operation on `vfsPath`, turning its failure into an fsError. */
export async function onPath<T>(vfsPath: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (thrown) {
    throw fsError(thrown, vfsPath);
  }
}
