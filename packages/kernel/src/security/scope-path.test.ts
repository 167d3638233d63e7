import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { isKernelError } from '../contracts/errors.ts';
import { implies, parseCapability, type Capability } from './capability.ts';

// Pieces of a path as someone might spell it: names, dot segments, empty segments (`//`).
const PIECES = ['a', 'b', 'ab', 'x.md', '.', '..', '', 'a.', '.b'];

/** Percent-encodes some characters of `text`, with random hex case: the "mixed encodings". */
const spelled = (text: string): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom('plain', 'lower', 'upper'), { minLength: text.length, maxLength: text.length }).map((modes) =>
    [...text]
      .map((ch, i) => {
        const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
        if (modes[i] === 'lower') return `%${hex.toLowerCase()}`;
        if (modes[i] === 'upper') return `%${hex.toUpperCase()}`;
        return ch;
      })
      .join(''),
  );

/** A raw path scope: pieces joined by `/`, each maybe encoded, maybe a trailing `/` or `**`. */
const rawPath = fc
  .tuple(fc.array(fc.constantFrom(...PIECES), { maxLength: 7 }), fc.constantFrom('', '/', '//', '/**', '/**/', '/./'))
  .chain(([pieces, tail]) => fc.tuple(...pieces.map(spelled)).map((parts) => `/${parts.join('/')}${tail}`));

/** The oracle: decode once, and say whether `..` climbs above `/` on the way. */
function oracle(raw: string): { climbs: boolean; normal: string } {
  const decoded = decodeURIComponent(raw);
  let depth = 0;
  let climbs = false;
  for (const seg of decoded.split('/')) {
    if (seg === '..') {
      if (depth === 0) climbs = true;
      else depth--;
    } else if (seg !== '' && seg !== '.') depth++;
  }
  const normal = path.posix.normalize(decoded);
  return { climbs, normal: normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal };
}

function tryParse(text: string): Capability | undefined {
  try {
    return parseCapability(text);
  } catch (error) {
    assert.ok(isKernelError(error, 'payload_invalid'), String(error));
    return undefined;
  }
}

/** Is `p` inside what the normalised scope `normal` denotes (itself, or below it for `/**`)? */
function inside(normal: string, p: string): boolean {
  if (!normal.endsWith('/**')) return p === normal;
  const base = normal.slice(0, -3) || '/';
  return base === '/' || p === base || p.startsWith(`${base}/`);
}

void test('a scope with .., //, /./, trailing slashes or mixed encodings never matches outside its normalised form', () => {
  fc.assert(
    fc.property(rawPath, fc.array(rawPath, { minLength: 10, maxLength: 10 }), (raw, probeRaws) => {
      const expected = oracle(raw);
      const grant = tryParse(`fs.read:${raw}`);
      if (expected.climbs) {
        assert.equal(grant, undefined, `${raw} climbs above / and must be refused`);
        return;
      }
      assert.ok(grant !== undefined, `${raw} stays inside / and must parse`);
      assert.equal(grant.scope, expected.normal);
      assert.ok(implies(grant, parseCapability(`fs.read:${raw}`)), 'a scope implies any spelling of itself');
      for (const probeRaw of probeRaws) {
        const probeOracle = oracle(probeRaw.replaceAll('*', ''));
        const probe = tryParse(`fs.read:${probeRaw.replaceAll('*', '')}`);
        if (probeOracle.climbs) assert.equal(probe, undefined);
        if (probe === undefined) continue;
        assert.equal(probe.scope, probeOracle.normal);
        if (implies(grant, probe)) assert.ok(inside(expected.normal, probeOracle.normal), `${raw} matched ${probeRaw}`);
        else assert.ok(!inside(expected.normal, probeOracle.normal), `${raw} missed ${probeRaw}`);
      }
    }),
    { numRuns: 3000 },
  );
});

void test('double encodings and encoded slashes are refused whatever surrounds them', () => {
  const sneaky = fc.constantFrom('%252e', '%252E%252e', '%2f', '%2F', '%25%32%65', '%2a');
  fc.assert(
    fc.property(rawPath, sneaky, rawPath, (before, bad, after) => {
      assert.equal(tryParse(`fs.read:${before}/${bad}${after}`), undefined);
    }),
  );
});

void test('every piece of the path is decoded exactly once', () => {
  assert.equal(tryParse('fs.read:/a/%2561'), undefined);
  assert.equal(parseCapability('fs.read:/a/%25x').scope, '/a/%25x');
  assert.equal(parseCapability('fs.read:/%61/%62').scope, '/a/b');
});
