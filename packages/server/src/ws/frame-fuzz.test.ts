import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Envelope } from '@aether/kernel';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';
import { WireSocket } from '../testing/wire-socket.ts';

const FRAMES = 10_000;

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon({ server: { ws: { messages_per_second: 1_000_000, message_burst: 1_000_000 } } });
});
after(() => daemon.dispose());

/** A small seeded generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = ['kernel.status', 'bus.subscribe', 'bus.unsubscribe', 'bus.resume', 'audit.query', 'no.such', 'vfs:write', 'a', '', ' x', 'x'.repeat(300), 'bus.subscribe:ack', 'ü.topic'];
const VALUES: unknown[] = [null, true, 0, -1, 1e308, '', 'x', [], {}, [1, [2]], { a: { b: {} } }, '__proto__', 'x'.repeat(1000)];

function isAnswer(envelope: Envelope): boolean {
  return envelope.topic === 'error' || /:ack$|[.:]error$/.test(envelope.topic);
}

test('10,000 random and mutated frames on one connection are each answered exactly once, and the server lives', async () => {
  const seed = Number(process.env.AETHER_FUZZ_SEED ?? 20_260_101);
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const ids = new Set<string>();
  const frame = (i: number): string | Buffer => {
    const id = `id-${i}-${randomBytes(4).toString('hex')}`;
    const valid = JSON.stringify({ topic: pick(TOPICS.slice(0, 5)), payload: { _request_id: id, pattern: pick(['x.*', '*', 'bad pattern']) } });
    switch (Math.floor(random() * 8)) {
      case 0:
        return randomBytes(Math.floor(random() * 200));
      case 1:
        return JSON.stringify(pick(VALUES));
      case 2:
        ids.add(id);
        return JSON.stringify({ topic: pick(TOPICS), payload: { _request_id: id, [pick(['a', 'pattern', 'cursors', '__proto__'])]: pick(VALUES) } });
      case 3: {
        const chars = [...valid];
        for (let n = 0; n < 1 + Math.floor(random() * 4); n++) {
          const at = Math.floor(random() * chars.length);
          const op = random();
          if (op < 0.33) chars.splice(at, 1);
          else if (op < 0.66) chars.splice(at, 0, String.fromCharCode(Math.floor(random() * 128)));
          else chars[at] = pick(['"', '{', '}', ':', ',', '\\', '\u0000', 'é']);
        }
        return chars.join('');
      }
      case 4:
        return `${'['.repeat(5000)}${']'.repeat(5000)}`;
      case 5:
        ids.add(id);
        return `{"topic":"kernel.status","payload":{"_request_id":"${id}","__proto__":{"admin":true}},"from":"kernel","to":"x"}`;
      case 6:
        return JSON.stringify({ topic: 'kernel.status', payload: { _request_id: pick(VALUES) } });
      default:
        ids.add(id);
        return valid;
    }
  };
  for (let i = 0; i < FRAMES; i++) socket.send(frame(i));
  let scanned = 0;
  let answered = 0;
  await socket.until((received) => {
    for (; scanned < received.length; scanned++) if (isAnswer(received[scanned] as Envelope)) answered++;
    return answered >= FRAMES;
  });

  const answers = socket.received.filter(isAnswer);
  assert.equal(answers.length, FRAMES, 'one answer per frame');
  const seen = new Map<string, number>();
  for (const answer of answers) {
    const id = answer.payload?._request_id;
    if (typeof id === 'string') seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  for (const id of ids) assert.equal(seen.get(id), 1, `request ${id} answered ${seen.get(id) ?? 0} times (seed ${seed})`);
  for (const [id, count] of seen) if (id.startsWith('id-')) assert.equal(count, 1, `request ${id} answered ${count} times (seed ${seed})`);

  const reply = await socket.call('kernel.status');
  assert.equal(reply.topic, 'kernel.status:ack', 'the connection still works');
  assert.equal((await fetch(`${daemon.url}/health`)).status, 200, 'the server is alive');
  await socket.close();
});
