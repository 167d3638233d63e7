/**
 * Small text helpers shared by the tools: telling text from binary, decoding, cutting on a character
 * boundary and saying sizes the way a person reads them.
 */

const SAMPLE_BYTES = 8192;
const strict = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

/** True when the start of `bytes` holds a NUL or is not UTF-8 (a cut character at the end is allowed). */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  if (sample.includes(0)) return true;
  const end = sample.length === bytes.length ? sample.length : utf8Start(sample, sample.length);
  try {
    strict.decode(sample.subarray(0, end));
    return false;
  } catch {
    return true;
  }
}

/** UTF-8 text of `bytes`; malformed sequences become U+FFFD. */
export function decodeText(bytes: Uint8Array): string {
  return lossy.decode(bytes);
}

/** The largest index ≤ `at` that does not fall inside a UTF-8 character. */
export function utf8Start(bytes: Uint8Array, at: number): number {
  let end = Math.min(at, bytes.length);
  while (end > 0 && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return end;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary. */
export function cutText(text: string, maxBytes: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return { text, cut: false };
  return { text: bytes.subarray(0, utf8Start(bytes, maxBytes)).toString('utf8'), cut: true };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
