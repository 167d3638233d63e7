/**
 * Exact-text edits applied in order to a file's text, all or nothing. Each edit's old text must occur
 * exactly once (or, with `replaceAll`, at least once); otherwise the whole edit fails with a message that
 * says which edit, why, and what to do: add context for an ambiguous match (the lines it was found on are
 * named), check whitespace and line endings for a missing one. Replacement is literal (no `$` patterns).
 */

export interface Edit {
  oldString: string;
  newString: string;
  replaceAll?: boolean;
}

export type EditOutcome = { ok: true; text: string; replacements: number } | { ok: false; message: string };

const MAX_LINES_NAMED = 5;

function occurrences(text: string, needle: string, max: number): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1 && found.length < max; at = text.indexOf(needle, at + needle.length)) found.push(at);
  return found;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
}

function notFound(text: string, edit: Edit, which: string, path: string): string {
  let hint = 'copy the old text exactly as file_read shows it, including whitespace and indentation';
  if (text.includes('\r\n') && !edit.oldString.includes('\r\n') && edit.oldString.includes('\n')) hint = 'this file uses CRLF line endings: old_string must use \\r\\n too';
  else if (text.includes(edit.oldString.trim()) && edit.oldString.trim() !== '') hint = 'the text is there but with different surrounding whitespace; copy it exactly';
  return `${which}old_string was not found in ${path}; ${hint}`;
}

export function applyEdits(path: string, original: string, edits: readonly Edit[]): EditOutcome {
  let text = original;
  let replacements = 0;
  for (const [index, edit] of edits.entries()) {
    const which = edits.length > 1 ? `edit ${index + 1}: ` : '';
    if (edit.oldString === edit.newString) return { ok: false, message: `${which}old_string and new_string are the same; nothing to change` };
    const found = occurrences(text, edit.oldString, edit.replaceAll === true ? Number.MAX_SAFE_INTEGER : MAX_LINES_NAMED + 1);
    if (found.length === 0) return { ok: false, message: notFound(text, edit, which, path) };
    if (found.length > 1 && edit.replaceAll !== true) {
      const lines = found.slice(0, MAX_LINES_NAMED).map((at) => lineOf(text, at));
      const more = found.length > MAX_LINES_NAMED ? ' and more' : '';
      return {
        ok: false,
        message: `${which}old_string occurs ${found.length > MAX_LINES_NAMED ? 'more than ' + MAX_LINES_NAMED : found.length} times in ${path} (lines ${lines.join(', ')}${more}); include more surrounding text so it matches once, or set replace_all`,
      };
    }
    let next = '';
    let from = 0;
    for (const at of found) {
      next += text.slice(from, at) + edit.newString;
      from = at + edit.oldString.length;
    }
    text = next + text.slice(from);
    replacements += found.length;
  }
  return { ok: true, text, replacements };
}
