/**
 * Moving file content over `vfs:read` / `vfs:write`, binary-safe and in chunks: a file of any size goes
 * as a replace of the first chunk and offset writes of the rest, and comes back as offset reads until
 * `eof`. Each chunk travels as UTF-8 when it is text that encodes compactly, else as base64. The chunk
 * size is the server's own maximum (read from its OpenAPI document), shrunk if a write is still too large.
 */
import { isUtf8 } from 'node:buffer';
import { isAetherError } from '@aether/sdk';
import type { Caller } from '../callers.ts';

/** The documented maximum (vfs:read / vfs:write), used when the daemon's document cannot be read. */
export const DEFAULT_CHUNK_BYTES = 512 * 1024;
const MIN_CHUNK_BYTES = 4 * 1024;

function dig(value: unknown, keys: readonly string[], root: unknown): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null) return undefined;
    const ref = (at as Record<string, unknown>).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/')) at = dig(root, ref.slice(2).split('/'), root);
    at = (at as Record<string, unknown> | undefined)?.[key];
  }
  return at;
}

const READ_LENGTH = ['paths', '/api/v1/vfs:read', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties', 'length', 'maximum'];

/** The largest chunk the daemon at `url` takes in one call, bytes. */
export async function serverChunkBytes(url: string): Promise<number> {
  try {
    const response = await fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(10_000) });
    if (response.ok) {
      const document: unknown = await response.json();
      const max = dig(document, READ_LENGTH, document);
      if (typeof max === 'number' && Number.isInteger(max) && max >= MIN_CHUNK_BYTES) return max;
    }
  } catch {
    // An older daemon or a proxy in between: the documented size it is.
  }
  return DEFAULT_CHUNK_BYTES;
}

/** Wire form of one chunk: text as UTF-8 when that is not larger than base64, anything else as base64. */
export function wireContent(bytes: Buffer): { content: string; encoding: 'utf8' | 'base64' } {
  const base64 = bytes.toString('base64');
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    // JSON escapes control characters (\u0000 is six characters): only send text that stays compact.
    if (JSON.stringify(text).length <= base64.length + 2) return { content: text, encoding: 'utf8' };
  }
  return { content: base64, encoding: 'base64' };
}

export interface UploadOptions {
  chunkBytes: number;
  createParents: boolean;
}

/** Writes everything `source` yields to `dest` (replacing it); resolves with the bytes written. */
export async function upload(caller: Caller, dest: string, source: AsyncIterable<Uint8Array>, options: UploadOptions): Promise<number> {
  let limit = Math.max(MIN_CHUNK_BYTES, options.chunkBytes);
  let written = 0;
  const send = async (piece: Buffer): Promise<void> => {
    let at = 0;
    do {
      const part = piece.subarray(at, at + limit);
      const where = written === 0 ? { createParents: options.createParents } : { offset: written };
      try {
        await caller.call('vfs:write', { path: dest, ...wireContent(part), ...where });
      } catch (thrown) {
        if (!isAetherError(thrown, 'payload_too_large') || limit <= MIN_CHUNK_BYTES) throw thrown;
        const said = thrown.details?.limit;
        limit = Math.max(MIN_CHUNK_BYTES, Math.min(typeof said === 'number' && said < limit ? said : limit, Math.floor(limit / 2)));
        continue;
      }
      at += part.length;
      written += part.length;
    } while (at < piece.length);
  };
  let pending = Buffer.alloc(0);
  for await (const data of source) {
    pending = pending.length === 0 ? Buffer.from(data) : Buffer.concat([pending, data]);
    while (pending.length >= limit) {
      await send(pending.subarray(0, limit));
      pending = pending.subarray(limit);
    }
  }
  if (pending.length > 0 || written === 0) await send(pending);
  return written;
}

/** Reads `src` chunk by chunk into `sink`; resolves with the bytes read. */
export async function download(caller: Caller, src: string, sink: (bytes: Buffer) => Promise<void>): Promise<number> {
  let offset = 0;
  for (;;) {
    const reply = await caller.call('vfs:read', { path: src, encoding: 'base64', offset });
    const data = Buffer.from(typeof reply.content === 'string' ? reply.content : '', 'base64');
    if (data.length > 0) await sink(data);
    offset += data.length;
    if (reply.eof === true) return offset;
    if (data.length === 0) throw new Error(`the daemon sent no data at offset ${offset} of ${src} and did not say the file ended`);
  }
}
