/**
 * Where the real PostgreSQL and NATS used by tests live, and whether a suite may skip without them.
 * `npm test` on a bare machine skips those suites with a reason; CI sets AETHER_REQUIRE_SERVICES=1 so a
 * missing service fails the run instead of passing quietly.
 */
import net from 'node:net';

export const TEST_DATABASE_URL = process.env.AETHER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_NATS_URL = process.env.AETHER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolves to `false` when the suite should run, or to a skip reason. Throws when the service is required.
 * Use as `{ skip: await skipUnless('postgres', TEST_DATABASE_URL) }`.
 */
export async function skipUnless(service: string, url: string): Promise<string | false> {
  if (await reachable(url)) return false;
  if (process.env.AETHER_REQUIRE_SERVICES === '1') {
    throw new Error(`${service} is required (AETHER_REQUIRE_SERVICES=1) but ${url} is not reachable`);
  }
  return `${service} not reachable at ${url}`;
}
