/**
 * Memory capping by module rewrite, on hand-assembled modules: a missing or larger maximum becomes the
 * limit (memory.grow past it fails), a minimum above the limit is refused with resource_exceeded, imported
 * memories are capped too, every other section survives byte for byte, and modules importing anything but
 * WASI functions and memory are refused with payload_invalid.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKernelError } from '../../contracts/errors.ts';
import { PAGE_BYTES, prepareModule } from './module-limits.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const text = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
const section = (id: number, content: number[]): number[] => [id, content.length, ...content];
const wasm = (...sections: number[][]): Uint8Array => Uint8Array.from([...HEADER, ...sections.flat()]);

const TYPE_I32 = section(1, [1, 0x60, 0, 1, 0x7f]);
const FUNC = section(3, [1, 0]);
const CODE = section(10, [1, 4, 0, 0x41, 42, 0x0b]);
const CUSTOM = section(0, [...text('note'), 1, 2, 3]);
const exportMemoryAndF = section(7, [2, ...text('memory'), 2, 0, ...text('f'), 0, 0]);
const memory = (flags: number, min: number, max?: number): number[] =>
  section(5, [1, flags, min, ...(max === undefined ? [] : [max])]);

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports);
}

void describe('prepareModule caps memory', () => {
  void test('a memory without a maximum gets the limit as its maximum', () => {
    const prepared = prepareModule(wasm(TYPE_I32, FUNC, memory(0, 1), exportMemoryAndF, CODE), 3 * PAGE_BYTES);
    const mem = instantiate(prepared.bytes).exports.memory as WebAssembly.Memory;
    assert.equal(mem.grow(2), 1);
    assert.throws(() => mem.grow(1), RangeError);
  });

  void test('a larger declared maximum is lowered; a smaller one is kept', () => {
    const lowered = instantiate(prepareModule(wasm(memory(1, 1, 100), section(7, [1, ...text('memory'), 2, 0])), 2 * PAGE_BYTES).bytes);
    assert.throws(() => (lowered.exports.memory as WebAssembly.Memory).grow(2), RangeError);
    const kept = instantiate(prepareModule(wasm(memory(1, 1, 2), section(7, [1, ...text('memory'), 2, 0])), 50 * PAGE_BYTES).bytes);
    assert.throws(() => (kept.exports.memory as WebAssembly.Memory).grow(2), RangeError);
  });

  void test('a minimum above the limit is refused with resource_exceeded', () => {
    assert.throws(
      () => prepareModule(wasm(memory(0, 10)), 4 * PAGE_BYTES),
      (error: unknown) => isKernelError(error, 'resource_exceeded') && error.details?.pages === 10,
    );
  });

  void test('an imported memory is capped and reported for the host to create', () => {
    const imports = section(2, [1, ...text('env'), ...text('memory'), 2, 1, 1, 100]);
    const prepared = prepareModule(wasm(imports), 8 * PAGE_BYTES);
    assert.deepEqual(prepared.memoryImports, [{ module: 'env', name: 'memory', initial: 1, maximum: 8, shared: false }]);
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 8 });
    instantiate(prepared.bytes, { env: { memory: mem } });
  });

  void test('every other section, code included, is kept intact', () => {
    const original = wasm(CUSTOM, TYPE_I32, FUNC, memory(0, 1), exportMemoryAndF, CODE);
    const prepared = prepareModule(original, 16 * PAGE_BYTES);
    const f = instantiate(prepared.bytes).exports.f as () => number;
    assert.equal(f(), 42);
    const custom = WebAssembly.Module.customSections(new WebAssembly.Module(prepared.bytes as Uint8Array<ArrayBuffer>), 'note');
    assert.deepEqual([...new Uint8Array(custom[0] as ArrayBuffer)], [1, 2, 3]);
  });
});

void describe('prepareModule refuses what it cannot run', () => {
  const refused = (error: unknown): boolean => isKernelError(error, 'payload_invalid');

  void test('bytes that are not a core module', () => {
    assert.throws(() => prepareModule(new TextEncoder().encode('#!/bin/sh\n'), PAGE_BYTES), refused);
    assert.throws(() => prepareModule(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]), PAGE_BYTES), refused);
    assert.throws(() => prepareModule(Uint8Array.from([...HEADER, 5, 40, 1]), PAGE_BYTES), refused);
  });

  void test('more than one memory, defined or imported, since each could grow to the cap', () => {
    assert.throws(() => prepareModule(wasm(section(5, [2, 0, 1, 0, 1])), 8 * PAGE_BYTES), refused);
    const imported = section(2, [1, ...text('env'), ...text('memory'), 2, 0, 1]);
    assert.throws(() => prepareModule(wasm(imported, memory(0, 1)), 8 * PAGE_BYTES), refused);
  });

  void test('function imports from any module but wasi_snapshot_preview1, and table or global imports', () => {
    const fromEnv = section(2, [1, ...text('env'), ...text('spawn'), 0, 0]);
    assert.throws(() => prepareModule(wasm(TYPE_I32, fromEnv), PAGE_BYTES), refused);
    const global = section(2, [1, ...text('wasi_snapshot_preview1'), ...text('g'), 3, 0x7f, 0]);
    assert.throws(() => prepareModule(wasm(global), PAGE_BYTES), refused);
    const wasi = section(2, [1, ...text('wasi_snapshot_preview1'), ...text('fd_write'), 0, 0]);
    assert.deepEqual(prepareModule(wasm(TYPE_I32, wasi), PAGE_BYTES).wasiImports, ['fd_write']);
  });
});
