/**
 * HTML to readable text for web_fetch, in one linear pass (no backtracking regular expressions over the
 * page): script, style and similar elements are dropped with their content, comments are dropped, block
 * elements become line breaks, list items get a dash, the common character references are decoded, and
 * runs of whitespace are collapsed. A reader's approximation, not a browser.
 */

const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'canvas']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'title', 'tr', 'ul',
]);
const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', euro: '€', laquo: '«', raquo: '»',
};
const TAG_NAME = /\/?([a-zA-Z][a-zA-Z0-9-]*)/y;
const REFERENCE = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g;

export function decodeReferences(text: string): string {
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Index just past the end tag `</name …>` at or after `from` (in the ASCII-lowercased page), or the end. */
function pastEndTag(lower: string, name: string, from: number): number {
  const start = lower.indexOf(`</${name}`, from);
  if (start === -1) return lower.length;
  const close = lower.indexOf('>', start);
  return close === -1 ? lower.length : close + 1;
}

export function htmlToText(html: string): string {
  const out: string[] = [];
  // Same length as the page (only ASCII letters change), so its indexes are the page's.
  const lower = html.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open === -1) {
      out.push(decodeReferences(html.slice(at)));
      break;
    }
    if (open > at) out.push(decodeReferences(html.slice(at, open)));
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      at = close === -1 ? html.length : close + 3;
      continue;
    }
    TAG_NAME.lastIndex = open + 1;
    const tag = TAG_NAME.exec(html);
    const close = html.indexOf('>', open);
    if (close === -1) break;
    at = close + 1;
    if (tag === null) continue;
    const name = (tag[1] ?? '').toLowerCase();
    const closing = tag[0].startsWith('/');
    if (!closing && DROPPED.has(name)) at = pastEndTag(lower, name, at);
    else if (name === 'li' && !closing) out.push('\n- ');
    else if (name === 'td' || name === 'th') out.push(closing ? '' : ' | ');
    else if (BLOCK.has(name)) out.push('\n');
  }
  return out
    .join('')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\r\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
