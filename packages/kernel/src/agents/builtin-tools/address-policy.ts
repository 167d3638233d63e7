/**
 * Which IP addresses web_fetch may not reach on its own: anything that is not a public unicast address —
 * loopback, private, link-local, multicast, unspecified, carrier-grade NAT, benchmarking, documentation
 * and reserved ranges, in IPv4 and IPv6. IPv6 forms that carry an IPv4 address (IPv4-mapped, the old
 * IPv4-compatible form, NAT64, 6to4) are judged by the IPv4 address inside them, so `::ffff:127.0.0.1`
 * is loopback. Addresses are parsed to bytes here, not matched as text.
 */
import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [prefix: readonly number[], bits: number, kind: string];

const V4: readonly Range[] = [
  [[0], 8, 'unspecified ("this network")'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'carrier-grade NAT'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link-local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'IETF protocol assignment'],
  [[192, 0, 2], 24, 'documentation'],
  [[192, 88, 99], 24, 'reserved (6to4 relay)'],
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'benchmarking'],
  [[198, 51, 100], 24, 'documentation'],
  [[203, 0, 113], 24, 'documentation'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved'],
];

const V6: readonly Range[] = [
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'discard-only'],
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'private (local NAT64)'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'],
  [[0x20, 0x01, 0x00], 23, 'IETF protocol assignment (Teredo and others)'],
  [[0xfc], 7, 'private (unique local)'],
  [[0xfe, 0x80], 10, 'link-local'],
  [[0xfe, 0xc0], 10, 'private (site-local)'],
  [[0xff], 8, 'multicast'],
];

function inRange(bytes: Uint8Array, prefix: readonly number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if (((bytes[bit >> 3] ?? 0) & mask) !== ((prefix[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

function v4Bytes(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

/** The 16 bytes of an IPv6 address (`::` expanded, a trailing dotted IPv4 part included). */
function v6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    tail.push(...v4Bytes(body.slice(lastColon + 1)));
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = body.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = groups(left);
  const rest = right === undefined ? [] : groups(right);
  const all = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  all.forEach((group, i) => {
    out[i * 2] = group >> 8;
    out[i * 2 + 1] = group & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

function classifyV4(bytes: Uint8Array): string | undefined {
  return V4.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2];
}

function classifyV6(bytes: Uint8Array): string | undefined {
  const zeros = (from: number, to: number): boolean => bytes.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 16)) return 'unspecified';
  if (zeros(0, 15) && bytes[15] === 1) return 'loopback';
  const embedded = (from: number): string | undefined => {
    const kind = classifyV4(bytes.subarray(from, from + 4));
    return kind === undefined ? undefined : `${kind} (IPv4 inside IPv6)`;
  };
  // IPv4-mapped ::ffff:a.b.c.d, and the deprecated IPv4-compatible ::a.b.c.d.
  if (zeros(0, 10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || (bytes[10] === 0 && bytes[11] === 0))) return embedded(12);
  // NAT64 64:ff9b::a.b.c.d.
  if (inRange(bytes, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96)) return embedded(12);
  // 6to4 2002:AABB:CCDD::/48 carries a.b.c.d in bytes 2–5.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return embedded(2);
  return V6.find(([prefix, bits]) => inRange(bytes, prefix, bits))?.[2];
}

/** What kind of non-public address `ip` is, or undefined for a public unicast address. Not an IP: throws. */
export function specialUse(ip: string): string | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIPv4(bare)) return classifyV4(v4Bytes(bare));
  if (isIPv6(bare)) return classifyV6(v6Bytes(bare));
  throw new TypeError(`not an IP address: ${ip}`);
}
