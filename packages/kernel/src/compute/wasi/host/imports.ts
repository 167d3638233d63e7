/**
 * Assembles the `wasi_snapshot_preview1` import object from the per-area modules and wraps every function
 * so that whatever it throws becomes an errno for the guest — except ProcExit and the output limit, which
 * must unwind the guest. A name the guest imports that we do not implement answers NOSYS.
 */
import { Errno } from './abi.ts';
import type { WasiContext } from './context.ts';
import { errnoOf, ProcExit } from './errno.ts';
import { fdIoImports } from './fd-io-imports.ts';
import { fdMetaImports } from './fd-meta-imports.ts';
import { pathImports } from './path-imports.ts';
import { pollImports } from './poll-imports.ts';
import { procImports } from './proc-imports.ts';

// Import functions take i32 (number) and i64 (bigint) parameters and return an errno.
// `never[]` lets each one declare its exact parameter types.
export type ImportFunction = (...args: never[]) => number;
export type ImportFunctions = Record<string, ImportFunction>;

export const WASI_MODULE = 'wasi_snapshot_preview1';

/** Thrown through the guest to stop it; the runner reports it (exit, output limit). */
export function isUnwind(thrown: unknown): boolean {
  return thrown instanceof ProcExit || (thrown instanceof Error && thrown.name === 'OutputLimitExceeded');
}

function guarded(fn: ImportFunction): (...args: unknown[]) => number {
  const call = fn as unknown as (...args: unknown[]) => number;
  return (...args: unknown[]): number => {
    try {
      return call(...args);
    } catch (thrown) {
      if (isUnwind(thrown)) throw thrown;
      return errnoOf(thrown);
    }
  };
}

/** The import object for one guest; `names` (the module's WASI imports) get NOSYS stubs when unknown. */
export function wasiImports(ctx: WasiContext, names: readonly string[] = []): Record<string, (...args: unknown[]) => number> {
  const all: ImportFunctions = {
    ...procImports(ctx),
    ...fdIoImports(ctx),
    ...fdMetaImports(ctx),
    ...pathImports(ctx),
    ...pollImports(ctx),
  };
  const object: Record<string, (...args: unknown[]) => number> = {};
  for (const [name, fn] of Object.entries(all)) object[name] = guarded(fn);
  for (const name of names) object[name] ??= () => Errno.NOSYS;
  return object;
}
