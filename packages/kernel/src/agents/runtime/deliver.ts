/**
 * Delivering a message to an agent: appended to its inbox once per message id (a repeated delivery of the
 * same id is a no-op), refused when the agent has ended or its inbox is full. Its run starts when the
 * agent is free; whoever sent it waits on the run's outcome by the message id.
 */
import { randomUUID } from 'node:crypto';
import { KernelError } from '../../contracts/errors.ts';
import type { AgentLimits } from '../loop/loop-env.ts';
import type { AgentProcess } from '../process/agent-process.ts';
import { event } from '../state/agent-events.ts';

/** Appends a message to an agent's inbox (once per message id), within its inbox limit. */
export async function deliver(process: AgentProcess, limits: AgentLimits, text: string, from: string, messageId?: string): Promise<{ messageId: string }> {
  const id = messageId ?? `m_${randomUUID()}`;
  if (process.state.seen.has(id)) return { messageId: id };
  if (process.state.ended !== undefined) throw new KernelError('conflict', `agent ${process.id} has ended (${process.state.ended.status})`, { agentId: process.id });
  if (process.state.inbox.length >= limits.inboxLimit) {
    throw new KernelError('resource_exceeded', `agent ${process.id} has ${limits.inboxLimit} messages waiting`, { limit: 'inbox' });
  }
  await process.append([event('message.received', { messageId: id, text, from })]);
  return { messageId: id };
}
