/**
 * The one suite every bus backend passes (DESIGN §4 "Backends"). A backend's test file calls
 * `busConformanceSuite(name, makeBus, options)`, which registers node:test cases. Cases that involve
 * parties talking to each other run on one node and, when the backend can form a cluster (`makePair`),
 * again with the parties on two nodes of one bus.
 */
import { describe } from 'node:test';
import type { Bus } from './bus.ts';
import { deliveryCases } from './conformance/delivery-cases.ts';
import type { MakeNodes } from './conformance/kit.ts';
import { nodeCases } from './conformance/node-cases.ts';
import { queueCases } from './conformance/queue-cases.ts';
import { requestCases } from './conformance/request-cases.ts';

export interface ConformanceOptions<B extends Bus> {
  /** Skip the whole suite with this reason (e.g. the backend's server is not reachable). */
  skip?: string | false;
  /** Two nodes of one bus (e.g. two NatsBus connections on one subject prefix). */
  makePair?: () => Promise<readonly [B, B]>;
  /** Subscriptions the backend itself holds; after clients come and go they must return to the baseline. */
  backendSubscriptions?: (bus: B) => number;
}

export function busConformanceSuite<B extends Bus>(name: string, makeBus: () => Promise<B>, options: ConformanceOptions<B> = {}): void {
  const topologies: { label: string; make: MakeNodes }[] = [
    {
      label: 'parties on one node',
      make: async () => {
        const bus = await makeBus();
        return { a: bus, b: bus };
      },
    },
  ];
  const { makePair } = options;
  if (makePair !== undefined) {
    topologies.push({
      label: 'parties on two nodes',
      make: async () => {
        const [a, b] = await makePair();
        return { a, b };
      },
    });
  }

  void describe(`${name} bus conformance`, { skip: options.skip ?? false }, () => {
    for (const { label, make } of topologies) {
      void describe(label, () => {
        deliveryCases(make);
        requestCases(make);
        queueCases(make);
      });
    }
    void describe('one node', () => {
      nodeCases(makeBus, options.backendSubscriptions === undefined ? {} : { backendSubscriptions: options.backendSubscriptions });
    });
  });
}
