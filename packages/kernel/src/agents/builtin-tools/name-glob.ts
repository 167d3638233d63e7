/**
 * The file filter of file_search: `*` matches any run of characters and `?` one character; everything
 * else is literal. A glob without `/` is matched against a file's name (`*.ts`); one with `/` against the
 * path relative to the search root (`src/*.ts`, where `*` may cross `/`). Matching is the classic
 * two-pointer wildcard walk: no regular expression, so no backtracking blow-up whatever the glob.
 */

function wildcard(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const c = glob[g];
    if (c === '?' || (c !== undefined && c !== '*' && c === text[t])) {
      g += 1;
      t += 1;
    } else if (c === '*') {
      star = g;
      resume = t;
      g += 1;
    } else if (star !== -1) {
      g = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g += 1;
  return g === glob.length;
}

/** A predicate over (name, relative path) for `glob`. */
export function nameFilter(glob: string): (name: string, relative: string) => boolean {
  const pattern = glob.replace(/\*{2,}/g, '*');
  return pattern.includes('/') ? (_name, relative) => wildcard(pattern, relative) : (name) => wildcard(pattern, name);
}
