// The generated sections of README.md and docs/json.md: the text between `<!-- name:begin -->` (and its line
// end) and `<!-- name:end -->`. The scripts that write them (json-doc, filters-table, codes-table) and the tests
// that check them read and replace a section here.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the section `name` of `text` starts and ends, or undefined when its markers are missing or out of order.
 * @param {string} text
 * @param {string} name
 * @returns {{ start: number, end: number } | undefined}
 */
function bounds(text, name) {
  const begin = `<!-- ${name}:begin -->\n`;
  const a = text.indexOf(begin);
  const b = text.indexOf(`<!-- ${name}:end -->`);
  if (a < 0 || b < a) return undefined;
  return { start: a + begin.length, end: b };
}

/**
 * The text of the section `name`, or undefined when `text` has no such markers.
 * @param {string} text
 * @param {string} name
 * @returns {string | undefined}
 */
export function section(text, name) {
  const s = bounds(text, name);
  return s === undefined ? undefined : text.slice(s.start, s.end);
}

/**
 * Replaces the section `name` of the file with `content`; throws when the file has no such markers.
 * @param {string | URL} file
 * @param {string} name
 * @param {string} content
 */
export function replaceSection(file, name, content) {
  const text = readFileSync(file, 'utf8');
  const s = bounds(text, name);
  if (s === undefined) {
    const path = typeof file === 'string' ? file : fileURLToPath(file);
    throw new Error(`${basename(path)} has no ${name} markers`);
  }
  writeFileSync(file, text.slice(0, s.start) + content + text.slice(s.end));
}
