/**
 * One attempt at one model turn through the AI SDK's streamText: text and reasoning stream out through
 * `onDelta` as they arrive, tool calls are collected (never executed), usage is read from the step's finish.
 * The attempt has an idle timer — the provider must send its next part within `idleTimeoutMs`, the first
 * included — so a stalled or half-sent stream ends as an error instead of a hang. Retries belong to the
 * caller (the SDK's own are off).
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type ModelMessage as SdkMessage, type ToolSet, streamText } from 'ai';
import type { ModelDelta, ModelResult, ToolCall } from './model-gateway.ts';

export interface TurnRequest {
  model: LanguageModelV3;
  system?: string;
  messages: SdkMessage[];
  tools: ToolSet;
  maxOutputTokens?: number;
  signal: AbortSignal;
  idleTimeoutMs: number;
  onDelta?: (delta: ModelDelta) => void;
}

export interface TurnOutcome {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: ModelResult['finishReason'];
  inputTokens: number;
  outputTokens: number;
}

/** A failed attempt, with what the gateway needs to decide whether to try again. */
export class AttemptError extends Error {
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Deltas already reached the caller; repeating the turn would repeat them. */
  readonly emitted: boolean;
  /** The failure came from the caller's own onDelta, not the provider. */
  readonly fromCaller: boolean;

  constructor(cause: unknown, state: { timedOut: boolean; cancelled: boolean; emitted: boolean; fromCaller: boolean }) {
    super('model attempt failed', { cause });
    this.name = 'AttemptError';
    this.timedOut = state.timedOut;
    this.cancelled = state.cancelled;
    this.emitted = state.emitted;
    this.fromCaller = state.fromCaller;
  }
}

class StreamAborted extends Error {}
class CallerFailed extends Error {}

export async function streamTurn(request: TurnRequest): Promise<TurnOutcome> {
  const attempt = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      attempt.abort(new StreamAborted('attempt idle timeout'));
    }, request.idleTimeoutMs);
  };
  const outcome: TurnOutcome = { text: '', reasoning: '', toolCalls: [], finishReason: 'other', inputTokens: 0, outputTokens: 0 };
  let emitted = false;
  const emit = (delta: ModelDelta): void => {
    if (request.onDelta === undefined) return;
    emitted = true;
    try {
      request.onDelta(delta);
    } catch (thrown) {
      throw new CallerFailed('onDelta threw', { cause: thrown });
    }
  };
  // Forwarded by hand: AbortSignal.any would tie a dependent signal to the caller's for every attempt.
  const forward = (): void => attempt.abort(request.signal.reason);
  request.signal.addEventListener('abort', forward, { once: true });
  if (request.signal.aborted) forward();
  arm();
  try {
    const result = streamText({
      model: request.model,
      ...(request.system === undefined ? {} : { system: request.system }),
      messages: request.messages,
      ...(Object.keys(request.tools).length === 0 ? {} : { tools: request.tools }),
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      maxRetries: 0,
      abortSignal: attempt.signal,
      // Errors arrive as stream parts below; this stops the SDK's default console logging of them.
      onError: () => undefined,
    });
    for await (const part of result.fullStream) {
      arm();
      switch (part.type) {
        case 'text-delta':
          outcome.text += part.text;
          emit({ type: 'text', text: part.text });
          break;
        case 'reasoning-delta':
          outcome.reasoning += part.text;
          emit({ type: 'reasoning', text: part.text });
          break;
        case 'tool-call':
          outcome.toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
          break;
        case 'finish-step':
          outcome.finishReason = part.finishReason;
          outcome.inputTokens = part.usage.inputTokens ?? 0;
          outcome.outputTokens = part.usage.outputTokens ?? 0;
          break;
        case 'error':
          throw part.error;
        case 'abort':
          throw new StreamAborted('stream aborted');
        default:
          break;
      }
    }
    if (request.signal.aborted) throw new StreamAborted('stream aborted');
    return outcome;
  } catch (thrown) {
    const fromCaller = thrown instanceof CallerFailed;
    throw new AttemptError(fromCaller ? thrown.cause : thrown, {
      timedOut: timedOut && !request.signal.aborted,
      cancelled: request.signal.aborted,
      emitted,
      fromCaller,
    });
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', forward);
    attempt.abort();
  }
}
