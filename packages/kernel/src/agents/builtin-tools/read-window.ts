/**
 * Reading part of a text file through the VFS as the caller: a window of lines (skip `offset` lines, show
 * up to `limit`) or of bytes, never more than a byte budget, with a notice that says what was shown and
 * how to read on. Lines are found by scanning from the start in chunks, up to a scan limit, so a huge
 * file costs bounded work; a binary file is named, not shown.
 */
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { VfsHandle } from './services.ts';
import { decodeText, formatBytes, looksBinary, utf8Start } from './text.ts';

export interface Window {
  unit: 'lines' | 'bytes';
  offset: number;
  limit: number;
  /** Most bytes of content returned. */
  budget: number;
}

export interface WindowText {
  /** The content shown, exactly as in the file. */
  text: string;
  /** What was left out and how to read on; empty when the whole file was shown. */
  notice: string;
}

const CHUNK = 256 * 1024;
/** Lines are looked for in at most this many bytes from the start. */
export const MAX_LINE_SCAN = 32 * 1024 * 1024;

async function readBytes(vfs: VfsHandle, caller: Principal, path: string, w: Window): Promise<WindowText> {
  const length = Math.min(w.limit, w.budget);
  const { data, size } = await vfs.read(caller, path, { offset: w.offset, length: length + 4 });
  if (w.offset === 0 && looksBinary(data)) return { text: '', notice: `[${path} is a binary file of ${formatBytes(size)}; file_read shows text only]` };
  if (size === 0) return { text: '', notice: `[${path} is empty]` };
  if (w.offset >= size) return { text: '', notice: `[${path} has ${size} bytes; nothing at byte offset ${w.offset}]` };
  const end = data.length <= length ? data.length : utf8Start(data, length);
  const next = w.offset + end;
  const notice = next < size ? `[showed bytes ${w.offset}–${next} of ${size}; read on with unit "bytes", offset ${next}]` : '';
  return { text: decodeText(data.subarray(0, end)), notice };
}

async function readLines(vfs: VfsHandle, caller: Principal, path: string, w: Window): Promise<WindowText> {
  let position = 0;
  let breaks = 0;
  let collecting = w.offset === 0;
  let last = 0x0a;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let shown = 0;
  let lineStart = 0;
  let keptAtLineStart = 0;
  let size = 0;
  while (position === 0 || position < size) {
    if (!collecting && position >= MAX_LINE_SCAN) {
      throw new KernelError('resource_exceeded', `line ${w.offset + 1} of ${path} is not within the first ${formatBytes(MAX_LINE_SCAN)}; read with unit "bytes" instead`);
    }
    const { data, size: total } = await vfs.read(caller, path, { offset: position, length: CHUNK });
    size = total;
    if (position === 0 && looksBinary(data)) return { text: '', notice: `[${path} is a binary file of ${formatBytes(size)}; file_read shows text only]` };
    if (data.length === 0) break;
    last = data[data.length - 1] ?? last;
    let at = 0;
    while (at < data.length) {
      const nl = data.indexOf(0x0a, at);
      if (!collecting) {
        if (nl === -1) break;
        breaks += 1;
        at = nl + 1;
        if (breaks === w.offset) {
          collecting = true;
          lineStart = position + at;
        }
        continue;
      }
      const end = nl === -1 ? data.length : nl + 1;
      const piece = data.subarray(at, end);
      if (keptBytes + piece.length > w.budget) {
        if (shown > 0) return finish(Buffer.concat(kept).subarray(0, keptAtLineStart), w, shown, lineStart, size);
        // One line longer than the whole budget: show its start and say so.
        const cut = utf8Start(piece, w.budget - keptBytes);
        kept.push(piece.subarray(0, cut));
        const next = position + at + cut;
        return { text: decodeText(Buffer.concat(kept)), notice: `[line ${w.offset + 1} is longer than ${formatBytes(w.budget)}; showed its first ${keptBytes + cut} bytes; read on with unit "bytes", offset ${next}]` };
      }
      kept.push(piece);
      keptBytes += piece.length;
      at = end;
      if (nl !== -1) {
        shown += 1;
        lineStart = position + at;
        keptAtLineStart = keptBytes;
        if (shown >= w.limit) return finish(Buffer.concat(kept), w, shown, lineStart, size);
      }
    }
    position += data.length;
  }
  if (size === 0) return { text: '', notice: `[${path} is empty]` };
  if (keptBytes === 0 && w.offset > 0) {
    const lines = breaks + (last === 0x0a ? 0 : 1);
    return { text: '', notice: `[${path} has only ${lines} lines; nothing at line offset ${w.offset}]` };
  }
  return { text: decodeText(Buffer.concat(kept)), notice: '' };
}

function finish(kept: Buffer, w: Window, shown: number, next: number, size: number): WindowText {
  const text = decodeText(kept);
  if (next >= size) return { text, notice: '' };
  return { text, notice: `[showed lines ${w.offset + 1}–${w.offset + shown} (up to byte ${next} of ${size}); read on with offset ${w.offset + shown}]` };
}

/** The window of `path` the caller asked for; VFS errors (not found, permission) propagate as they are. */
export function readWindow(vfs: VfsHandle, caller: Principal, path: string, w: Window): Promise<WindowText> {
  return w.unit === 'bytes' ? readBytes(vfs, caller, path, w) : readLines(vfs, caller, path, w);
}
