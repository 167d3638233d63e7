/**
 * The pure helpers under the tools: HTML reduced to text in one pass, file-name globs without regular
 * expressions, exact-text edits, and head-and-tail output capture.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from './apply-edits.ts';
import { decodeReferences, htmlToText } from './html-text.ts';
import { nameFilter } from './name-glob.ts';
import { OutputCapture } from './output-capture.ts';

void describe('htmlToText', () => {
  void it('drops scripts, styles and comments, breaks blocks and decodes references', () => {
    const html = '<div>a<script type="x">if (a < b) {}</script>b</div><p>x&nbsp;&lt;y&gt; &#65;&#x42; &bogus;</p><!-- c --><table><tr><td>1</td><td>2</td></tr></table>';
    assert.equal(htmlToText(html), 'ab\n\nx <y> AB &bogus;\n\n| 1 | 2');
  });

  void it('copes with unclosed elements and stray brackets', () => {
    assert.equal(htmlToText('<p>open <script>never closed'), 'open');
    assert.equal(htmlToText('a < b and <!-- open comment'), 'a');
    assert.equal(decodeReferences('&#0; &#xD800; &amp;'), '&#0; &#xD800; &');
  });

  void it('stays fast on a page of many unclosed tags', () => {
    assert.equal(htmlToText('<script'.repeat(50_000)), '');
    assert.equal(htmlToText(`<SCRIPT>${'</script'.repeat(50_000)}`), '');
    assert.equal(htmlToText('<Script>x</SCRIPT >after'), 'after');
  });
});

void describe('nameFilter', () => {
  void it('matches names with * and ?, and relative paths when the glob has a slash', () => {
    const ts = nameFilter('*.ts');
    assert.equal(ts('main.ts', 'src/main.ts'), true);
    assert.equal(ts('main.tsx', 'src/main.tsx'), false);
    assert.equal(nameFilter('?.md')('a.md', 'a.md'), true);
    assert.equal(nameFilter('src/*.ts')('x.ts', 'src/deep/x.ts'), true);
    assert.equal(nameFilter('src/*.ts')('x.ts', 'lib/x.ts'), false);
    assert.equal(nameFilter(`${'*a'.repeat(30)}b`)('a'.repeat(200), 'x'), false);
  });
});

void describe('applyEdits', () => {
  void it('replaces literally, counts replacements and refuses ambiguity and absence', () => {
    assert.deepEqual(applyEdits('/f', 'x = 1\n', [{ oldString: '1', newString: '$1' }]), { ok: true, text: 'x = $1\n', replacements: 1 });
    const ambiguous = applyEdits('/f', 'a\na\n', [{ oldString: 'a', newString: 'b' }]);
    assert.equal(ambiguous.ok, false);
    assert.match(ambiguous.ok ? '' : ambiguous.message, /occurs 2 times in \/f \(lines 1, 2\)/);
    const crlf = applyEdits('/f', 'a\r\nb\r\n', [{ oldString: 'a\nb', newString: 'c' }]);
    assert.match(crlf.ok ? '' : crlf.message, /CRLF line endings/);
  });
});

void describe('OutputCapture', () => {
  void it('keeps everything while it fits, and head and tail beyond', () => {
    const small = new OutputCapture(4, 4);
    small.push(Buffer.from('abcdefgh'));
    assert.equal(small.text(), 'abcdefgh');
    const big = new OutputCapture(4, 4);
    for (const piece of ['abc', 'defgh', 'ijklmn', 'opqrst']) big.push(Buffer.from(piece));
    assert.equal(big.total, 20);
    assert.equal(big.text(), 'abcd\n[… 12 B of output left out (20 B in all) …]\nqrst');
  });
});
