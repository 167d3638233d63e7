/**
 * The scripted model for runs whose model calls cannot be queued in advance — many agents at once, or a
 * kernel killed and restarted mid-run: each call plays one scripted turn chosen from the conversation it
 * is given (so the same conversation always gets the same turn, whichever kernel asks). It is the same
 * AI SDK mock as `scriptedModel`, one turn per call, behind the real gateway.
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { createModelGateway, type AetherModelGateway } from '../../models/create-model-gateway.ts';
import { scriptedModel, type ScriptedTurn } from '../../models/testing/scripted-model.ts';

export interface Conversation {
  /** Tool results since the last user message (0 at the start of a run). */
  readonly toolResults: number;
  /** The text of the last user message. */
  readonly lastUserText: string;
  readonly prompt: LanguageModelV3Prompt;
}

export function conversationOf(prompt: LanguageModelV3Prompt): Conversation {
  let toolResults = 0;
  let lastUserText = '';
  for (const message of prompt) {
    if (message.role === 'user') {
      toolResults = 0;
      lastUserText = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    } else if (message.role === 'tool') {
      toolResults += message.content.filter((part) => part.type === 'tool-result').length;
    }
  }
  return { toolResults, lastUserText, prompt };
}

export function conversationModel(next: (conversation: Conversation) => ScriptedTurn): LanguageModelV3 {
  const model = scriptedModel([]).model;
  model.doStream = (options) => scriptedModel([next(conversationOf(options.prompt))]).model.doStream(options);
  return model;
}

/** The real gateway over a conversation-scripted model, with room for thousands of agents at once. */
export function conversationGateway(next: (conversation: Conversation) => ScriptedTurn): AetherModelGateway {
  const model = conversationModel(next);
  return createModelGateway({
    defaultModel: 'scripted/test',
    providers: { scripted: { languageModel: () => model, maxConcurrent: 100_000, maxQueued: 100_000 } },
  });
}
