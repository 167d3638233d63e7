/**
 * Globs within one path segment, where `*` is the only wildcard and matches any run of characters
 * (dotfiles included: a grant of `*.md` is about names, not about hiding). Everything else is literal,
 * so picomatch's braces, classes and extglobs can never widen a grant by surprise.
 */

/** Compiles a segment glob to an anchored RegExp once, so matching a name is a single regex test. */
export function compileSegmentGlob(glob: string): RegExp {
  const body = glob.split('*').map(escapeRegExp).join('.*');
  return new RegExp(`^${body}$`, 's');
}

/**
 * True when every name matched by `inner` is also matched by `outer` (inner ⊆ outer). Decided by matching
 * `outer` against `inner` where inner's `*` is an opaque symbol only outer's `*` may absorb: if that
 * succeeds, substituting any text for inner's stars still matches, so the answer is never a false yes.
 */
export function segmentGlobCovers(outer: string, inner: string): boolean {
  const m = outer.length;
  const n = inner.length;
  // row[j]: does outer[0..i) cover inner[0..j)
  let row: boolean[] = new Array<boolean>(n + 1).fill(false);
  row[0] = true;
  for (let i = 1; i <= m; i++) {
    const next: boolean[] = new Array<boolean>(n + 1).fill(false);
    const o = outer[i - 1];
    if (o === '*') {
      // A star absorbs any prefix: next[j] = row[j] || next[j-1].
      next[0] = row[0] === true;
      for (let j = 1; j <= n; j++) next[j] = row[j] === true || next[j - 1] === true;
    } else {
      for (let j = 1; j <= n; j++) next[j] = row[j - 1] === true && inner[j - 1] === o;
    }
    row = next;
  }
  return row[n] === true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * True when some name is matched by both globs (their languages intersect). A walk over position pairs:
 * a star may match nothing (step past it) or swallow the other side's next literal; two stars can always
 * step past each other. Reaching both ends means a common name exists (the path spells it).
 */
export function segmentGlobsIntersect(a: string, b: string): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    if (i === a.length && j === b.length) return true;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    const x = a[i];
    const y = b[j];
    if (x === '*') {
      stack.push([i + 1, j]);
      if (y !== undefined && y !== '*') stack.push([i, j + 1]);
    }
    if (y === '*') {
      stack.push([i, j + 1]);
      if (x !== undefined && x !== '*') stack.push([i + 1, j]);
    }
    if (x !== undefined && y !== undefined && x !== '*' && y !== '*' && x === y) stack.push([i + 1, j + 1]);
  }
  return false;
}
