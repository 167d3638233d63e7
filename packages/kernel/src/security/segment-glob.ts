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
