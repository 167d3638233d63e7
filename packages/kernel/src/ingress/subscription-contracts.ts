/**
 * `bus.subscribe` / `bus.unsubscribe`: a connection asks to receive events matching a pattern
 * (trailing `*` matches any suffix). Subscribing needs `topic.subscribe:<pattern>`.
 */
import { z } from 'zod';
import { PATTERN_REGEX } from '../bus/topics.ts';
import { defineContract } from '../contracts/contract.ts';
import type { ContractRegistry } from '../contracts/registry.ts';
import { KernelError } from '../contracts/errors.ts';
import type { Ingress } from './ingress.ts';

const Pattern = z.string().max(200).regex(PATTERN_REGEX, 'a topic, optionally ending in .* or :*, or * alone');
const SubscriptionRequest = z.object({ pattern: Pattern }).strict();
const SubscriptionReply = z.object({ pattern: z.string(), patterns: z.array(z.string()) });

/** Most patterns one connection may hold. */
export const MAX_PATTERNS_PER_CONNECTION = 256;

export const subscribeContract = defineContract({
  topic: 'bus.subscribe',
  summary: 'Receive events whose topic matches the pattern.',
  request: SubscriptionRequest,
  reply: SubscriptionReply,
  capability: ({ pattern }) => `topic.subscribe:${pattern}`,
  idempotent: true,
});

export const unsubscribeContract = defineContract({
  topic: 'bus.unsubscribe',
  summary: 'Stop receiving events for a pattern this connection subscribed to.',
  request: SubscriptionRequest,
  reply: SubscriptionReply,
  capability: () => null,
  idempotent: true,
});

export function registerSubscriptionContracts(registry: ContractRegistry, ingress: Ingress): void {
  const clientOf = (clientId: string) => {
    const connection = ingress.connection(clientId);
    if (connection === undefined) throw new KernelError('missing_session', 'subscriptions belong to a live connection');
    return connection.bus;
  };
  registry.register(subscribeContract, ({ pattern }, { clientId }) => {
    const client = clientOf(clientId);
    if (!client.patterns().includes(pattern) && client.patterns().length >= MAX_PATTERNS_PER_CONNECTION) {
      throw new KernelError('resource_exceeded', `at most ${MAX_PATTERNS_PER_CONNECTION} subscriptions per connection`, { limit: MAX_PATTERNS_PER_CONNECTION });
    }
    client.subscribe(pattern);
    return Promise.resolve({ pattern, patterns: [...client.patterns()] });
  });
  registry.register(unsubscribeContract, ({ pattern }, { clientId }) => {
    const client = clientOf(clientId);
    client.unsubscribe(pattern);
    return Promise.resolve({ pattern, patterns: [...client.patterns()] });
  });
}
