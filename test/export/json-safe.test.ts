/** terminalSafeJson: the ASCII fast path gives what the escaping pass gives, for any text. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { terminalSafeJson } from '../../src/export/json-safe.js';

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
