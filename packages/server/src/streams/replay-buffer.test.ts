import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Envelope, makeEnvelope } from '@aether/kernel';
import { ReplayBuffer } from './replay-buffer.ts';

const event = (stream: string, seq: number, size = 10): Envelope => makeEnvelope('vm.stdout', 'test', { _stream: stream, _seq: seq, data: 'x'.repeat(size) });

test('events after a cursor come back in order; anything not a stream event is ignored', () => {
  const buffer = new ReplayBuffer({ max_streams: 10, events_per_stream: 10, max_bytes: 1_000_000 });
  for (let seq = 1; seq <= 5; seq++) buffer.record(event('vm:1', seq));
  buffer.record(makeEnvelope('vm.list', 'test', { plain: true }));
  const replay = buffer.after('vm:1', 2);
  assert.deepEqual(replay.events.map((e) => e.seq), [3, 4, 5]);
  assert.equal(replay.complete, true);
  assert.deepEqual(buffer.after('vm:1', 5), { events: [], complete: true });
  assert.equal(buffer.streamCount, 1);
});

test('a cursor older than what is kept is reported as a gap', () => {
  const buffer = new ReplayBuffer({ max_streams: 10, events_per_stream: 3, max_bytes: 1_000_000 });
  for (let seq = 1; seq <= 10; seq++) buffer.record(event('s', seq));
  const replay = buffer.after('s', 2);
  assert.deepEqual(replay.events.map((e) => e.seq), [8, 9, 10]);
  assert.equal(replay.complete, false);
  assert.equal(buffer.after('s', 7).complete, true);
});

test('streams and bytes are bounded; a forgotten stream still reports its gap', () => {
  const buffer = new ReplayBuffer({ max_streams: 2, events_per_stream: 100, max_bytes: 2_000 });
  for (let seq = 1; seq <= 3; seq++) buffer.record(event('a', seq));
  buffer.record(event('b', 1));
  buffer.record(event('c', 1));
  assert.equal(buffer.streamCount, 2);
  assert.deepEqual(buffer.after('a', 1), { events: [], complete: false });
  assert.deepEqual(buffer.after('a', 3), { events: [], complete: true });
  for (let seq = 2; seq <= 100; seq++) buffer.record(event('c', seq, 100));
  assert.ok(buffer.bytes <= 2_000, `kept ${buffer.bytes} bytes`);
  assert.equal(buffer.after('c', 0).complete, false);
});
