/**
 * WASI imports for the process itself: arguments, environment, clocks, randomness, exit, yield, signals,
 * and sockets (never available: a WASI guest here has no network; descriptors are never sockets, so
 * sock_* answer BADF for unknown descriptors and NOTSOCK for the rest).
 */
import { randomFillSync } from 'node:crypto';
import { Clock, Errno } from './abi.ts';
import type { WasiContext } from './context.ts';
import { ProcExit, WasiError } from './errno.ts';
import type { ImportFunctions } from './imports.ts';

const startedAt = process.hrtime.bigint();

/** Nanoseconds since the epoch, microsecond-precise. */
function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

export function clockNow(id: number): bigint {
  switch (id) {
    case Clock.REALTIME:
      return realtimeNs();
    case Clock.MONOTONIC:
      return process.hrtime.bigint() - startedAt;
    case Clock.PROCESS_CPUTIME_ID:
    case Clock.THREAD_CPUTIME_ID: {
      const usage = process.cpuUsage();
      return BigInt(usage.user + usage.system) * 1000n;
    }
    default:
      throw new WasiError(Errno.INVAL, 'unknown clock');
  }
}

function resolution(id: number): bigint {
  switch (id) {
    case Clock.REALTIME:
    case Clock.PROCESS_CPUTIME_ID:
    case Clock.THREAD_CPUTIME_ID:
      return 1000n;
    case Clock.MONOTONIC:
      return 1n;
    default:
      throw new WasiError(Errno.INVAL, 'unknown clock');
  }
}

/** Writes a list of NUL-terminated strings as (pointer array, packed buffer). */
function writeList(ctx: WasiContext, items: readonly Uint8Array[], ptrs: number, buf: number): void {
  let at = buf;
  items.forEach((item, index) => {
    ctx.memory.setU32(ptrs + index * 4, at);
    ctx.memory.write(at, item);
    at += item.length;
  });
}

function sizes(items: readonly Uint8Array[]): number {
  return items.reduce((sum, item) => sum + item.length, 0);
}

export function procImports(ctx: WasiContext): ImportFunctions {
  const notSocket = (fd: number): number => {
    ctx.fds.get(fd);
    return Errno.NOTSOCK;
  };
  return {
    args_sizes_get(argcPtr: number, sizePtr: number): number {
      ctx.memory.setU32(argcPtr, ctx.args.length);
      ctx.memory.setU32(sizePtr, sizes(ctx.args));
      return Errno.SUCCESS;
    },
    args_get(argvPtr: number, bufPtr: number): number {
      writeList(ctx, ctx.args, argvPtr, bufPtr);
      return Errno.SUCCESS;
    },
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      ctx.memory.setU32(countPtr, ctx.env.length);
      ctx.memory.setU32(sizePtr, sizes(ctx.env));
      return Errno.SUCCESS;
    },
    environ_get(environPtr: number, bufPtr: number): number {
      writeList(ctx, ctx.env, environPtr, bufPtr);
      return Errno.SUCCESS;
    },
    clock_res_get(id: number, resultPtr: number): number {
      ctx.memory.setU64(resultPtr, resolution(id));
      return Errno.SUCCESS;
    },
    clock_time_get(id: number, _precision: bigint, resultPtr: number): number {
      ctx.memory.setU64(resultPtr, clockNow(id));
      return Errno.SUCCESS;
    },
    random_get(bufPtr: number, len: number): number {
      randomFillSync(ctx.memory.slice(bufPtr, len));
      return Errno.SUCCESS;
    },
    proc_exit(code: number): number {
      throw new ProcExit(code >>> 0);
    },
    proc_raise(_signal: number): number {
      return Errno.NOSYS;
    },
    sched_yield(): number {
      return Errno.SUCCESS;
    },
    sock_accept: (fd: number) => notSocket(fd),
    sock_recv: (fd: number) => notSocket(fd),
    sock_send: (fd: number) => notSocket(fd),
    sock_shutdown: (fd: number) => notSocket(fd),
  };
}
