/**
 * The projection of an agent's log: one pure reducer folds each event into the state the loop decides
 * from and the contracts report. Replaying the log after a restart and applying events as they are
 * appended use the same `apply`, so a resumed agent is in exactly the state it was in when it stopped.
 */
import type { ModelMessage, ToolCall } from '../../models/model-gateway.ts';
import type { ToolWait } from '../tools/tool.ts';
import type { EndReason } from './agent-status.ts';
import type { ApprovalDecision, LoggedEvent, RunOutcome, SpawnedData } from './agent-events.ts';

export interface InboxMessage {
  readonly messageId: string;
  readonly text: string;
  readonly from: string;
}

export interface RunResult {
  readonly outcome: RunOutcome;
  readonly text?: string;
  readonly reason?: EndReason;
}

export interface CallProgress {
  approvalId?: string;
  expiresAt?: string;
  decision?: ApprovalDecision;
  note?: string;
  /** Set by tool.started: the effect may have begun. */
  started?: { key: string; waits?: ToolWait };
  finished?: boolean;
}

export interface Turn {
  readonly step: number;
  readonly calls: readonly ToolCall[];
  readonly progress: Map<string, CallProgress>;
}

export interface RunProgress {
  readonly runId: string;
  readonly messageId: string;
  readonly from: string;
  readonly startedAt: string;
  /** Model turns requested so far in this run. */
  step: number;
  tokens: number;
  costUsd: number;
  /** A model call was requested and has not answered (in flight, or lost to a crash). */
  modelPending: boolean;
  /** The last model turn's tool calls, while any is unanswered. */
  turn?: Turn;
  /** The last model turn, when it asked for no tools: the run's answer. */
  final?: string;
}

export interface AgentState {
  readonly info: SpawnedData;
  lastSeq: number;
  ended?: { status: RunOutcome; reason?: EndReason };
  paused: boolean;
  inbox: InboxMessage[];
  /** Message ids received, newest last (bounded): a resent message is not queued twice. */
  seen: Set<string>;
  /** Outcomes of recent runs by message id (bounded), for whoever waits on them. */
  results: Map<string, RunResult>;
  /** The conversation the model sees. */
  messages: ModelMessage[];
  run?: RunProgress;
  runs: number;
  /** When the latest run started (a scheduled agent's next run is due a period later). */
  lastRunAt?: string;
  restarts: number;
  revoked: string[];
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  /** The model that answered last (the manifest may leave the choice to the gateway's default). */
  model?: string;
}

/**
 * Bounds on what a long-lived agent keeps in memory: message ids seen, recent run outcomes, and the
 * conversation (the oldest exchanges go first, whole, when a new run starts past the limit; the log keeps
 * everything).
 */
export const STATE_LIMITS = { seenMessages: 1000, results: 200, messages: 2000 } as const;

