/**
 * One call through the kernel boundary for request/response transports (REST, JSON-RPC, the Unix
 * socket). Each call gets an ephemeral ingress connection, so it passes exactly the guardrails a
 * WebSocket frame passes — size limit, envelope schema, topic rules, capability check, per-(principal,
 * topic) rate limit — and the answer is the one correlated reply or error the ingress produces.
 */
import { randomUUID } from 'node:crypto';
import { type Envelope, type ErrorPayload, type Kernel, type Payload, type Principal, KernelError, ackTopicOf, errorTopicOf } from '@aether/kernel';

/** Who is calling, as the transport authenticated them. */
export interface CallAuth {
  readonly principal: Principal | undefined;
  /** Presented the operator admin token (or is the local operator socket). */
  readonly admin: boolean;
}

export type CallOutcome = { readonly ok: true; readonly reply: Payload } | { readonly ok: false; readonly error: ErrorPayload };

export interface CallOptions {
  timeoutMs: number;
  /** Aborts when the caller went away; the call is cancelled and answered `cancelled`. */
  signal?: AbortSignal;
  /** The caller's network address (per-address login throttling). */
  source?: string;
}

/** Runs `topic` with `payload` (anything: the ingress validates it) and resolves with its one answer. */
export function callThroughIngress(kernel: Kernel, auth: CallAuth, topic: string, payload: unknown, options: CallOptions): Promise<CallOutcome> {
  const requestId = randomUUID();
  return new Promise<CallOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: CallOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      connection?.close();
      resolve(outcome);
    };
    const fail = (error: KernelError): void => finish({ ok: false, error: error.toPayload() });
    const onAbort = (): void => fail(new KernelError('cancelled', 'the caller went away'));
    const timer = setTimeout(() => fail(new KernelError('timeout', `no answer to ${topic} within ${options.timeoutMs} ms`, { timeoutMs: options.timeoutMs })), options.timeoutMs);

    const onMessage = (envelope: Envelope): void => {
      const answer = answerOf(envelope, topic, requestId);
      if (answer !== undefined) finish(answer);
    };
    let connection: ReturnType<Kernel['ingress']['connect']> | undefined;
    try {
      connection = kernel.ingress.connect({ principal: auth.principal, admin: auth.admin, onMessage, ...(options.source === undefined ? {} : { source: options.source }) });
    } catch (thrown) {
      fail(thrown instanceof KernelError ? thrown : new KernelError('internal_error', 'internal error'));
      return;
    }
    if (options.signal?.aborted === true) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const body = isObject(payload) ? { ...payload, _request_id: requestId } : payload;
    connection.receive(JSON.stringify({ topic, payload: body }));
  });
}

/**
 * The reply or error that answers this request; undefined for anything else. The connection is
 * ephemeral and subscribes to nothing, so an error without a request id (the frame could not be read
 * that far) is still this call's.
 */
function answerOf(envelope: Envelope, topic: string, requestId: string): CallOutcome | undefined {
  const payload = envelope.payload ?? {};
  const id = payload._request_id;
  if (id === requestId && envelope.topic === ackTopicOf(topic)) {
    const { _request_id: _id, ...reply } = payload;
    return { ok: true, reply };
  }
  const errorTopic = envelope.topic === errorTopicOf(topic) || envelope.topic === 'error';
  if (!errorTopic || (id !== undefined && id !== requestId)) return undefined;
  const error = KernelError.parsePayload(payload);
  if (error === undefined) return { ok: false, error: { code: 'internal_error', error: 'malformed error reply' } };
  const { _request_id: _drop, ...rest } = error.toPayload();
  return { ok: false, error: rest };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
