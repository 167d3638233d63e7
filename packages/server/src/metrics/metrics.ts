/**
 * Prometheus metrics of the gateway (prom-client), in a registry of its own so two daemons in one
 * process (tests) never share counters: HTTP requests, errors by wire code and surface, WebSocket
 * connections and frames, slow consumers closed, and the kernel's bus and ingress figures read at scrape.
 */
import type { Kernel } from '@aether/kernel';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type Surface = 'ws' | 'http' | 'rpc' | 'socket';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'route' | 'status'>;
  readonly #errors: Counter<'code' | 'surface'>;
  readonly #frames: Counter;
  readonly #slow: Counter;
  readonly #wsConnections: Gauge;
  #openSockets = 0;

  constructor(kernel: Kernel) {
    const registers = [this.registry];
    this.#requests = new Counter({ name: 'aether_http_requests_total', help: 'HTTP requests answered, by route and status', labelNames: ['route', 'status'], registers });
    this.#errors = new Counter({ name: 'aether_errors_total', help: 'Errors answered, by wire code and surface', labelNames: ['code', 'surface'], registers });
    this.#frames = new Counter({ name: 'aether_ws_frames_received_total', help: 'WebSocket frames received', registers });
    this.#slow = new Counter({ name: 'aether_ws_slow_consumers_closed_total', help: 'WebSockets closed because they could not take their replies', registers });
    this.#wsConnections = new Gauge({ name: 'aether_ws_connections', help: 'Open WebSocket connections', registers });
    new Gauge({
      name: 'aether_ingress_connections',
      help: 'Kernel ingress connections (WebSocket, socket and in-flight HTTP calls)',
      registers,
      collect() {
        this.set(kernel.ingress.connectionCount);
      },
    });
    new Gauge({
      name: 'aether_bus',
      help: 'Bus figures (clients, subscriptions; published, delivered, dropped since start)',
      labelNames: ['figure'],
      registers,
      collect() {
        const stats = kernel.bus.stats();
        for (const figure of ['clients', 'subscriptions', 'published', 'delivered', 'dropped'] as const) this.set({ figure }, stats[figure]);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'aether_process_' });
  }

  /** `route` is the route pattern (a bounded set), never the raw URL. */
  httpAnswered(route: string, status: number): void {
    this.#requests.inc({ route, status: String(status) });
  }

  errorSent(code: string, surface: Surface): void {
    this.#errors.inc({ code, surface });
  }

  frameReceived(): void {
    this.#frames.inc();
  }

  slowConsumerClosed(): void {
    this.#slow.inc();
  }

  socketOpened(): void {
    this.#wsConnections.set(++this.#openSockets);
  }

  socketClosed(): void {
    this.#wsConnections.set(--this.#openSockets);
  }
}