function remember<K, V>(map: Map<K, V> | Set<K>, key: K, value: V, limit: number): void {
  if (map instanceof Set) map.add(key);
  else map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

export function initialState(info: SpawnedData, seq: number): AgentState {
  return {
    info,
    lastSeq: seq,
    paused: false,
    inbox: [],
    seen: new Set(),
    results: new Map(),
    messages: [],
    runs: 0,
    restarts: 0,
    revoked: [],
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  };
}

function progressOf(run: RunProgress | undefined, callId: string): CallProgress | undefined {
  return run?.turn?.progress.get(callId);
}

function endRun(state: AgentState, result: RunResult, messageId: string): void {
  remember(state.results, messageId, result, STATE_LIMITS.results);
  delete state.run;
}

/** Folds one event into the state (in place; the state is owned by one agent process). */
export function apply(state: AgentState, logged: LoggedEvent): AgentState {
  state.lastSeq = logged.seq;
  const run = state.run;
  switch (logged.type) {
    case 'agent.spawned':
      break;
    case 'message.received': {
      const { messageId, text, from } = logged.data;
      remember(state.seen, messageId, undefined, STATE_LIMITS.seenMessages);
      state.inbox.push({ messageId, text, from });
      break;
    }
    case 'run.started': {
      const index = state.inbox.findIndex((message) => message.messageId === logged.data.messageId);
      const [message] = index === -1 ? [] : state.inbox.splice(index, 1);
      state.runs += 1;
      state.lastRunAt = logged.time;
      state.run = {
        runId: logged.data.runId,
        messageId: logged.data.messageId,
        from: message?.from ?? '',
        startedAt: logged.time,
        step: 0,
        tokens: 0,
        costUsd: 0,
        modelPending: false,
      };
      if (state.messages.length >= STATE_LIMITS.messages) {
        const next = state.messages.findIndex((m, i) => i >= state.messages.length - STATE_LIMITS.messages / 2 && m.role === 'user');
        state.messages = next === -1 ? [] : state.messages.slice(next);
      }
      state.messages.push({ role: 'user', text: message?.text ?? '' });
      break;
    }
    case 'model.requested':
      if (run !== undefined) {
        run.step = logged.data.step;
        run.modelPending = true;
      }
      break;
    case 'model.delta':
      break;
    case 'model.responded': {
      const { text, reasoning, toolCalls } = logged.data;
      state.model = logged.data.model;
      state.messages.push({ role: 'assistant', text, toolCalls, ...(reasoning === undefined ? {} : { reasoning }) });
      if (run === undefined) break;
      run.modelPending = false;
      if (toolCalls.length > 0) run.turn = { step: logged.data.step, calls: toolCalls, progress: new Map(toolCalls.map((call) => [call.id, {}])) };
      else run.final = text;
      break;
    }
    case 'usage': {
      const { inputTokens, outputTokens, costUsd } = logged.data;
      state.usage.inputTokens += inputTokens;
      state.usage.outputTokens += outputTokens;
      state.usage.costUsd += costUsd;
      if (run !== undefined) {
        run.tokens += inputTokens + outputTokens;
        run.costUsd += costUsd;
      }
      break;
    }
    case 'model.failed':
      if (run !== undefined) run.modelPending = false;
      break;
    case 'approval.requested': {
      const progress = progressOf(run, logged.data.callId);
      if (progress !== undefined) {
        progress.approvalId = logged.data.approvalId;
        if (logged.data.expiresAt !== undefined) progress.expiresAt = logged.data.expiresAt;
      }
      break;
    }
    case 'approval.decided': {
      const progress = progressOf(run, logged.data.callId);
      if (progress !== undefined) {
        progress.decision = logged.data.decision;
        if (logged.data.note !== undefined) progress.note = logged.data.note;
      }
      break;
    }
    case 'tool.started': {
      const progress = progressOf(run, logged.data.callId);
      if (progress !== undefined) progress.started = { key: logged.data.key, ...(logged.data.waits === undefined ? {} : { waits: logged.data.waits }) };
      break;
    }
    case 'tool.finished': {
      const { callId, name, output, status } = logged.data;
      const progress = progressOf(run, callId);
      if (progress === undefined || run?.turn === undefined) break;
      progress.finished = true;
      state.messages.push({ role: 'tool', callId, name, output, isError: status !== 'ok' });
      if ([...run.turn.progress.values()].every((call) => call.finished === true)) delete run.turn;
      break;
    }
    case 'run.finished': {
      const { outcome, text, reason, messageId } = logged.data;
      endRun(state, { outcome, ...(text === undefined ? {} : { text }), ...(reason === undefined ? {} : { reason }) }, messageId);
      break;
    }
    case 'agent.paused':
      state.paused = true;
      break;
    case 'agent.resumed':
      state.paused = false;
      break;
    case 'agent.restarted':
      // A restarted agent starts over with an empty conversation.
      state.restarts = logged.data.attempt;
      state.messages = [];
      break;
    case 'capability.revoked':
      if (!state.revoked.includes(logged.data.capability)) state.revoked.push(logged.data.capability);
      break;
    case 'agent.ended':
      state.ended = { status: logged.data.status, ...(logged.data.reason === undefined ? {} : { reason: logged.data.reason }) };
      state.paused = false;
      break;
    default:
      return assertNever(logged);
  }
  return state;
}

function assertNever(value: never): never {
  throw new Error(`unhandled agent event ${JSON.stringify(value)}`);
}

/** Rebuilds the state from a whole log (the first event must be agent.spawned). */
export function replay(events: readonly LoggedEvent[]): AgentState {
  const [first, ...rest] = events;
  if (first?.type !== 'agent.spawned') throw new Error('an agent log starts with agent.spawned');
  const state = initialState(first.data, first.seq);
  for (const logged of rest) apply(state, logged);
  return state;
}
