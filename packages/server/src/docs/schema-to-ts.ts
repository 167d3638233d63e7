/**
 * JSON Schema (as zod emits it) → a TypeScript type expression, for the SDK's generated contract
 * types. Covers what contracts use: objects (required/optional, records), arrays and tuples, enums,
 * consts, unions, intersections and primitives. References and anything unrecognised become `unknown`.
 */

type Schema = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function schemaToTs(schema: unknown, indent = ''): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (!isObject(schema)) return 'unknown';
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(' | ') || 'never';
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return union(options.map((option) => schemaToTs(option, indent)));
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.map((part) => wrap(schemaToTs(part, indent))).join(' & ') || 'unknown';
  const type: unknown = schema.type;
  if (Array.isArray(type)) return union(type.map((t: unknown) => schemaToTs({ ...schema, type: t }, indent)));
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return arrayType(schema, indent);
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function arrayType(schema: Schema, indent: string): string {
  if (Array.isArray(schema.prefixItems)) return `[${schema.prefixItems.map((item) => schemaToTs(item, indent)).join(', ')}]`;
  return `${wrap(schemaToTs(schema.items, indent))}[]`;
}

function objectType(schema: Schema, indent: string): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : []);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([key, value]) => {
    const description = isObject(value) && typeof value.description === 'string' ? `${inner}/** ${value.description.replaceAll('*/', '* /')} */\n` : '';
    return `${description}${inner}${IDENTIFIER.test(key) ? key : JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${schemaToTs(value, inner)};`;
  });
  const extra = schema.additionalProperties;
  if (isObject(extra) || extra === true) {
    if (lines.length === 0) return `Record<string, ${schemaToTs(extra === true ? undefined : extra, indent)}>`;
    lines.push(`${inner}[key: string]: unknown;`);
  }
  if (lines.length === 0) return extra === false ? 'Record<string, never>' : 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

function wrap(type: string): string {
  return /^[A-Za-z0-9_.<>, ]+$/.test(type) || type.startsWith('{') ? type : `(${type})`;
}

function literal(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
