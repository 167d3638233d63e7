/**
 * The tool interface (DESIGN §6, STYLE 5–7): one zod schema per tool gives the model its JSON Schema, the
 * runtime its argument validation and the author its input type. A tool names the capability a call
 * needs (computed from the validated input), says whether repeating a call with the same idempotency key
 * is safe (what a resumed run does with a call that was in flight at a crash), and may ask for a person's
 * approval for some inputs whatever the manifest says. A malformed definition fails here, at definition.
 *
 * A tool reaches kernel services only through the narrow handles in `ctx.services`, looked up by typed
 * keys that the service's own module declares (`serviceKey<VfsHandle>('vfs')`) and the composition root
 * provides; the agent runtime knows none of them.
 */
import { z } from 'zod';
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';

/** Tool names as every provider accepts them (`^[a-zA-Z0-9_-]{1,64}$`), lower snake case here. */
export const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** A typed key for one service handle; the module that owns the service declares it. */
export interface ServiceKey<T> {
  readonly name: string;
  /** Never set: carries the handle's type. */
  readonly __type?: T;
}

export function serviceKey<T>(name: string): ServiceKey<T> {
  return Object.freeze({ name });
}

/** The handles tools may use, provided by the composition root. */
export interface ToolServices {
  get<T>(key: ServiceKey<T>): T | undefined;
  /** The handle, or `not_found` naming the service the tool needs. */
  require<T>(key: ServiceKey<T>): T;
}

export class ServiceMap implements ToolServices {
  readonly #handles = new Map<string, unknown>();

  provide<T>(key: ServiceKey<T>, handle: T): this {
    if (this.#handles.has(key.name)) throw new TypeError(`service ${key.name} is already provided`);
    this.#handles.set(key.name, handle);
    return this;
  }

  get<T>(key: ServiceKey<T>): T | undefined {
    // Only provide() stores under key.name, with a handle typed by the same key.
    return this.#handles.get(key.name) as T | undefined;
  }

  require<T>(key: ServiceKey<T>): T {
    const handle = this.get(key);
    if (handle === undefined) throw new KernelError('not_found', `the ${key.name} service is not available to tools on this kernel`);
    return handle;
  }
}

/** What a running tool call knows. */
export interface ToolContext {
  /** The agent making the call; service handles check its capabilities again. */
  readonly principal: Principal;
  readonly agentId: string;
  /** The user the agent works for (`user:<name>`). */
  readonly owner: string;
  readonly runId: string;
  /** `<runId>:<step>:<callId>`: the same on a retry after a restart, so effects can be deduplicated. */
  readonly idempotencyKey: string;
  /** Aborted when the agent is stopped or the kernel shuts down. */
  readonly signal: AbortSignal;
  readonly services: ToolServices;
}

/** JSON a tool may return; strings go to the model as they are, anything else as JSON. */
export type ToolOutput = string | number | boolean | null | readonly ToolOutput[] | { readonly [key: string]: ToolOutput | undefined };

/**
 * What a call's status becomes while the tool runs: a tool that waits on a child agent or a person says
 * so, and the agent shows `waiting` (child | human) instead of `running`.
 */
export type ToolWait = 'child' | 'human';

export interface ToolSpec<S extends z.ZodObject> {
  name: string;
  /** What the model reads to decide when to call it. */
  description: string;
  input: S;
  /** The capability this call needs beyond `tool.use:<name>`, from the validated input; null when none. */
  capability(input: z.infer<S>): string | null;
  /** True when running the same call twice (same idempotency key) has the effect of running it once. */
  idempotent: boolean;
  approval?: {
    /** Ask a person for this input even when the manifest does not list the tool. */
    always?(input: z.infer<S>): boolean;
    /** What the person is asked to approve, e.g. "write 2 KB to /home/alice/notes.md". */
    summary?(input: z.infer<S>): string;
  };
  waits?: ToolWait;
  /** Largest output (UTF-8 bytes) the model sees; longer output is cut with a notice. Default 32 KiB. */
  maxOutputBytes?: number;
  execute(input: z.infer<S>, ctx: ToolContext): Promise<ToolOutput>;
}

/** A checked tool definition, with the JSON Schema the model sees. */
export interface Tool<S extends z.ZodObject = z.ZodObject> extends Readonly<ToolSpec<S>> {
  readonly inputSchema: Record<string, unknown>;
  readonly maxOutputBytes: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024;
const MAX_OUTPUT_CEILING = 1024 * 1024;

/** Declares a tool; throws TypeError on a malformed definition (bad name, empty description, no schema). */
export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): Tool<S> {
  if (!TOOL_NAME.test(spec.name)) throw new TypeError(`tool name ${JSON.stringify(spec.name)} must match ${TOOL_NAME.source}`);
  if (spec.description.trim() === '') throw new TypeError(`tool ${spec.name} needs a description`);
  if (!(spec.input instanceof z.ZodObject)) throw new TypeError(`tool ${spec.name}: input must be a zod object schema`);
  if (typeof spec.execute !== 'function' || typeof spec.capability !== 'function') {
    throw new TypeError(`tool ${spec.name} needs execute and capability functions`);
  }
  if (typeof spec.idempotent !== 'boolean') throw new TypeError(`tool ${spec.name} must declare whether it is idempotent`);
  const maxOutputBytes = spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 256 || maxOutputBytes > MAX_OUTPUT_CEILING) {
    throw new TypeError(`tool ${spec.name}: maxOutputBytes must be an integer from 256 to ${MAX_OUTPUT_CEILING}`);
  }
  return Object.freeze({ ...spec, inputSchema: toolJsonSchema(spec.name, spec.input), maxOutputBytes });
}

/** The JSON Schema of a tool's input: always an object schema with its properties listed. */
export function toolJsonSchema(name: string, input: z.ZodObject): Record<string, unknown> {
  let schema: Record<string, unknown>;
  try {
    schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'throw', target: 'draft-7' });
  } catch (thrown) {
    throw new TypeError(`tool ${name}: its input schema cannot be expressed as JSON Schema`, { cause: thrown });
  }
  delete schema.$schema;
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) {
    throw new TypeError(`tool ${name}: its JSON Schema must be an object with properties`);
  }
  return schema;
}
