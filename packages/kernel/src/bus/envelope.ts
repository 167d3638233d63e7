/**
 * The envelope: the one shape of every request, reply and event on the bus (DESIGN §4).
 * `from` is set by the kernel and is never an identity; `payload`, when present, is a JSON object.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Topics are dotted or coloned words: `vm.spawn`, `vfs:write`, `vm.spawn:ack`, `vfs:write:error`. */
export const TOPIC_PATTERN = /^[A-Za-z0-9_-]+(?:[.:][A-Za-z0-9_-]+)*$/;
export const MAX_TOPIC_LENGTH = 200;

export const Topic = z.string().max(MAX_TOPIC_LENGTH).regex(TOPIC_PATTERN, 'topic must be dotted or coloned words');

export const Payload = z.record(z.string(), z.unknown());
export type Payload = Record<string, unknown>;

export const Envelope = z.object({
  id: z.string().min(1).max(128),
  topic: Topic,
  from: z.string().max(200),
  to: z.string().min(1).max(200).optional(),
  payload: Payload.optional(),
  time: z.iso.datetime({ offset: true }),
});
export type Envelope = z.infer<typeof Envelope>;

/** Metadata keys the bus owns inside a payload. */
export const REQUEST_ID = '_request_id';
export const SEQUENCE = '_seq';
export const STREAM = '_stream';
/** The principal an event's resource belongs to; only it (and who acts for it) sees the event. */
export const OWNER = '_owner';
/** Capabilities a subscriber must hold to see an event about a shared resource. */
export const REQUIRES = '_requires';

export function newId(): string {
  return randomUUID();
}

let lastMs = Number.NaN;
let lastIso = '';

/** The current time as ISO-8601; formatted once per millisecond, since bursts share one. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

export function makeEnvelope(topic: string, from: string, payload?: Payload, to?: string): Envelope {
  const envelope: Envelope = { id: newId(), topic, from, time: isoNow() };
  if (payload !== undefined) envelope.payload = payload;
  if (to !== undefined) envelope.to = to;
  return envelope;
}

export function requestIdOf(envelope: { payload?: Payload | undefined }): string | undefined {
  const value = envelope.payload?.[REQUEST_ID];
  return typeof value === 'string' ? value : undefined;
}
