/**
 * REST paths derived from topics, deterministically and reversibly: every `.` becomes `/`, a `:` stays
 * (it is legal inside a URL path segment). `vm.spawn` → `/api/v1/vm/spawn`, `vfs:write` →
 * `/api/v1/vfs:write`. Topics never contain `/`, so no two topics share a path.
 */

export const API_PREFIX = '/api/v1';

/** The URL path a topic is served at. */
export function restPathOf(topic: string): string {
  return `${API_PREFIX}/${topic.replaceAll('.', '/')}`;
}

/** The topic served at a URL path, or undefined when the path is not under the API prefix. */
export function topicOfRestPath(path: string): string | undefined {
  if (!path.startsWith(`${API_PREFIX}/`)) return undefined;
  const rest = path.slice(API_PREFIX.length + 1);
  return rest === '' ? undefined : rest.replaceAll('/', '.');
}

/** The same path in Fastify's route syntax, where a literal `:` is written `::`. */
export function fastifyRouteOf(topic: string): string {
  return restPathOf(topic).replaceAll(':', '::');
}
