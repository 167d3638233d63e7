/**
 * A real kernel for tests: embedded backends in a fresh temporary data directory, silent logs,
 * and a client that speaks the wire protocol through the ingress and collects what comes back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Envelope, Payload } from '../bus/envelope.ts';
import { type ConfigInput, ConfigSchema } from '../config/config.ts';
import type { Connection } from '../ingress/connection.ts';
import type { ConnectOptions } from '../ingress/ingress.ts';
import { type Kernel, type KernelOptions, createKernel } from '../kernel.ts';
import { silentLogger } from '../observability/logger.ts';

export interface TestKernel extends Kernel {
  dispose(): Promise<void>;
}

export async function startTestKernel(config: Partial<ConfigInput> = {}, options: Pick<KernelOptions, 'agents'> = {}): Promise<TestKernel> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-test-'));
  // No warm WASI pool (each test kernel would fork runners it never uses) and no provider keys from the
  // developer's environment.
  const compute = { ...config.compute, wasi: { pool_size: 0, ...config.compute?.wasi } };
  const kernel = await createKernel(ConfigSchema.parse({ data_dir: dataDir, ...config, compute }), { ...options, logger: silentLogger(), env: {} });
  return Object.assign(kernel, {
    dispose: async () => {
      await kernel.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/** A wire client: sends frames, and resolves each request with the reply or error correlated to it. */
export class WireClient {
  readonly received: Envelope[] = [];
  readonly connection: Connection;
  #counter = 0;
  readonly #waiters = new Map<string, (envelope: Envelope) => void>();

  constructor(kernel: Kernel, options: Omit<ConnectOptions, 'onMessage'> = {}) {
    this.connection = kernel.ingress.connect({
      ...options,
      onMessage: (envelope) => {
        this.received.push(envelope);
        const id = envelope.payload?._request_id;
        if (typeof id === 'string') this.#waiters.get(id)?.(envelope);
      },
    });
  }

  nextId(): string {
    return `r${++this.#counter}`;
  }

  /** Sends a request and waits for the envelope that answers it. */
  call(topic: string, payload: Payload = {}): Promise<Envelope> {
    const requestId = this.nextId();
    const answered = this.waitFor(requestId);
    this.connection.receive(JSON.stringify({ topic, payload: { ...payload, _request_id: requestId } }));
    return answered;
  }

  waitFor(requestId: string): Promise<Envelope> {
    return new Promise((resolve) => {
      this.#waiters.set(requestId, (envelope) => {
        this.#waiters.delete(requestId);
        resolve(envelope);
      });
    });
  }

  /** Sends a raw frame and returns every envelope it produced once the kernel settles. */
  async raw(frame: string | Uint8Array): Promise<Envelope[]> {
    const before = this.received.length;
    this.connection.receive(frame);
    await settle();
    return this.received.slice(before);
  }
}

/** Lets pending promise callbacks and microtasks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
