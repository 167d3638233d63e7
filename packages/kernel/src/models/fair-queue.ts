/**
 * A provider's concurrency limit with a fair, bounded queue (DESIGN §6). When all slots are busy, waiting
 * calls are served highest priority first; at equal priority, agents take turns (round-robin), so one agent
 * with a hundred queued calls cannot starve another with one. Within an agent, calls keep their order.
 * A full queue refuses with `resource_exceeded`; an aborted signal takes a waiting call out of the queue.
 */
import { KernelError } from '../contracts/errors.ts';

export interface SlotRequest {
  agentId: string;
  priority: number;
  signal: AbortSignal;
}

/** Gives the slot back; calling it more than once is harmless. */
export type ReleaseSlot = () => void;

interface Waiter {
  agentId: string;
  grant: (release: ReleaseSlot) => void;
}

/** The callers waiting at one priority: agents in turn order, each with its own first-come queue. */
interface Level {
  turns: string[];
  queues: Map<string, Waiter[]>;
}

export interface FairQueueOptions {
  /** Used in error messages, e.g. the provider name. */
  name: string;
  maxConcurrent: number;
  maxQueued: number;
}

export class FairQueue {
  readonly #options: FairQueueOptions;
  readonly #levels = new Map<number, Level>();
  #active = 0;
  #queued = 0;

  constructor(options: FairQueueOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError('maxConcurrent must be a positive integer');
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) throw new RangeError('maxQueued must be a non-negative integer');
    this.#options = options;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queued;
  }

  acquire(request: SlotRequest): Promise<ReleaseSlot> {
    if (request.signal.aborted) return Promise.reject(cancelled(this.#options.name));
    if (this.#active < this.#options.maxConcurrent && this.#queued === 0) {
      this.#active += 1;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queued >= this.#options.maxQueued) {
      return Promise.reject(
        new KernelError('resource_exceeded', `${this.#options.name}: ${this.#queued} model calls are already waiting`, {
          provider: this.#options.name,
          maxQueued: this.#options.maxQueued,
        }),
      );
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = (): void => {
        this.#remove(waiter, request.priority);
        reject(cancelled(this.#options.name));
      };
      const waiter: Waiter = {
        agentId: request.agentId,
        grant: (release) => {
          request.signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.#enqueue(waiter, request.priority);
    });
  }

  #enqueue(waiter: Waiter, priority: number): void {
    let level = this.#levels.get(priority);
    if (level === undefined) {
      level = { turns: [], queues: new Map() };
      this.#levels.set(priority, level);
    }
    const queue = level.queues.get(waiter.agentId);
    if (queue === undefined) {
      level.queues.set(waiter.agentId, [waiter]);
      level.turns.push(waiter.agentId);
    } else {
      queue.push(waiter);
    }
    this.#queued += 1;
  }

  #remove(waiter: Waiter, priority: number): void {
    const level = this.#levels.get(priority);
    const queue = level?.queues.get(waiter.agentId);
    if (level === undefined || queue === undefined) return;
    const index = queue.indexOf(waiter);
    if (index === -1) return;
    queue.splice(index, 1);
    this.#queued -= 1;
    if (queue.length === 0) {
      level.queues.delete(waiter.agentId);
      level.turns.splice(level.turns.indexOf(waiter.agentId), 1);
      if (level.turns.length === 0) this.#levels.delete(priority);
    }
  }

  /** The next waiter: highest priority level, the agent whose turn it is, its oldest call. */
  #next(): Waiter | undefined {
    let best: number | undefined;
    for (const priority of this.#levels.keys()) if (best === undefined || priority > best) best = priority;
    if (best === undefined) return undefined;
    const level = this.#levels.get(best) as Level;
    const agentId = level.turns.shift() as string;
    const queue = level.queues.get(agentId) as Waiter[];
    const waiter = queue.shift() as Waiter;
    if (queue.length > 0) level.turns.push(agentId);
    else level.queues.delete(agentId);
    if (level.turns.length === 0) this.#levels.delete(best);
    this.#queued -= 1;
    return waiter;
  }

  #releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#next();
      // The slot passes straight to the next waiter, so a new arrival cannot jump the queue.
      if (next === undefined) this.#active -= 1;
      else next.grant(this.#releaser());
    };
  }
}

function cancelled(name: string): KernelError {
  return new KernelError('cancelled', `model call cancelled while waiting for ${name}`, { provider: name });
}
