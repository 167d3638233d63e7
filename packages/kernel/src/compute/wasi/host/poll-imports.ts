/**
 * poll_oneoff: clock subscriptions (relative or absolute, on any clock) and fd_read / fd_write
 * subscriptions. Regular files and output streams are always ready; standard input is ready when the
 * stdin channel holds data or has ended. Waiting blocks the worker in Atomics.wait — a guest sleeping
 * here past its wall time is ended by the kernel killing the process, never by a cooperative check.
 */
import fs from 'node:fs';
import { Clock, EVENT_FD_READWRITE_HANGUP, EVENT_SIZE, Errno, Eventtype, SUBSCRIPTION_CLOCK_ABSTIME, SUBSCRIPTION_SIZE } from './abi.ts';
import type { WasiContext } from './context.ts';
import { WasiError, errnoOf } from './errno.ts';
import type { ImportFunctions } from './imports.ts';
import { clockNow } from './proc-imports.ts';

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

interface Subscription {
  userdata: bigint;
  type: number;
  /** Clocks: monotonic deadline in ns. */
  deadline: bigint;
  fd: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function deadlineOf(id: number, timeout: bigint, flags: number, now: bigint): bigint {
  if ((flags & SUBSCRIPTION_CLOCK_ABSTIME) === 0) return now + timeout;
  if (id === Clock.MONOTONIC) return timeout;
  return now + (timeout - clockNow(id));
}

export function pollImports(ctx: WasiContext): ImportFunctions {
  const mem = ctx.memory;

  const fdEvent = (sub: Subscription): Event | null => {
    const base = { userdata: sub.userdata, type: sub.type, error: 0, nbytes: 0n, flags: 0 };
    try {
      const entry = ctx.fds.get(sub.fd);
      if (sub.type === Eventtype.FD_READ && entry.kind === 'stdin') {
        if (!ctx.stdin.ready()) return null;
        return { ...base, nbytes: 1n };
      }
      if (entry.kind === 'file' && sub.type === Eventtype.FD_READ && entry.hostFd !== null) {
        const size = fs.fstatSync(entry.hostFd, { bigint: true }).size;
        return { ...base, nbytes: size > entry.position ? size - entry.position : 0n };
      }
      if (entry.kind === 'directory') return { ...base, error: Errno.ISDIR };
      if (sub.type === Eventtype.FD_WRITE && entry.kind === 'stdin') return { ...base, error: Errno.BADF };
      if (sub.type === Eventtype.FD_READ && entry.kind !== 'file') return { ...base, error: Errno.BADF, flags: EVENT_FD_READWRITE_HANGUP };
      return base;
    } catch (error) {
      return { ...base, error: errnoOf(error) };
    }
  };

  return {
    poll_oneoff(inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
      if (count === 0) throw new WasiError(Errno.INVAL);
      const start = clockNow(Clock.MONOTONIC);
      const subs: Subscription[] = [];
      const immediate: Event[] = [];
      for (let i = 0; i < count; i += 1) {
        const at = inPtr + i * SUBSCRIPTION_SIZE;
        const userdata = mem.u64(at);
        const type = mem.u8(at + 8);
        if (type === Eventtype.CLOCK) {
          try {
            const deadline = deadlineOf(mem.u32(at + 16), mem.u64(at + 24), mem.u16(at + 40), start);
            subs.push({ userdata, type, deadline, fd: -1 });
          } catch (error) {
            immediate.push({ userdata, type, error: errnoOf(error), nbytes: 0n, flags: 0 });
          }
        } else if (type === Eventtype.FD_READ || type === Eventtype.FD_WRITE) {
          subs.push({ userdata, type, deadline: 0n, fd: mem.u32(at + 16) });
        } else {
          immediate.push({ userdata, type, error: Errno.INVAL, nbytes: 0n, flags: 0 });
        }
      }
      let events = immediate;
      for (;;) {
        const now = clockNow(Clock.MONOTONIC);
        for (const sub of subs) {
          const event = sub.type === Eventtype.CLOCK
            ? now >= sub.deadline ? { userdata: sub.userdata, type: sub.type, error: 0, nbytes: 0n, flags: 0 } : null
            : fdEvent(sub);
          if (event !== null) events.push(event);
        }
        if (events.length > 0) break;
        const clocks = subs.filter((sub) => sub.type === Eventtype.CLOCK).map((sub) => sub.deadline - now);
        const waitMs = clocks.length === 0 ? Infinity : Math.max(0, Number(clocks.reduce((a, b) => (a < b ? a : b))) / 1e6);
        if (subs.some((sub) => sub.type === Eventtype.FD_READ)) ctx.stdin.waitReady(waitMs);
        else Atomics.wait(sleeper, 0, 0, waitMs);
        events = [];
      }
      events.forEach((event, index) => {
        const at = outPtr + index * EVENT_SIZE;
        mem.slice(at, EVENT_SIZE).fill(0);
        mem.setU64(at, event.userdata);
        mem.setU16(at + 8, event.error);
        mem.setU8(at + 10, event.type);
        mem.setU64(at + 16, event.nbytes);
        mem.setU16(at + 24, event.flags);
      });
      mem.setU32(neventsPtr, events.length);
      return Errno.SUCCESS;
    },
  };
}
