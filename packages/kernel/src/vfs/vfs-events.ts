/**
 * `vfs.changed` events (DESIGN §7). Every change is published on the bus as a droppable event with a
 * per-path stream (`vfs:<path>`) for triggers, and delivered to each watch that hears it, addressed to
 * the watching client, with a per-watch stream (`vfs.watch:<id>`) so a client sees ordered sequence
 * numbers, and only while the watcher may still read the changed path.
 */
import type { Bus, BusClient } from '../bus/bus.ts';
import { type Payload, REQUIRES } from '../bus/envelope.ts';
import type { Principal } from '../security/principal.ts';
import { fsCapability } from './vfs-path.ts';
import { type VfsChange, type Watch, type WatchLimits, WatchTable } from './watchers.ts';

export const CHANGED_TOPIC = 'vfs.changed';

export class VfsEvents {
  readonly #bus: Bus;
  readonly #client: BusClient;
  readonly #watches: WatchTable;
  readonly #isClientLive: (clientId: string) => boolean;

  constructor(bus: Bus, options: { isClientLive?: (clientId: string) => boolean; watchLimits?: WatchLimits } = {}) {
    this.#bus = bus;
    this.#client = bus.connect({ id: `kernel:vfs:${crypto.randomUUID()}`, onMessage: () => {} });
    this.#watches = new WatchTable(options.watchLimits);
    this.#isClientLive = options.isClientLive ?? (() => true);
  }

  get watchCount(): number {
    return this.#watches.size;
  }

  watch(clientId: string, principal: Principal, path: string, recursive: boolean): Watch {
    return this.#watches.add(clientId, principal, path, recursive);
  }

  unwatch(clientId: string, watchId: string): void {
    this.#watches.remove(watchId, clientId);
    this.#bus.endStream(`vfs.watch:${watchId}`);
  }

  /** Forgets every watch of a client that went away. */
  dropClient(clientId: string): void {
    for (const watch of this.#watches.removeClient(clientId)) this.#bus.endStream(`vfs.watch:${watch.id}`);
  }

  publish(change: VfsChange): void {
    if (this.#client.closed) return;
    const payload = { ...change } as Payload;
    // Subscribers see a change only if they may read every path it names (see ingress/event-visibility.ts).
    const readable = change.from === undefined ? [change.path] : [change.path, change.from];
    const broadcast = { ...payload, [REQUIRES]: readable.map((path) => fsCapability('read', path)) };
    this.#client.publish(CHANGED_TOPIC, broadcast, { stream: `vfs:${change.path}`, droppable: true });
    for (const watch of this.#watches.matching(change)) {
      if (!this.#isClientLive(watch.clientId)) {
        this.dropClient(watch.clientId);
        continue;
      }
      if (!watch.principal.capabilities.check(fsCapability('read', change.path)).allowed) continue;
      this.#client.publish(CHANGED_TOPIC, { ...payload, watchId: watch.id }, { to: watch.clientId, stream: `vfs.watch:${watch.id}` });
    }
  }

  close(): void {
    this.#client.close();
  }
}
