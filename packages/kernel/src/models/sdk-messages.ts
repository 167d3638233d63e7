/**
 * Converts Aether's model messages and tools (model-gateway.ts) into the AI SDK's shapes. Tools are passed
 * without `execute`: the SDK returns the model's tool calls and the agent loop runs them. A tool whose
 * JSON Schema is empty or not an object schema is refused here, at call time, with `payload_invalid` —
 * providers need an object schema and an empty one would let the model send anything.
 */
import { type JSONSchema7, type ModelMessage as SdkMessage, type ToolSet, jsonSchema, tool } from 'ai';
import { KernelError } from '../contracts/errors.ts';
import type { ModelMessage, ModelTool } from './model-gateway.ts';

/** What OpenAI, Anthropic and Gemini all accept as a function name. */
const TOOL_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/;

export function toSdkMessages(messages: readonly ModelMessage[]): SdkMessage[] {
  const out: SdkMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        out.push({ role: 'user', content: message.text });
        break;
      case 'assistant': {
        const content: Exclude<Extract<SdkMessage, { role: 'assistant' }>['content'], string> = [];
        if (message.reasoning !== undefined && message.reasoning !== '') content.push({ type: 'reasoning', text: message.reasoning });
        if (message.text !== '') content.push({ type: 'text', text: message.text });
        for (const call of message.toolCalls ?? []) {
          content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.input });
        }
        out.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const part = {
          type: 'tool-result' as const,
          toolCallId: message.callId,
          toolName: message.name,
          output: message.isError ? { type: 'error-text' as const, value: message.output } : { type: 'text' as const, value: message.output },
        };
        // Consecutive results answer one assistant turn; providers want them in one message.
        const previous = out.at(-1);
        if (previous?.role === 'tool') previous.content.push(part);
        else out.push({ role: 'tool', content: [part] });
        break;
      }
      default: {
        const unknownRole: never = message;
        throw new KernelError('payload_invalid', `unknown message role in ${JSON.stringify(unknownRole)}`);
      }
    }
  }
  return out;
}

export function toSdkTools(tools: readonly ModelTool[]): ToolSet {
  const set: ToolSet = {};
  for (const modelTool of tools) {
    if (!TOOL_NAME.test(modelTool.name)) {
      throw new KernelError('payload_invalid', `tool name ${JSON.stringify(modelTool.name)} must match ${TOOL_NAME.source}`, {
        tool: modelTool.name,
      });
    }
    if (Object.hasOwn(set, modelTool.name)) {
      throw new KernelError('payload_invalid', `tool ${modelTool.name} is declared twice`, { tool: modelTool.name });
    }
    set[modelTool.name] = tool({ description: modelTool.description, inputSchema: jsonSchema(objectSchema(modelTool)) });
  }
  return set;
}

function objectSchema(modelTool: ModelTool): JSONSchema7 {
  const schema: unknown = modelTool.inputSchema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || Object.keys(schema).length === 0) {
    throw new KernelError('payload_invalid', `tool ${modelTool.name} has an empty input schema`, { tool: modelTool.name });
  }
  if ((schema as { type?: unknown }).type !== 'object') {
    throw new KernelError('payload_invalid', `tool ${modelTool.name}: input schema must be of type "object"`, {
      tool: modelTool.name,
    });
  }
  // A JSON object with `type: "object"`; providers validate the rest of the schema themselves.
  return schema;
}
