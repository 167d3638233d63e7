/**
 * Builds the answer to one request: an addressed `<topic>:ack`, or an addressed error on the derived
 * error topic, carrying the request's `_request_id`. Exactly one answer per request.
 */
import type { KernelError } from '../contracts/errors.ts';
import type { Responder } from './bus.ts';
import { type Envelope, type Payload, REQUEST_ID, makeEnvelope, requestIdOf } from './envelope.ts';
import { ackTopicOf, errorTopicOf } from './topics.ts';

export const KERNEL_SENDER = 'kernel';

export function ackEnvelope(request: Envelope, payload: Payload = {}): Envelope {
  const requestId = requestIdOf(request);
  const body = requestId === undefined ? payload : { ...payload, [REQUEST_ID]: requestId };
  return makeEnvelope(ackTopicOf(request.topic), KERNEL_SENDER, body, request.from);
}

export function errorEnvelope(request: { topic: string; from: string; payload?: Payload | undefined }, error: KernelError): Envelope {
  return makeEnvelope(errorTopicOf(request.topic), KERNEL_SENDER, error.toPayload(requestIdOf(request)), request.from);
}

export function makeResponder(request: Envelope, send: (envelope: Envelope) => void): Responder {
  let answered = false;
  return {
    request,
    ack(payload?: Payload): void {
      if (answered) return;
      answered = true;
      send(ackEnvelope(request, payload));
    },
    fail(error: KernelError): void {
      if (answered) return;
      answered = true;
      send(errorEnvelope(request, error));
    },
  };
}
