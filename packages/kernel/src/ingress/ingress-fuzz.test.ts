import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Envelope } from '../bus/envelope.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal } from '../security/principal.ts';
import { type TestKernel, WireClient, startTestKernel } from '../testing/kernel.ts';

const FRAMES = 10_000;
const BATCH = 100;

let kernel: TestKernel;
before(async () => {
  kernel = await startTestKernel({ limits: { max_payload_bytes: 2048, max_in_flight_per_connection: BATCH * 2 } });
});
after(() => kernel.dispose());

/** Frames built from real topics and payload shapes, then damaged in every way a client can damage them. */
function frameArbitrary(topics: readonly string[]): fc.Arbitrary<string | Uint8Array> {
  const topic = fc.oneof(fc.constantFrom(...topics), fc.string({ maxLength: 30 }), fc.constant('a.b:ack'), fc.constant(''));
  const payload = fc.oneof(
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
    fc.record({ pattern: fc.oneof(fc.constant('demo.*'), fc.string({ maxLength: 20 })) }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const envelope = fc.record(
    { id: fc.oneof(fc.uuid(), fc.jsonValue()), topic, from: fc.jsonValue(), to: fc.oneof(fc.string(), fc.integer()), payload, time: fc.jsonValue() },
    { requiredKeys: ['topic'] },
  );
  const text = envelope.map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: 5, arbitrary: text },
    { weight: 2, arbitrary: fc.tuple(text, fc.nat(), fc.string({ maxLength: 4 })).map(([t, at, junk]) => t.slice(0, at % (t.length + 1)) + junk) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ topic: 'kernel.status', payload: { pad: 'x'.repeat(3000) } })) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  );
}

/** Gives each frame that is an object with an object payload a unique _request_id, like a real client. */
function withRequestId(frame: string | Uint8Array, id: string): { frame: string | Uint8Array; id: string | undefined } {
  if (typeof frame !== 'string') return { frame, id: undefined };
  try {
    const value: unknown = JSON.parse(frame);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { frame, id: undefined };
    const record = value as Record<string, unknown>;
    const payload = record.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { frame, id: undefined };
    return { frame: JSON.stringify({ ...record, payload: { ...payload, _request_id: id } }), id };
  } catch {
    return { frame, id: undefined };
  }
}

async function waitForCount(received: Envelope[], count: number): Promise<void> {
  for (let spins = 0; received.length < count && spins < 10_000; spins++) await new Promise((resolve) => setImmediate(resolve));
}

test(`${FRAMES} random and mutated frames each get exactly one correlated reply or error`, async () => {
  const principal = makePrincipal('user', 'fuzzer', CapabilitySet.of(['kernel.status', 'topic.subscribe:demo.*', 'audit.read']));
  const client = new WireClient(kernel, { principal });
  const frames = fc.sample(frameArbitrary(kernel.registry.topics()), { numRuns: FRAMES, seed: 20261122 });
  let sent = 0;
  for (let start = 0; start < frames.length; start += BATCH) {
    const batch = frames.slice(start, start + BATCH).map((frame, i) => withRequestId(frame, `fuzz-${start + i}`));
    const before = client.received.length;
    for (const { frame } of batch) {
      assert.doesNotThrow(() => client.connection.receive(frame));
      sent++;
    }
    await waitForCount(client.received, before + batch.length);
    const answers = client.received.slice(before);
    assert.equal(answers.length, batch.length, `batch at ${start}: ${answers.length} answers for ${batch.length} frames`);
    const correlated = new Map<string, number>();
    for (const answer of answers) {
      assert.ok(answer.topic.endsWith(':ack') || answer.topic.endsWith('error'), `unexpected topic ${answer.topic}`);
      if (!answer.topic.endsWith(':ack')) assert.equal(typeof answer.payload?.code, 'string');
      const id = answer.payload?._request_id;
      if (typeof id === 'string') correlated.set(id, (correlated.get(id) ?? 0) + 1);
    }
    for (const { id, frame } of batch) {
      if (id !== undefined && typeof frame === 'string' && frame.length <= 2048) assert.equal(correlated.get(id), 1, `request ${id} answered ${correlated.get(id) ?? 0} times`);
    }
  }
  assert.equal(sent, FRAMES);
  const status = await client.call('kernel.status');
  assert.equal(status.topic, 'kernel.status:ack', 'the kernel still serves after the fuzz run');
});
