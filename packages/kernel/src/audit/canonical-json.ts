/**
 * Canonical JSON: one byte-exact text per value, so a hash over it means the same thing on every node and
 * after a round trip through the database. Object keys are sorted (UTF-16 code unit order), `undefined`
 * members are dropped, Dates become their ISO string; anything JSON cannot represent faithfully (NaN,
 * Infinity, bigint, functions, symbols, class instances, cycles) is refused rather than silently changed.
 */

const MAX_DEPTH = 64;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function write(value: unknown, depth: number, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} cannot be represented in JSON`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: a ${typeof value} cannot be represented in JSON`);
  }
  if (depth >= MAX_DEPTH) throw new TypeError(`${path}: nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${path}: invalid date`);
    return JSON.stringify(value.toISOString());
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => (item === undefined ? 'null' : write(item, depth + 1, `${path}[${i}]`))).join(',')}]`;
  }
  if (!isPlainObject(value)) throw new TypeError(`${path}: only plain objects, arrays and primitives can be represented`);
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = value[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${write(member, depth + 1, `${path}.${key}`)}`);
  }
  return `{${members.join(',')}}`;
}

/** Serialises `value` canonically; throws TypeError naming the path of anything unrepresentable. */
export function canonicalJson(value: unknown): string {
  return write(value, 0, '$');
}
