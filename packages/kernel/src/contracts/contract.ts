/**
 * A contract declares one topic once (DESIGN §1.5): request and reply schemas, the capability it requires
 * (computed from the validated payload), its stream topics and whether repeating it is safe. Every surface
 * (WebSocket, REST, JSON-RPC, MCP, OpenAPI, docs) is derived from these declarations.
 */
import type { z } from 'zod';
import { TOPIC_PATTERN } from '../bus/envelope.ts';
import type { Principal } from '../security/principal.ts';

export type RequestSchema = z.ZodObject;

export interface ContractSpec<Req extends RequestSchema, Rep extends z.ZodType> {
  topic: string;
  /** One line for docs and tool descriptions. */
  summary: string;
  request: Req;
  reply: Rep;
  /**
   * The capability a caller must hold, from the validated payload (e.g. `fs.write:<path>`).
   * `null` means any authenticated principal may call it.
   */
  capability: (payload: z.infer<Req>) => string | null;
  /** Topics of the events this contract streams (e.g. `vm.stdout`). */
  streams?: readonly string[];
  /** True when calling twice with the same payload has the effect of calling once. */
  idempotent: boolean;
  /** May be called before authentication (e.g. `auth.login`). Default false. */
  public?: boolean;
}

export interface Contract<Req extends RequestSchema = RequestSchema, Rep extends z.ZodType = z.ZodType>
  extends Readonly<ContractSpec<Req, Rep>> {
  readonly streams: readonly string[];
  readonly public: boolean;
}

export type RequestOf<C> = C extends Contract<infer Req, z.ZodType> ? z.infer<Req> : never;
export type ReplyOf<C> = C extends Contract<RequestSchema, infer Rep> ? z.infer<Rep> : never;

/** What a handler knows about the call it is answering. */
export interface CallContext {
  readonly principal: Principal;
  readonly requestId: string;
  /** The bus client the call came from; replies and session events are addressed to it. */
  readonly clientId: string;
  /** Aborted when the caller goes away or the kernel shuts down. */
  readonly signal: AbortSignal;
}

export type ContractHandler<C extends Contract> = (payload: RequestOf<C>, context: CallContext) => Promise<ReplyOf<C>>;

/** Declares a contract; a malformed declaration fails here, at registration time, not when called. */
export function defineContract<Req extends RequestSchema, Rep extends z.ZodType>(spec: ContractSpec<Req, Rep>): Contract<Req, Rep> {
  if (!TOPIC_PATTERN.test(spec.topic) || spec.topic.endsWith(':ack') || /[.:]error$/.test(spec.topic)) {
    throw new TypeError(`contract topic ${JSON.stringify(spec.topic)} is not a valid request topic`);
  }
  for (const stream of spec.streams ?? []) {
    if (!TOPIC_PATTERN.test(stream)) throw new TypeError(`contract ${spec.topic}: invalid stream topic ${JSON.stringify(stream)}`);
  }
  if (spec.summary.trim() === '') throw new TypeError(`contract ${spec.topic} needs a summary`);
  return Object.freeze({ ...spec, streams: Object.freeze([...(spec.streams ?? [])]), public: spec.public ?? false });
}
