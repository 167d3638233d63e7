/**
 * The bytes NatsBus puts on NATS: the envelope as JSON text, nothing around it (droppability travels in
 * the subject), so any NATS tool can read the traffic; events may travel as a JSON array of envelopes. Decoding trusts peers (nodes of the same bus) but
 * still checks the shape cheaply, since a malformed message must never reach a client or throw into the
 * NATS client's parser. Also maps the NATS client's publish failures onto KernelError codes.
 */
import { errors } from '@nats-io/transport-node';
import { KernelError } from '../contracts/errors.ts';
import type { Envelope } from './envelope.ts';

const decoder = new TextDecoder();

/** Buffer.from takes small strings from Node's shared pool: far cheaper than a TextEncoder allocation. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

export function decodeEnvelope(data: Uint8Array): Envelope | undefined {
  const value = parse(data);
  return isEnvelope(value) ? value : undefined;
}

/** An event message: one envelope, or a batch of them as a JSON array (see nats-batcher.ts). */
export function decodeEnvelopes(data: Uint8Array): Envelope[] {
  const value = parse(data);
  if (!Array.isArray(value)) return isEnvelope(value) ? [value] : [];
  return value.filter(isEnvelope);
}

function parse(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const { id, topic, from, to, payload, time } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof topic === 'string' &&
    typeof from === 'string' &&
    typeof time === 'string' &&
    (to === undefined || typeof to === 'string') &&
    (payload === undefined || (typeof payload === 'object' && payload !== null && !Array.isArray(payload)))
  );
}

/** A failed `nc.publish` as the error a bus caller sees. */
export function publishFailure(thrown: unknown): KernelError {
  if (thrown instanceof errors.InvalidArgumentError && thrown.message.includes('max_payload')) {
    return new KernelError('payload_too_large', 'envelope exceeds the NATS max_payload', undefined, { cause: thrown });
  }
  if (thrown instanceof errors.ClosedConnectionError || thrown instanceof errors.DrainingConnectionError) {
    return new KernelError('cancelled', 'the bus is closed', undefined, { cause: thrown });
  }
  return new KernelError('internal_error', 'could not publish to NATS', undefined, { cause: thrown });
}
