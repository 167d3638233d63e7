/**
 * Decoding one inbound frame into an envelope the kernel trusts: size limit, JSON, envelope shape.
 * Failures still carry the topic and `_request_id` when they can be read, so the error is correlated.
 */
import { z } from 'zod';
import { Payload, REQUEST_ID, Topic } from '../bus/envelope.ts';
import { KernelError } from '../contracts/errors.ts';

/** What a client sends. The kernel fills `from` (and `id`/`time` when absent); it never trusts them. */
export const InboundEnvelope = z.object({
  id: z.string().min(1).max(128).optional(),
  topic: Topic,
  from: z.unknown().optional(),
  to: z.string().min(1).max(200).optional(),
  payload: Payload.optional(),
  time: z.unknown().optional(),
});

export interface InboundRequest {
  id: string | undefined;
  topic: string;
  requestId: string;
  payload: Record<string, unknown>;
}

/** Where a failed frame's error goes: its topic and request id, when they could be read. */
export interface FrameFailure {
  topic: string | undefined;
  requestId: string | undefined;
  error: KernelError;
}

const REQUEST_ID_SCHEMA = z.string().min(1).max(128);
const LOOSE_TOPIC = /"topic"\s*:\s*"([A-Za-z0-9_.:-]{1,200})"/;
const LOOSE_REQUEST_ID = /"_request_id"\s*:\s*"([^"\\]{1,128})"/;

export function decodeFrame(frame: string | Uint8Array, maxBytes: number): InboundRequest | FrameFailure {
  const byteLength = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength;
  const text = typeof frame === 'string' ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8');
  if (byteLength > maxBytes) {
    // Too big to parse safely; a bounded look at its head still lets the error be correlated.
    const head = text.slice(0, 4096);
    return {
      topic: LOOSE_TOPIC.exec(head)?.[1],
      requestId: LOOSE_REQUEST_ID.exec(head)?.[1],
      error: new KernelError('payload_too_large', `frame of ${byteLength} bytes exceeds the ${maxBytes} byte limit`, { limit: maxBytes, size: byteLength }),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { topic: undefined, requestId: undefined, error: new KernelError('payload_invalid', 'frame is not valid JSON') };
  }
  const topic = pick(value, 'topic', Topic);
  const payload = isObject(value) ? value.payload : undefined;
  const requestId = pick(payload, REQUEST_ID, REQUEST_ID_SCHEMA);
  const parsed = InboundEnvelope.safeParse(value);
  if (!parsed.success) {
    return { topic, requestId, error: new KernelError('payload_invalid', `invalid envelope: ${z.prettifyError(parsed.error)}`) };
  }
  if (requestId === undefined) {
    return { topic, requestId, error: new KernelError('payload_invalid', 'a request needs payload._request_id (a string of 1 to 128 characters)') };
  }
  return { id: parsed.data.id, topic: parsed.data.topic, requestId, payload: parsed.data.payload ?? {} };
}

export function isFailure(result: InboundRequest | FrameFailure): result is FrameFailure {
  return 'error' in result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick<T>(value: unknown, key: string, schema: z.ZodType<T>): T | undefined {
  if (!isObject(value)) return undefined;
  const parsed = schema.safeParse(value[key]);
  return parsed.success ? parsed.data : undefined;
}
