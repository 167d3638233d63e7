/**
 * AI SDK middleware that makes a provider stream cut off before its end an error. Depending on the
 * provider, the SDK reports such a stream with no finish event at all (Anthropic without message_stop) or
 * with finish reason "other" and no raw reason (Chat Completions without finish_reason, Responses without
 * response.completed, Gemini without finishReason) — either would let a truncated answer pass for a whole
 * one. Every provider's wire format ends a good stream by saying why it stopped.
 */
import type { LanguageModelV3, LanguageModelV3Middleware, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { MalformedStreamError } from './model-failure.ts';

const integrity: LanguageModelV3Middleware = {
  specificationVersion: 'v3',
  wrapStream: async ({ doStream }) => {
    const result = await doStream();
    let finished = false;
    let failed = false;
    const checked = result.stream.pipeThrough(
      new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          if (part.type === 'finish') {
            if (part.finishReason.unified === 'other' && part.finishReason.raw === undefined && !failed) {
              failed = true;
              controller.enqueue({ type: 'error', error: new MalformedStreamError('the provider stream ended without saying why it stopped') });
              return;
            }
            finished = true;
          }
          if (part.type === 'error') failed = true;
          controller.enqueue(part);
        },
        flush(controller) {
          if (!finished && !failed) {
            controller.enqueue({ type: 'error', error: new MalformedStreamError('the provider stream ended without a finish event') });
          }
        },
      }),
    );
    return { ...result, stream: checked };
  },
};

export function withStreamIntegrity(model: LanguageModelV3): LanguageModelV3 {
  return wrapLanguageModel({ model, middleware: integrity });
}
