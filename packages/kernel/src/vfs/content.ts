/**
 * File content on the wire: binary-safe as base64, or text as UTF-8. One chunk is at most
 * MAX_CHUNK_BYTES raw bytes, which keeps a base64 frame under the default 1 MiB frame limit; larger files
 * move in several calls (`offset`/`length` on read, `append`/`offset` on write). A UTF-8 chunk that would
 * end inside a character ends before it instead, so chunks always decode.
 */
import { KernelError } from '../contracts/errors.ts';

export const MAX_CHUNK_BYTES = 512 * 1024;
/** Longest base64 text of one chunk. */
export const MAX_CHUNK_BASE64 = Math.ceil(MAX_CHUNK_BYTES / 3) * 4;

export type Encoding = 'utf8' | 'base64';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of wire content; payload_invalid for malformed base64, payload_too_large beyond one chunk. */
export function decodeContent(content: string, encoding: Encoding): Buffer {
  let data: Buffer;
  if (encoding === 'base64') {
    if (content.length % 4 !== 0 || !BASE64.test(content)) throw new KernelError('payload_invalid', 'content is not valid base64');
    data = Buffer.from(content, 'base64');
  } else {
    data = Buffer.from(content, 'utf8');
  }
  if (data.length > MAX_CHUNK_BYTES) {
    throw new KernelError('payload_too_large', `one write carries at most ${MAX_CHUNK_BYTES} bytes; send the rest with offset or append`, { limit: MAX_CHUNK_BYTES });
  }
  return data;
}

/** How many leading bytes of `data` end on a UTF-8 character boundary (all of them at the end of the file). */
export function utf8Boundary(data: Uint8Array, eof: boolean): number {
  if (eof) return data.length;
  const end = data.length;
  for (let back = 1; back <= 4 && back <= end; back++) {
    const byte = data[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const width = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return back < width ? end - back : end;
  }
  return end;
}

/** Wire content of bytes read; a UTF-8 read of bytes that are not text fails, suggesting base64. */
export function encodeContent(data: Buffer, encoding: Encoding): string {
  if (encoding === 'base64') return data.toString('base64');
  try {
    return strictUtf8.decode(data);
  } catch {
    throw new KernelError('payload_invalid', 'the file is not UTF-8 text; read it with encoding "base64"');
  }
}
