/**
 * `bus.resume { pattern, cursors }`: subscribe to `pattern` and, in the same step, replay the kept events
 * of each named stream after its cursor (the last `_seq` the client saw). Nothing published in between
 * can be missed or duplicated: the subscription and the replay happen in one synchronous turn, so live
 * events queue behind the replayed ones. The reply says which streams had a gap (events no longer kept)
 * and which have more to replay (ask again with the new cursor); replays stay within the client's queue
 * and pass the same visibility filter as live delivery (an owned event reaches only its owner).
 */
import { type BusClient, type Kernel, KernelError, PATTERN_REGEX, defineContract, matchesPattern } from '@aether/kernel';
import { z } from 'zod';
import type { ReplayBuffer } from './replay-buffer.ts';
import { mayReplay } from './replay-visibility.ts';

/** As for `bus.subscribe`. */
const MAX_PATTERNS_PER_CONNECTION = 256;
const MAX_CURSORS = 256;
/** At most this share of the client's queue is filled by one replay, leaving room for its replies. */
const QUEUE_SHARE = 0.5;

const Pattern = z.string().max(200).regex(PATTERN_REGEX, 'a topic, optionally ending in .* or :*, or * alone');

export const resumeContract = defineContract({
  topic: 'bus.resume',
  summary: 'Subscribe to a pattern and replay, per stream, the kept events after the cursor the client last saw.',
  request: z
    .object({
      pattern: Pattern,
      cursors: z
        .record(z.string().min(1).max(200), z.number().int().min(0))
        .refine((cursors) => Object.keys(cursors).length <= MAX_CURSORS, `at most ${MAX_CURSORS} streams per call`)
        .default({}),
    })
    .strict(),
  reply: z.object({
    pattern: z.string(),
    patterns: z.array(z.string()),
    replayed: z.number().int().nonnegative(),
    gaps: z.array(z.string()).describe('Streams whose events right after the cursor are no longer kept.'),
    more: z.array(z.string()).describe('Streams with more kept events than this call replayed; call again with the new cursor.'),
  }),
  capability: ({ pattern }) => `topic.subscribe:${pattern}`,
  idempotent: true,
});

export function registerResumeContract(kernel: Kernel, buffer: ReplayBuffer, replayer: BusClient): void {
  kernel.registry.register(resumeContract, ({ pattern, cursors }, { clientId, principal }) => {
    const client = kernel.ingress.connection(clientId)?.bus;
    if (client === undefined) throw new KernelError('missing_session', 'resuming belongs to a live connection');
    if (!client.patterns().includes(pattern) && client.patterns().length >= MAX_PATTERNS_PER_CONNECTION) {
      throw new KernelError('resource_exceeded', `at most ${MAX_PATTERNS_PER_CONNECTION} subscriptions per connection`, { limit: MAX_PATTERNS_PER_CONNECTION });
    }
    client.subscribe(pattern);
    let budget = Math.max(0, Math.floor(kernel.config.limits.queue_limit * QUEUE_SHARE) - client.stats().queued);
    let replayed = 0;
    const gaps: string[] = [];
    const more: string[] = [];
    for (const [stream, cursor] of Object.entries(cursors)) {
      const { events, complete } = buffer.after(stream, cursor);
      const matching = events.filter((event) => matchesPattern(pattern, event.topic) && mayReplay(principal, event.topic, event.payload));
      if (!complete && matching.length > 0) gaps.push(stream);
      const sent = matching.slice(0, budget);
      for (const event of sent) replayer.publish(event.topic, event.payload, { to: clientId });
      budget -= sent.length;
      replayed += sent.length;
      if (sent.length < matching.length) more.push(stream);
    }
    return Promise.resolve({ pattern, patterns: [...client.patterns()], replayed, gaps, more });
  });
}
