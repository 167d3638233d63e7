import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSegmentGlob, segmentGlobCovers } from './segment-glob.ts';

const glob = fc.array(fc.constantFrom('a', 'b', '.', '*'), { maxLength: 6 }).map((chars) => chars.join(''));
const name = fc.array(fc.constantFrom('a', 'b', '.'), { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''));

void test('only * is a wildcard; everything else in a segment glob is literal', () => {
  assert.equal(compileSegmentGlob('a?.{md,txt}').test('ab.md'), false);
  assert.equal(compileSegmentGlob('a?.{md,txt}').test('a?.{md,txt}'), true);
  assert.equal(compileSegmentGlob('*.md').test('.hidden.md'), true);
  assert.equal(compileSegmentGlob('[ab]*').test('a1'), false);
});

void test('a covering glob matches every name the covered glob matches', () => {
  fc.assert(
    fc.property(glob, glob, fc.array(name, { minLength: 20, maxLength: 20 }), (outer, inner, names) => {
      if (!segmentGlobCovers(outer, inner)) return;
      const o = compileSegmentGlob(outer);
      const i = compileSegmentGlob(inner);
      for (const n of names) if (i.test(n)) assert.ok(o.test(n), `${outer} ⊇ ${inner} but misses ${n}`);
      // The covered glob with its stars taken literally is a name it matches.
      assert.ok(o.test(inner));
    }),
    { numRuns: 3000 },
  );
});

void test('globs cover themselves and * covers every glob', () => {
  fc.assert(fc.property(glob, (g) => segmentGlobCovers(g, g) && segmentGlobCovers('*', g)));
  assert.equal(segmentGlobCovers('*.md', '*'), false);
  assert.equal(segmentGlobCovers('a*', 'ab*'), true);
  assert.equal(segmentGlobCovers('ab*', 'a*'), false);
});
