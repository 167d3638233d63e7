/**
 * Caps a module's memory before it ever runs. Walks the binary's sections, rewrites every memory limit
 * (defined in the memory section or imported) so its maximum is at most the limit in 64 KiB pages, and
 * refuses a module whose minimum already exceeds it (`resource_exceeded`). `memory.grow` past the cap
 * then fails inside the guest (returns -1, malloc returns NULL) instead of taking host memory.
 *
 * It also lists the imports: only `wasi_snapshot_preview1` functions and memories may be imported; a
 * module wanting anything else cannot be linked and is refused up front (`payload_invalid`), as is one
 * with more than one memory (each could grow to the cap).
 */
import { KernelError } from '../../contracts/errors.ts';

export const PAGE_BYTES = 65536;
const WASI = 'wasi_snapshot_preview1';

export interface MemoryImport {
  module: string;
  name: string;
  initial: number;
  maximum: number;
  shared: boolean;
}

export interface PreparedModule {
  bytes: Uint8Array;
  /** Names of the WASI functions the module imports. */
  wasiImports: string[];
  memoryImports: MemoryImport[];
}

function invalid(message: string): KernelError {
  return new KernelError('payload_invalid', `not a runnable WASI module: ${message}`);
}

class Reader {
  readonly bytes: Uint8Array;
  at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  byte(): number {
    const value = this.bytes[this.at];
    if (value === undefined) throw invalid('unexpected end');
    this.at += 1;
    return value;
  }

  /** Unsigned LEB128 up to 2^53 (enough for u32 and for memory64 page counts). */
  leb(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i += 1) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw invalid('bad integer');
  }

  name(): string {
    const len = this.leb();
    if (this.at + len > this.bytes.length) throw invalid('name past the end');
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + len));
    this.at += len;
    return text;
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return out;
}

interface Limits {
  flags: number;
  min: number;
  max: number | null;
}

function readLimits(r: Reader): Limits {
  const flags = r.byte();
  if ((flags & ~0x07) !== 0) throw invalid('unsupported memory limits');
  const min = r.leb();
  const max = (flags & 1) !== 0 ? r.leb() : null;
  return { flags, min, max };
}

/** Limits capped at `maxPages`; refuses a minimum above it. */
function capMemory(limits: Limits, maxPages: number): Limits & { max: number } {
  if (limits.min > maxPages) {
    throw new KernelError('resource_exceeded', `the module needs ${limits.min} memory pages; the limit is ${maxPages}`, {
      limit: 'memory',
      pages: limits.min,
      maxPages,
    });
  }
  return { flags: limits.flags | 1, min: limits.min, max: Math.min(limits.max ?? maxPages, maxPages) };
}

function writeLimits(limits: Limits & { max: number }): number[] {
  return [limits.flags, ...leb(limits.min), ...leb(limits.max)];
}

/** Rewrites the import section: memory limits capped, function imports checked. */
function importSection(r: Reader, end: number, maxPages: number, found: PreparedModule): Uint8Array {
  const out: number[] = [];
  const count = r.leb();
  out.push(...leb(count));
  for (let i = 0; i < count; i += 1) {
    const entryStart = r.at;
    const module = r.name();
    const name = r.name();
    const namesEnd = r.at;
    const kind = r.byte();
    if (kind === 0x02) {
      const limits = capMemory(readLimits(r), maxPages);
      out.push(...r.bytes.subarray(entryStart, namesEnd), 0x02, ...writeLimits(limits));
      found.memoryImports.push({ module, name, initial: limits.min, maximum: limits.max, shared: (limits.flags & 2) !== 0 });
      continue;
    }
    if (kind !== 0x00) throw invalid(`imports a ${kind === 1 ? 'table' : kind === 3 ? 'global' : 'tag'} (${module}.${name})`);
    r.leb();
    if (module !== WASI) throw invalid(`imports ${module}.${name}; only ${WASI} is provided`);
    found.wasiImports.push(name);
    out.push(...r.bytes.subarray(entryStart, r.at));
  }
  if (r.at !== end) throw invalid('import section size mismatch');
  return Uint8Array.from(out);
}

function memorySection(r: Reader, end: number, maxPages: number): Uint8Array {
  const count = r.leb();
  const out: number[] = [...leb(count)];
  for (let i = 0; i < count; i += 1) out.push(...writeLimits(capMemory(readLimits(r), maxPages)));
  if (r.at !== end) throw invalid('memory section size mismatch');
  return Uint8Array.from(out);
}

export function prepareModule(bytes: Uint8Array, memoryBytes: number): PreparedModule {
  const maxPages = Math.max(0, Math.min(65536, Math.floor(memoryBytes / PAGE_BYTES)));
  const header = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  if (bytes.length < 8 || header.some((b, i) => bytes[i] !== b)) throw invalid('not a core WebAssembly module');
  const r = new Reader(bytes);
  r.at = 8;
  const found: PreparedModule = { bytes, wasiImports: [], memoryImports: [] };
  const parts: Uint8Array[] = [header];
  let memories = 0;
  while (r.at < bytes.length) {
    const sectionStart = r.at;
    const id = r.byte();
    const size = r.leb();
    const end = r.at + size;
    if (end > bytes.length) throw invalid('section past the end');
    if (id === 2 || id === 5) {
      const content = id === 2 ? importSection(r, end, maxPages, found) : memorySection(r, end, maxPages);
      memories += id === 2 ? found.memoryImports.length : new Reader(content).leb();
      parts.push(Uint8Array.of(id, ...leb(content.length)), content);
    } else {
      parts.push(bytes.subarray(sectionStart, end));
    }
    r.at = end;
  }
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  found.bytes = result;
  // With several memories each could grow to the cap; WASI programs have exactly one.
  if (memories > 1) throw invalid('more than one memory (multi-memory) is not supported');
  return found;
}
