/** terminalSafeJson: the ASCII fast path gives what the escaping pass gives, for any text. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeTerminalSafeJson, needsTerminalEscape, terminalSafeJson } from '../../src/export/json-safe.js';

const slow = (s: string): string => s.replace(/[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('terminalSafeJson', () => {
  it('escapes DEL, C1 and bidi controls, keeps other text', () => {
    expect(terminalSafeJson('{"a":"x\x7fy"}')).toBe('{"a":"x\\u007fy"}');
    expect(terminalSafeJson('"\u009b31m"')).toBe('"\\u009b31m"');
    expect(terminalSafeJson('"abc\u202edef"')).toBe('"abc\\u202edef"');
    expect(terminalSafeJson('"café ✓"')).toBe('"café ✓"');
    expect(terminalSafeJson('{"plain":"ascii text ~"}')).toBe('{"plain":"ascii text ~"}');
  });

  it('equals the escaping pass on any text (ASCII, DEL, C1, bidi, astral)', () => {
    const ch = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\x7f', '\u0085', '\u009f', '\u00e9', '\u061c', '\u200e', '\u2028', '\u202e', '\u2066', '\ufeff', '\ufffa', '😀'),
    );
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 60 }), (chars) => {
        const s = chars.join('');
        expect(terminalSafeJson(s)).toBe(slow(s));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the check on encoded bytes (needsTerminalEscape, encodeTerminalSafeJson)', () => {
  // Every unsafe range's ends and their neighbours, characters that share an unsafe one's first UTF-8 bytes
  // (U+00A0, U+201C, U+FFFD ...), lone surrogates (encoded as U+FFFD) and astral characters.
  const edges = [
    0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xe9, 0x61b, 0x61c, 0x61d, 0x60c, 0x200a, 0x200b, 0x200f, 0x2010, 0x201c, 0x2027,
    0x2028, 0x202e, 0x202f, 0x205f, 0x2060, 0x2069, 0x206a, 0x20ac, 0xfefe, 0xfeff, 0xff00, 0xfff8, 0xfff9, 0xfffb,
    0xfffc, 0xfffd, 0xd800, 0xdfff,
  ].map((c) => String.fromCharCode(c));
  const ch = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
    { weight: 3, arbitrary: fc.constantFrom(...edges, '😀', '\u{1f3f3}') },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  );
  const text = fc.array(ch, { maxLength: 40 }).map((a) => a.join(''));

  it('finds an unsafe character exactly when terminalSafeJson would escape one', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(needsTerminalEscape(Buffer.from(s, 'utf8'), s.length)).toBe(terminalSafeJson(s) !== s);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes the bytes of terminalSafeJson(s) when they fit, -1 when s may not', () => {
    const into = Buffer.alloc(3 * 40);
    fc.assert(
      fc.property(text, (s) => {
        const n = encodeTerminalSafeJson(s, into);
        const want = Buffer.from(terminalSafeJson(s), 'utf8');
        if (terminalSafeJson(s).length * 3 <= into.length) expect(into.subarray(0, n).equals(want)).toBe(true);
        else expect(n).toBe(-1);
      }),
      { numRuns: 2000 },
    );
    expect(encodeTerminalSafeJson('x'.repeat(41), into)).toBe(-1);
    expect(encodeTerminalSafeJson('', into)).toBe(0);
  });
});
