import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { schemaToTs } from './schema-to-ts.ts';

const ts = (schema: z.ZodType): string => schemaToTs(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })).replace(/\s+/g, ' ');

test('objects keep required and optional fields, with descriptions', () => {
  assert.equal(ts(z.object({ a: z.string(), b: z.number().optional().describe('the b') })), '{ a: string; /** the b */ b?: number; }');
});

test('records, arrays, enums, unions and literals', () => {
  assert.equal(ts(z.record(z.string(), z.number())), 'Record<string, number>');
  assert.equal(ts(z.array(z.union([z.string(), z.number()]))), '(string | number)[]');
  assert.equal(ts(z.enum(['a', 'b'])), '"a" | "b"');
  assert.equal(ts(z.literal(3)), '3');
  assert.equal(ts(z.object({}).strict()), 'Record<string, never>');
  assert.equal(ts(z.tuple([z.string(), z.boolean()])), '[string, boolean]');
  assert.equal(ts(z.string().nullable()), 'string | null');
});
