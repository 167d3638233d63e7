/**
 * Topic algebra shared by every backend: reply and error topic derivation and trailing-`*` patterns.
 */
import { KernelError } from '../contracts/errors.ts';
import { MAX_TOPIC_LENGTH, TOPIC_PATTERN } from './envelope.ts';

/** Topics already checked: publishing checks every topic, and a hot path repeats a few. Bounded. */
const checkedTopics = new Set<string>();
const MAX_CHECKED_TOPICS = 4096;

/** Dotted or coloned words only: nothing a backend (NATS subjects included) could misread. */
export function isValidTopic(topic: string): boolean {
  if (checkedTopics.has(topic)) return true;
  if (topic.length > MAX_TOPIC_LENGTH || !TOPIC_PATTERN.test(topic)) return false;
  if (checkedTopics.size >= MAX_CHECKED_TOPICS) checkedTopics.clear();
  checkedTopics.add(topic);
  return true;
}

export function assertTopic(topic: string): void {
  if (!isValidTopic(topic)) throw new KernelError('payload_invalid', `invalid topic: ${JSON.stringify(topic.slice(0, MAX_TOPIC_LENGTH))}`);
}

/** The success reply topic of a request topic. */
export function ackTopicOf(topic: string): string {
  return `${topic}:ack`;
}

/** DESIGN §4: `a:b` → `a:b:error`; else `a.b` → `a.b.error`; else `error`. */
export function errorTopicOf(topic: string): string {
  if (topic.includes(':')) return `${topic}:error`;
  if (topic.includes('.')) return `${topic}.error`;
  return 'error';
}

/** A pattern is an exact topic, or a prefix followed by a single trailing `*` that matches any suffix. */
export function isWildcard(pattern: string): boolean {
  return pattern.endsWith('*');
}

export function patternPrefix(pattern: string): string {
  return isWildcard(pattern) ? pattern.slice(0, -1) : pattern;
}

export function matchesPattern(pattern: string, topic: string): boolean {
  return isWildcard(pattern) ? topic.startsWith(patternPrefix(pattern)) : pattern === topic;
}

/** Valid subscription patterns: a topic, a topic prefix ending in `.`/`:` then `*`, or `*` alone. */
export const PATTERN_REGEX = /^(?:\*|[A-Za-z0-9_-]+(?:[.:][A-Za-z0-9_-]+)*(?:[.:]\*)?)$/;
