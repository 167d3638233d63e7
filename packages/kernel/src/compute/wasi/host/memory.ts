/**
 * Typed access to the guest's linear memory. Views are re-made whenever the memory has grown (growing
 * detaches the old buffer). Every access is bounds-checked by the views themselves: a bad guest pointer
 * raises RangeError, which the import wrapper answers with FAULT instead of touching host memory.
 */
import { WasiError } from './errno.ts';
import { Errno } from './abi.ts';

export interface Iovec {
  ptr: number;
  len: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export class GuestMemory {
  #memory: WebAssembly.Memory | undefined;
  #buffer: ArrayBufferLike | undefined;
  #view: DataView | undefined;
  #bytes: Uint8Array | undefined;

  /** Set once the instance exists (its exported `memory`). */
  attach(memory: WebAssembly.Memory): void {
    this.#memory = memory;
  }

  #refresh(): void {
    if (this.#memory === undefined) throw new WasiError(Errno.FAULT, 'guest memory is not attached');
    const buffer = this.#memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#view = new DataView(buffer);
      this.#bytes = new Uint8Array(buffer);
    }
  }

  get view(): DataView {
    this.#refresh();
    return this.#view as DataView;
  }

  get bytes(): Uint8Array {
    this.#refresh();
    return this.#bytes as Uint8Array;
  }

  u8(ptr: number): number {
    return this.view.getUint8(ptr);
  }

  u16(ptr: number): number {
    return this.view.getUint16(ptr, true);
  }

  u32(ptr: number): number {
    return this.view.getUint32(ptr, true);
  }

  u64(ptr: number): bigint {
    return this.view.getBigUint64(ptr, true);
  }

  setU8(ptr: number, value: number): void {
    this.view.setUint8(ptr, value);
  }

  setU16(ptr: number, value: number): void {
    this.view.setUint16(ptr, value, true);
  }

  setU32(ptr: number, value: number): void {
    this.view.setUint32(ptr, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.view.setBigUint64(ptr, BigInt.asUintN(64, value), true);
  }

  /** A copy-free window on guest bytes; throws RangeError when out of bounds. */
  slice(ptr: number, len: number): Uint8Array {
    const bytes = this.bytes;
    if (ptr < 0 || len < 0 || ptr + len > bytes.length) throw new RangeError('guest buffer out of bounds');
    return bytes.subarray(ptr, ptr + len);
  }

  /** A UTF-8 string the guest passed as (ptr, len); invalid UTF-8 is ILSEQ. */
  string(ptr: number, len: number): string {
    try {
      return decoder.decode(this.slice(ptr, len));
    } catch (error) {
      if (error instanceof RangeError) throw error;
      throw new WasiError(Errno.ILSEQ, 'path is not valid UTF-8');
    }
  }

  /** Copies `data` to guest memory at `ptr` (at most `max` bytes); returns the count written. */
  write(ptr: number, data: Uint8Array, max = data.length): number {
    const n = Math.min(max, data.length);
    this.slice(ptr, n).set(data.subarray(0, n));
    return n;
  }

  /** Reads an array of iovec / ciovec records ({ buf: u32, buf_len: u32 }). */
  iovecs(ptr: number, count: number): Iovec[] {
    const out: Iovec[] = [];
    for (let i = 0; i < count; i += 1) {
      const iov = { ptr: this.u32(ptr + i * 8), len: this.u32(ptr + i * 8 + 4) };
      this.slice(iov.ptr, iov.len);
      out.push(iov);
    }
    return out;
  }
}

export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}
