/**
 * Operator topic rules (DESIGN §4, config `permissions: [{ topic_prefix, allow }]`): an ordered list of
 * allow/deny decisions by topic prefix, checked at ingress before capabilities. The first rule whose
 * prefix matches decides. With no rules everything passes; once any rule exists, a topic no rule
 * mentions is denied, so an operator who starts listing topics gets an allowlist, not a leaky one.
 */
import { z } from 'zod';
import { KernelError } from '../contracts/errors.ts';

export const TopicRuleSchema = z.strictObject({
  /** Matched with startsWith; a trailing `*` is accepted and means the same (`vm.*` ≡ `vm.`). */
  topic_prefix: z.string().max(200),
  allow: z.boolean(),
});
export type TopicRule = z.infer<typeof TopicRuleSchema>;

export interface TopicDecision {
  allowed: boolean;
  /** The rule that decided; absent when no rules exist or none matched. */
  rule?: TopicRule;
}

export class TopicRules {
  readonly #rules: readonly { readonly prefix: string; readonly rule: TopicRule }[];

  /** Throws `payload_invalid` naming the bad rule. */
  constructor(rules: readonly TopicRule[]) {
    this.#rules = rules.map((rule, i) => {
      const parsed = TopicRuleSchema.safeParse(rule);
      if (!parsed.success) {
        throw new KernelError('payload_invalid', `permissions[${i}]: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`, {
          index: i,
        });
      }
      const prefix = parsed.data.topic_prefix.endsWith('*') ? parsed.data.topic_prefix.slice(0, -1) : parsed.data.topic_prefix;
      return { prefix, rule: Object.freeze(parsed.data) };
    });
  }

  decide(topic: string): TopicDecision {
    if (this.#rules.length === 0) return { allowed: true };
    for (const { prefix, rule } of this.#rules) {
      if (topic.startsWith(prefix)) return { allowed: rule.allow, rule };
    }
    return { allowed: false };
  }
}
