/**
 * Fitting a conversation into the model's context window (manifest `memory`: `max_history_messages`
 * and aaOS's `context_window`). Older whole exchanges go first, cut at a user message so a tool call is
 * never separated from its result; if the current exchange alone is still too long, the oldest tool
 * outputs are replaced by a short notice (the calls stay, so the model knows what it did and can redo
 * a read). Token counts are estimates: about three characters a token, on the cautious side.
 */
import type { ModelMessage, ModelTool } from '../../models/model-gateway.ts';

const CHARS_PER_TOKEN = 3;
/** Room kept for the model's reply: a quarter of the window, at most 4096 tokens. */
const MAX_REPLY_RESERVE = 4096;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function messageTokens(message: ModelMessage): number {
  switch (message.role) {
    case 'user':
      return estimateTokens(message.text) + 4;
    case 'assistant':
      return estimateTokens(message.text) + estimateTokens(message.reasoning ?? '') + estimateTokens(JSON.stringify(message.toolCalls)) + 4;
    case 'tool':
      return estimateTokens(message.output) + estimateTokens(message.name) + 8;
  }
}

/** The most recent messages, at most `max`, starting at a user message (never mid tool exchange). */
export function recentHistory(messages: readonly ModelMessage[], max: number | undefined): readonly ModelMessage[] {
  if (max === undefined || messages.length <= max) return messages;
  for (let start = messages.length - max; start < messages.length; start++) {
    if (messages[start]?.role === 'user') return messages.slice(start);
  }
  // One exchange longer than the limit: keep it whole from its user message.
  for (let start = messages.length - max; start >= 0; start--) {
    if (messages[start]?.role === 'user') return messages.slice(start);
  }
  return messages;
}

export interface ContextLimits {
  maxMessages?: number;
  windowTokens?: number;
  system: string;
  tools: readonly ModelTool[];
}

/** The messages to send: within the message limit, then within the token window as far as it can be met. */
export function fitContext(messages: readonly ModelMessage[], limits: ContextLimits): readonly ModelMessage[] {
  const recent = recentHistory(messages, limits.maxMessages);
  if (limits.windowTokens === undefined) return recent;
  const fixed = estimateTokens(limits.system) + estimateTokens(JSON.stringify(limits.tools));
  const budget = limits.windowTokens - Math.min(MAX_REPLY_RESERVE, Math.floor(limits.windowTokens / 4)) - fixed;
  const sizes = recent.map(messageTokens);
  let total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= budget) return recent;
  let start = 0;
  // Drop whole exchanges from the front while a later user message exists to start from.
  for (let next = 1; next < recent.length && total > budget; next++) {
    if (recent[next]?.role !== 'user') continue;
    for (let i = start; i < next; i++) total -= sizes[i] ?? 0;
    start = next;
  }
  const kept = recent.slice(start);
  if (total <= budget) return kept;
  // Still too long: the current exchange itself. Elide the oldest tool outputs, keeping the newest.
  const fitted = [...kept];
  for (let i = 0; i < fitted.length - 1 && total > budget; i++) {
    const message = fitted[i];
    if (message?.role !== 'tool') continue;
    const notice = `[${message.output.length} characters of this earlier tool output were removed to fit the context window; call the tool again if you need them]`;
    const shorter = { ...message, output: notice };
    total += messageTokens(shorter) - messageTokens(message);
    fitted[i] = shorter;
  }
  return fitted;
}
