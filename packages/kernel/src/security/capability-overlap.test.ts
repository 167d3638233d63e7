import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileCapability, compiledImplies, compiledOverlap } from './capability.ts';
import { capabilityPattern, concreteCapability } from './capability-arbitraries.ts';
import { segmentGlobsIntersect } from './segment-glob.ts';

const overlap = (a: string, b: string): boolean => compiledOverlap(compileCapability(a), compileCapability(b));

void test('two segment globs intersect exactly when some name matches both', () => {
  assert.equal(segmentGlobsIntersect('*.md', 'a*'), true); // a.md
  assert.equal(segmentGlobsIntersect('*.md', '*.txt'), false);
  assert.equal(segmentGlobsIntersect('a*b', '*c*'), true); // acb
  assert.equal(segmentGlobsIntersect('a*', 'b*'), false);
  assert.equal(segmentGlobsIntersect('abc', 'a*c'), true);
  assert.equal(segmentGlobsIntersect('abc', 'a*d'), false);
  assert.equal(segmentGlobsIntersect('*', ''), true);
  // Exhaustive check: globs of up to 4 characters over {a, b, *} share a name iff they share one of at
  // most 8 letters (each letter of a shortest common name is a literal of one glob or the other).
  const words: string[] = [''];
  for (let length = 1; length <= 8; length++) for (const w of words.filter((x) => x.length === length - 1)) words.push(`${w}a`, `${w}b`);
  const globs: string[] = [''];
  for (let length = 1; length <= 4; length++) for (const g of globs.filter((x) => x.length === length - 1)) globs.push(`${g}a`, `${g}b`, `${g}*`);
  const regex = (glob: string): RegExp => new RegExp(`^${glob.replaceAll('*', '.*')}$`);
  for (const x of globs) {
    for (const y of globs) {
      const [rx, ry] = [regex(x), regex(y)];
      const witness = words.some((w) => rx.test(w) && ry.test(w));
      assert.equal(segmentGlobsIntersect(x, y), witness, `${JSON.stringify(x)} ∩ ${JSON.stringify(y)}`);
    }
  }
});

void test('a wide request overlaps a narrow rule inside it, and the other way round', () => {
  assert.equal(overlap('fs.read:/home/alice/secret/**', 'fs.read:/home/alice/**'), true);
  assert.equal(overlap('fs.read:/home/alice/**', 'fs.read:/home/alice/secret/x'), true);
  assert.equal(overlap('fs.read:/home/alice/*.md', 'fs.read:/home/alice/**'), true);
  assert.equal(overlap('fs.read:/home/alice/*.md', 'fs.read:/home/alice/notes.md/**'), true); // the tree's own root
  assert.equal(overlap('fs.read:/home/alice/*.md', 'fs.read:/home/**'), true);
  assert.equal(overlap('fs.write:/home/alice/**', 'fs.read:/home/alice/**'), false);
  assert.equal(overlap('fs.*:/home/alice/**', 'fs.read:/home/**'), true);
  assert.equal(overlap('fs.read:/home/bob/**', 'fs.read:/home/alice/**'), false);
  assert.equal(overlap('fs.read:/home/alice/*.md', 'fs.read:/home/alice/*.txt'), false);
  assert.equal(overlap('fs.read:/home/alice/*.md', 'fs.read:/home/alice/sub/**'), false);
  assert.equal(overlap('net.fetch:https://a.com/**', 'net.fetch:https://a.com/api/x'), true);
  assert.equal(overlap('net.fetch:https://a.com/**', 'net.fetch:https://b.com/**'), false);
  assert.equal(overlap('agent.spawn:research*', 'agent.spawn:res*'), true);
  assert.equal(overlap('agent.spawn:research*', 'agent.spawn:writer'), false);
  assert.equal(overlap('net.fetch', 'net.fetch:https://b.com/x'), true);
  assert.equal(overlap('*.*', 'vm.net'), true);
});

void test('overlap never misses a capability both sides cover, and contains implication', () => {
  fc.assert(
    fc.property(capabilityPattern, capabilityPattern, concreteCapability, (a, b, c) => {
      const [ca, cb, cc] = [a, b, c].map((text) => compileCapability(text)) as [ReturnType<typeof compileCapability>, ReturnType<typeof compileCapability>, ReturnType<typeof compileCapability>];
      assert.equal(compiledOverlap(ca, cb), compiledOverlap(cb, ca), `symmetric: ${a} ${b}`);
      if (compiledImplies(ca, cc) && compiledImplies(cb, cc)) assert.ok(compiledOverlap(ca, cb), `${a} and ${b} both cover ${c}`);
      if (compiledImplies(ca, cb)) assert.ok(compiledOverlap(ca, cb), `${a} ⊇ ${b}`);
    }),
    { numRuns: 20000 },
  );
});
