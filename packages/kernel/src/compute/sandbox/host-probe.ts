/**
 * Host probes (is bubblewrap usable, is slirp4netns) run once per binary path and host user: the host
 * does not change under a running kernel, and both success and failure are kept, so a missing tool is
 * reported the same way on every spawn without probing again.
 */
import type { HostUser } from './host-user.ts';

export function oncePer<T>(probe: (path: string, user: HostUser | undefined) => Promise<T>): (path: string, user: HostUser | undefined) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (path, user) => {
    const key = `${path}\u0000${user?.uid ?? ''}`;
    let found = cache.get(key);
    if (found === undefined) {
      found = probe(path, user);
      cache.set(key, found);
    }
    return found;
  };
}
