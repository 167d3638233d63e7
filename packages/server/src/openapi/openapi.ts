/**
 * The OpenAPI 3.1 document of the REST surface, generated from the contract registry's JSON Schemas
 * (OpenAPI 3.1 speaks JSON Schema 2020-12, which is what zod emits). Nothing here names a topic.
 */
import { type ContractDescriptor, ERROR_CODES } from '@aether/kernel';
import { SESSION_COOKIE } from '../auth/cookies.ts';
import { restPathOf } from '../http/topic-path.ts';

type Json = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

export function openApiDocument(descriptors: readonly ContractDescriptor[], version: string): Json {
  const schemas: Json = {
    Error: {
      type: 'object',
      required: ['code', 'error'],
      properties: {
        code: { type: 'string', enum: [...ERROR_CODES] },
        error: { type: 'string', description: 'What went wrong and, where possible, what to do next.' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  };
  const paths: Json = {
    '/health': { get: { operationId: 'health', summary: 'Liveness; no authentication, no details.', security: [], responses: { '200': { description: '{"status":"ok"}' } } } },
  };
  for (const descriptor of descriptors) {
    const name = schemaName(descriptor.topic);
    paths[restPathOf(descriptor.topic)] = {
      post: {
        operationId: descriptor.topic,
        summary: descriptor.summary,
        tags: [namespaceOf(descriptor.topic)],
        ...(descriptor.public ? { security: [] } : {}),
        'x-aether-topic': descriptor.topic,
        'x-aether-idempotent': descriptor.idempotent,
        'x-aether-streams': [...descriptor.streams],
        requestBody: { required: false, content: { 'application/json': { schema: hoist(descriptor.request, `${name}Request`, schemas) } } },
        responses: {
          '200': { description: 'The reply.', content: { 'application/json': { schema: hoist(descriptor.reply, `${name}Reply`, schemas) } } },
          default: { description: 'An error with its wire code.', content: { 'application/json': { schema: ERROR_REF } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Aether',
      version,
      description: 'Every kernel contract as POST /api/v1/<topic with dots as slashes>. The same contracts are served on /ws (Aether wire protocol) and /rpc (JSON-RPC 2.0).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token or CLI login credential (or the operator admin token).' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Browser session; state-changing requests also send x-csrf-token.' },
      },
    },
  };
}

function namespaceOf(topic: string): string {
  return /^[^.:]+/.exec(topic)?.[0] ?? topic;
}

/** `vfs:write` → `VfsWrite`: a component-name-safe spelling. */
function schemaName(topic: string): string {
  return topic
    .split(/[.:_-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A schema ready to embed: `$schema` dropped, local `$defs` moved into components and a root
 * self-reference (`#`) pointed at the schema's own component, with every `$ref` rewritten — inside the
 * OpenAPI document, `#/$defs/…` and `#` would resolve against the whole document.
 */
function hoist(schema: Record<string, unknown>, name: string, components: Json): Json {
  const { $schema: _dialect, $defs, ...rest } = schema;
  const defs = isObject($defs) ? $defs : {};
  const self = `#/components/schemas/${name}`;
  const renamed = new Map<string, string>([['#', self], ...Object.keys(defs).map((key): [string, string] => [`#/$defs/${key}`, `${self}_${key}`])]);
  let recursive = false;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') {
        recursive ||= inner === '#';
        out[key] = renamed.get(inner) ?? inner;
      } else out[key] = rewrite(inner);
    }
    return out;
  };
  for (const [key, def] of Object.entries(defs)) components[`${name}_${key}`] = rewrite(def);
  const body = rewrite(rest) as Json;
  if (!recursive) return body;
  components[name] = body;
  return { $ref: self };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
