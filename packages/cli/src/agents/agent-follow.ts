/**
 * Follows one agent's log in order, without gaps or repeats: live `agent.event`s are delivered by
 * sequence number; anything the bus did not bring (dropped for a slow reader, or older than the
 * subscription) is read from the durable log with `agent.logs` after the last delivered sequence. When
 * the stream goes quiet the log is checked too, so a dropped last event cannot leave a follower waiting.
 */
import { type AgentLogEvent, asLogEvent } from './event-lines.ts';

type Call = (topic: string, payload: Record<string, unknown>) => Promise<Record<string, unknown>>;

const PAGE = 500;
/** How long the stream may stay silent before the durable log is asked. */
const QUIET_MS = 5_000;

export class AgentFollower {
  readonly #call: Call;
  readonly #agentId: string;
  readonly #deliver: (event: AgentLogEvent) => void;
  readonly #pending = new Map<number, AgentLogEvent>();
  #next: number;
  #reading: Promise<void> | undefined;
  #again = false;
  #quiet: NodeJS.Timeout | undefined;
  #stopped = false;
  #ended = false;
  /** Told of a failure to read the log (the follower keeps going on live events). */
  onError: (error: Error) => void = () => undefined;

  constructor(call: Call, agentId: string, after: number, deliver: (event: AgentLogEvent) => void) {
    this.#call = call;
    this.#agentId = agentId;
    this.#next = after + 1;
    this.#deliver = deliver;
  }

  /** The last sequence number delivered. */
  get cursor(): number {
    return this.#next - 1;
  }

  /** True once the log said the agent has ended and everything was read. */
  get ended(): boolean {
    return this.#ended;
  }

  /** A live event (agent.event payload) of this agent. */
  offer(payload: Record<string, unknown> | undefined): void {
    const event = asLogEvent(payload);
    if (event === undefined || this.#stopped || event.seq < this.#next) return;
    this.#pending.set(event.seq, event);
    this.#drain();
    if (this.#pending.size > 0) void this.catchUp();
    this.#armQuiet();
  }

  /** Reads the durable log from the cursor to its end (one reader at a time; a call meanwhile reads again after). */
  catchUp(): Promise<void> {
    if (this.#reading !== undefined) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      do {
        this.#again = false;
        await this.#readLog();
      } while (this.#again && !this.#stopped);
    })()
      .catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.#reading = undefined;
        this.#armQuiet();
      });
    return this.#reading;
  }

  /** Starts the quiet-stream check; call once delivery has begun. */
  start(): void {
    this.#armQuiet();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#quiet);
  }

  async #readLog(): Promise<void> {
    for (;;) {
      const page = await this.#call('agent.logs', { id: this.#agentId, after: this.cursor, limit: PAGE });
      const events = Array.isArray(page.events) ? page.events : [];
      for (const raw of events) {
        const event = asLogEvent(raw);
        if (event !== undefined && event.seq >= this.#next) this.#pending.set(event.seq, event);
      }
      this.#drain();
      if (page.done === true && this.#pending.size === 0) this.#ended = true;
      if (events.length < PAGE || this.#stopped) return;
    }
  }

  #drain(): void {
    for (let event = this.#pending.get(this.#next); event !== undefined && !this.#stopped; event = this.#pending.get(this.#next)) {
      this.#pending.delete(this.#next);
      this.#next += 1;
      this.#deliver(event);
    }
  }

  #armQuiet(): void {
    clearTimeout(this.#quiet);
    if (this.#stopped) return;
    this.#quiet = setTimeout(() => void this.catchUp(), QUIET_MS);
    this.#quiet.unref();
  }
}
