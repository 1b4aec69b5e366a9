import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import blessed from 'blessed';
import { createScreen } from '../../src/tui/terminal.js';
import { charWidth, clusters, displayWidth, fit, truncate, truncateMiddle, wrap } from '../../src/format/text-width.js';
import { wrapLine } from '../../src/tui/screens/wrap.js';
import { lineText } from '../../src/format/line.js';
import { fakeTerminal } from './fixtures.js';

const FAMILY = '👨\u200d👩\u200d👧';

/** Strings whose width a code-point table gets wrong, with the cells blessed 0.1.81 draws them in. */
const SAMPLES: Array<[name: string, text: string, cells: number]> = [
  ['rocket', '🚀', 1],
  ['check mark', '✅', 1],
  ['grinning face', '😀', 1],
  ['ZWJ family', FAMILY, 3],
  ['e + combining acute', 'e\u0301', 1],
  ['hebrew point', '\u05d0\u05b7', 1],
  ['zero width space', '\u200b', 0],
  ['CJK', '漢字', 4],
  ['CJK outside the BMP', '𠀀', 2],
  ['fullwidth', 'Ａ', 2],
  ['skin tone', '👍🏽', 2],
  ['flag', '🇫🇷', 2],
  ['ascii', 'abc', 3],
];

const term = fakeTerminal(100, 3);
const screen = createScreen({ input: term.input, output: term.output }, { TERM: 'xterm-256color' });
const box = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: false, wrap: false });
afterAll(() => screen.destroy());

/** The column blessed draws the first `|` of `content` in (cells, not characters). */
function barColumn(content: string): number {
  box.setContent(content);
  screen.render();
  const row = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines[0] ?? [];
  return row.findIndex((cell) => cell[1] === '|');
}

describe('text width agrees with what blessed draws', () => {
  it.each(SAMPLES)('%s', (_name, text, cells) => {
    expect(barColumn(`${text}|`)).toBe(cells);
    expect(displayWidth(text)).toBe(cells);
    // A column padded after it lines up with one padded after plain text.
    expect(barColumn(`${fit(text, 6)}|`)).toBe(6);
    expect(barColumn(`${fit(text, 6, 'right')}|`)).toBe(6);
  });

  it('lines up a column after every sample at once', () => {
    const row = SAMPLES.map(([, text]) => fit(text, 5)).join('');
    expect(barColumn(`${row}|`)).toBe(5 * SAMPLES.length);
    expect(displayWidth(row)).toBe(5 * SAMPLES.length);
  });

  it('measures code points as blessed does', () => {
    expect(charWidth(0x1f680)).toBe(1);
    expect(charWidth(0x6f22)).toBe(2);
    expect(charWidth(0x0301)).toBe(0);
    expect(charWidth(0x200b)).toBe(0);
    expect(charWidth(0x61)).toBe(1);
  });

  it("gives blessed's unicode.strWidth for any string: ladder marks, combining, wide, surrogates, tabs (property)", () => {
    const strWidth = (blessed as unknown as { unicode: { strWidth(s: string): number } }).unicode.strWidth;
    const ladder = '│─>└┌┐┘├┤┬┴┼<═║✓✗·…▲▼↔→⇒ ';
    const piece = fc.oneof(
      fc.constantFrom(...[...ladder], ...SAMPLES.map(([, t]) => t), '\t', '\u0301', '漢', '\ud83d', '\ude80'),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        expect(displayWidth(s)).toBe(strWidth(s));
        // Asked again: the widths it remembered give the same.
        expect(displayWidth(s)).toBe(strWidth(s));
      }),
      { numRuns: 2000 },
    );
    expect(displayWidth('│  ├──> SEND 200 ✓ 漢')).toBe(strWidth('│  ├──> SEND 200 ✓ 漢'));
  });
});

describe('cutting never splits a grapheme cluster', () => {
  it('keeps a ZWJ sequence, an emoji with its modifier and a base with its mark whole', () => {
    expect(clusters(`a${FAMILY}e\u0301👍🏽`).map((c) => [c.text, c.width])).toEqual([
      ['a', 1],
      [FAMILY, 3],
      ['e\u0301', 1],
      ['👍🏽', 2],
    ]);
    expect(truncate(`a${FAMILY}b`, 3)).toBe('a…');
    expect(truncate(`a${FAMILY}b`, 4)).toBe('a…');
    expect(truncate(`a${FAMILY}bc`, 5)).toBe(`a${FAMILY}…`);
    expect(fit(`${FAMILY}xyz`, 3)).toBe('…  ');
    expect(truncate('e\u0301e\u0301e\u0301', 2)).toBe('e\u0301…');
    expect(truncate('👍🏽👍🏽', 3)).toBe('👍🏽…');
    expect(truncateMiddle(`${FAMILY}-abcdef-${FAMILY}`, 9)).toBe(`${FAMILY}-…-${FAMILY}`);
    expect(wrap(`ab${FAMILY}cd`, 4)).toEqual(['ab', `${FAMILY}c`, 'd']);
    expect(wrapLine([{ text: `ab${FAMILY}cd` }], 4).map(lineText)).toEqual(['ab', `${FAMILY}c`, 'd']);
  });

  it('cuts only at cluster boundaries and keeps within the width (property)', () => {
    const piece = fc.constantFrom('a', ' ', '漢', '🚀', '😀', FAMILY, 'e\u0301', '👍🏽', '🇫🇷', '\u200b', '𠀀');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.integer({ min: 1, max: 30 }), (parts, w) => {
        const s = parts.join('');
        const boundaries = new Set<number>([0]);
        let at = 0;
        for (const c of clusters(s)) boundaries.add((at += c.text.length));
        const cut = truncate(s, w);
        const kept = cut.endsWith('…') && cut !== s ? cut.slice(0, -1) : cut;
        expect(s.startsWith(kept)).toBe(true);
        expect(boundaries.has(kept.length)).toBe(true);
        expect(displayWidth(fit(s, w))).toBe(w);
        expect(displayWidth(s)).toBe(clusters(s).reduce((n, c) => n + c.width, 0));
      }),
    );
  });
});
