/**
 * A linear pre-scan of JSON nesting depth. V8's JSON.parse takes time superlinear in nesting depth
 * (measured here: 500,000 nested `[` — one 1 MiB frame — cost 660 ms of event loop), so a frame that
 * nests deeper than any contract needs is refused before anything parses it. Brackets inside strings
 * do not count.
 */

/** Deeper than any payload a contract describes. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** `text` as bytes or as a string: the characters that matter are ASCII, so both read the same. */
export function nestsDeeperThan(text: Uint8Array | string, max: number = MAX_JSON_DEPTH): boolean {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = at(i);
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}
