/**
 * Bytes of a vm's standard streams on the wire: `{ data, encoding }`, UTF-8 when the bytes are text,
 * else base64, both ways. One `vm.stdin` call carries at most MAX_STDIN_CHUNK bytes.
 */
import { wireContent } from '../fs/transfer.ts';

/** What `vm.stdin` takes in one call (the contract's MAX_STDIN_BYTES). */
export const MAX_STDIN_CHUNK = 512 * 1024;

/** As for file chunks: text as UTF-8 when that stays compact on the wire, anything else as base64. */
export function wireData(bytes: Buffer): { data: string; encoding: 'utf8' | 'base64' } {
  const { content, encoding } = wireContent(bytes);
  return { data: content, encoding };
}

/** The bytes of a `vm.stdout` / `vm.stderr` event. */
export function bytesOf(payload: Record<string, unknown>): Buffer {
  const data = typeof payload.data === 'string' ? payload.data : '';
  return Buffer.from(data, payload.encoding === 'base64' ? 'base64' : 'utf8');
}
