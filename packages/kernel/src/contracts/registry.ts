/**
 * The contract registry: every topic the kernel answers, declared once. It validates a call's payload,
 * checks the capability the contract requires, runs the handler and checks its reply. Surfaces (the
 * WebSocket ingress now; REST, JSON-RPC, MCP and docs later) read `describe()` instead of restating shapes.
 */
import { z } from 'zod';
import type { Payload } from '../bus/envelope.ts';
import type { Principal } from '../security/principal.ts';
import type { CallContext, Contract, ContractHandler } from './contract.ts';
import { KernelError, toKernelError } from './errors.ts';

/** What a surface needs to know about one contract, with JSON Schemas for its payloads. */
export interface ContractDescriptor {
  topic: string;
  summary: string;
  idempotent: boolean;
  public: boolean;
  streams: readonly string[];
  request: Record<string, unknown>;
  reply: Record<string, unknown>;
}

/** Told about every capability denial, so it can be audited. */
export type DenialListener = (principal: Principal, topic: string, missing: string) => void;

const ENTRY = Symbol('entry');

/** A validated, authorised call; only the registry can make one. */
export interface PreparedCall {
  readonly contract: Contract;
  readonly request: Payload;
  readonly [ENTRY]: Entry;
}

interface Entry {
  contract: Contract;
  handler: (payload: Payload, context: CallContext) => Promise<unknown>;
}

export class ContractRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #onDenial: DenialListener | undefined;
  #descriptors: ContractDescriptor[] | undefined;

  constructor(options: { onDenial?: DenialListener } = {}) {
    this.#onDenial = options.onDenial;
  }

  register<C extends Contract>(contract: C, handler: ContractHandler<C>): void {
    if (this.#entries.has(contract.topic)) throw new KernelError('conflict', `contract ${contract.topic} is already registered`);
    // The handler's parameter type is the contract's request type; the registry only calls it after
    // parsing the payload with that contract's schema, which is what makes this widening sound.
    const entry: Entry = { contract, handler: handler as unknown as Entry['handler'] };
    this.#entries.set(contract.topic, entry);
    this.#descriptors = undefined;
  }

  get(topic: string): Contract | undefined {
    return this.#entries.get(topic)?.contract;
  }

  topics(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /** Every contract with JSON Schemas of its request and reply, sorted by topic. */
  describe(): readonly ContractDescriptor[] {
    this.#descriptors ??= this.topics().map((topic) => {
      const { contract } = this.#entries.get(topic) as Entry;
      return {
        topic,
        summary: contract.summary,
        idempotent: contract.idempotent,
        public: contract.public,
        streams: contract.streams,
        request: z.toJSONSchema(contract.request, { io: 'input', unrepresentable: 'any' }),
        reply: z.toJSONSchema(contract.reply, { io: 'output', unrepresentable: 'any' }),
      };
    });
    return this.#descriptors;
  }

  /**
   * Runs one call end to end: prepare, then invoke. Throws a KernelError: `not_found` (no such contract),
   * `payload_invalid` (with the schema issues), `permission_denied` (with the missing capability and how to
   * grant it), or whatever the handler raised; an unexpected throw becomes `internal_error`.
   */
  async call(topic: string, payload: Payload, context: CallContext): Promise<Payload> {
    return this.invoke(this.prepare(topic, payload, context.principal), context);
  }

  /** Finds the contract, validates the payload and checks the capability, without running anything. */
  prepare(topic: string, payload: Payload, principal: Principal): PreparedCall {
    const entry = this.#entries.get(topic);
    if (entry === undefined) throw new KernelError('not_found', `unknown topic ${topic}`, { topic });
    const request = this.parse(entry.contract, payload);
    this.authorize(entry.contract, request, principal);
    return { contract: entry.contract, request, [ENTRY]: entry };
  }

  async invoke(prepared: PreparedCall, context: CallContext): Promise<Payload> {
    const { contract, request } = prepared;
    let reply: unknown;
    try {
      reply = await prepared[ENTRY].handler(request, context);
    } catch (thrown) {
      throw toKernelError(thrown);
    }
    const checked = contract.reply.safeParse(reply);
    if (!checked.success) {
      throw new KernelError('internal_error', `handler of ${contract.topic} produced a reply that breaks its contract`, undefined, {
        cause: checked.error,
      });
    }
    return (checked.data ?? {}) as Payload;
  }

  /** Validates a payload against the contract's request schema. */
  parse(contract: Contract, payload: Payload): Payload {
    const { _request_id: _ignored, ...body } = payload;
    const parsed = contract.request.safeParse(body);
    if (!parsed.success) {
      throw new KernelError('payload_invalid', `invalid payload for ${contract.topic}: ${z.prettifyError(parsed.error)}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      });
    }
    return parsed.data;
  }

  /** Checks the capability the contract computes from the validated payload. Fails closed. */
  authorize(contract: Contract, request: Payload, principal: Principal): void {
    let required: string | null;
    try {
      required = contract.capability(request);
    } catch (thrown) {
      throw new KernelError('permission_denied', `could not compute the capability for ${contract.topic}`, undefined, { cause: thrown });
    }
    if (required === null) return;
    const decision = principal.capabilities.check(required);
    if (decision.allowed) return;
    this.#onDenial?.(principal, contract.topic, decision.missing);
    throw new KernelError('permission_denied', `${principal.id} lacks ${decision.missing} for ${contract.topic}`, {
      missing: decision.missing,
      hint: decision.hint,
    });
  }
}
