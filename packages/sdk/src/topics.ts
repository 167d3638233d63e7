/**
 * Topic algebra the SDK needs: reply and error topics of a request (DESIGN §4) and trailing-`*`
 * patterns. A deliberate tiny copy of the kernel's `bus/topics.ts`: the SDK runs in browsers and must not
 * import the kernel (lint forbids it, and it would drag node:crypto, zod and the store into a page).
 * A server test (packages/server/src/sdk-parity.test.ts) checks both copies agree on every shape of topic.
 */

/** `vm.spawn` → `vm.spawn:ack`. */
export function ackTopicOf(topic: string): string {
  return `${topic}:ack`;
}

/** `a:b` → `a:b:error`; else `a.b` → `a.b.error`; else `error`. */
export function errorTopicOf(topic: string): string {
  if (topic.includes(':')) return `${topic}:error`;
  if (topic.includes('.')) return `${topic}.error`;
  return 'error';
}

/** A pattern is an exact topic, or a prefix then one trailing `*` that matches any suffix. */
export function matchesPattern(pattern: string, topic: string): boolean {
  return pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}
