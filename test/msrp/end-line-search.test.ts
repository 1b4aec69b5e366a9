import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseByteRange } from '../../src/msrp/headers.js';
import { comparable, crlf, parseSplit, parseWhole } from './helpers.js';

/** The grammar parseByteRange implements, as a RegExp (the reference). */
function byteRangeByRegExp(v: string): { start: number; end: number | null; total: number | null } | undefined {
  const m = /^(\d{1,15})-(\d{1,15}|\*)\/(\d{1,15}|\*)$/.exec(v.trim());
  if (!m) return undefined;
  return { start: Number(m[1]), end: m[2] === '*' ? null : Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}

describe('parseByteRange', () => {
  it('matches the RegExp grammar on chosen values', () => {
    const cases = [
      '1-10/10', ' 1-*/* ', '007-008/009', '1-2/3\t', '\u00a01-2/3', '1-2/3\n', '1-2/3x', '-1-2/3', '1--2/3',
      '1-2//3', '1-2/', '1-/3', '*-2/3', '1-2/**', '123456789012345-1/1', '1234567890123456-1/1', '1-2/3 4',
      '', '1', '1-', '1-2', '1-2/3/4', '１-2/3',
    ];
    for (const c of cases) expect(parseByteRange(c), JSON.stringify(c)).toEqual(byteRangeByRegExp(c));
    expect(parseByteRange('123456789012345-999999999999999/999999999999999')).toEqual({
      start: 123456789012345,
      end: 999999999999999,
      total: 999999999999999,
    });
  });

  it('matches the RegExp grammar on any string of its alphabet', () => {
    const piece = fc.constantFrom('0', '1', '9', '12', '000', '123456789012345', '1234567890123456', '-', '/', '*', ' ', '\t', '\n', 'x', '\u00a0');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 9 }), (parts) => {
        const s = parts.join('');
        expect(parseByteRange(s)).toEqual(byteRangeByRegExp(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('end-line search', () => {
  const tx = 'a1b2c3d4';
  const msg = (body: string, flag = '$'): string =>
    crlf(`MSRP ${tx} SEND\nTo-Path: msrp://a:1/s;tcp\nFrom-Path: msrp://b:2/t;tcp\nMessage-ID: m1abcd\nByte-Range: 1-*/*\nContent-Type: text/plain\n\n`) +
    `${body}\r\n-------${tx}${flag}\r\n`;

  it('dashes and the transaction id that do not follow a line end are body', () => {
    const bodies = [
      `x-------${tx}$\r\nmore`,
      `line\r\n------${tx}$\r\nline`,
      `\n-------${tx}X\r\n`,
      `\n-------${tx}`,
      `--------${tx}$\r\n`,
      '',
    ];
    for (const body of bodies) {
      const data = msg(body) + msg('next');
      const r = parseWhole(data);
      expect(r.frames.map((f) => f.flag)).toEqual(['$', '$']);
      expect(r.frames[0]!.bodyLength).toBe(Buffer.byteLength(body, 'latin1'));
      expect(r.diagnostics.map((d) => d.code).filter((c) => c !== 'byte-range-length-mismatch')).toEqual([]);
    }
  });

  it('finds the same end-lines for every split of the stream', () => {
    const data = Buffer.from(msg(`a\n-------${tx}\n-------x\r\n-------${tx}+\r`) + msg('b', '+') + msg(''), 'latin1');
    const whole = parseWhole(data);
    expect(whole.frames.length).toBe(3);
    for (let cut = 1; cut < data.length; cut++) {
      const r = parseSplit(data, [cut]);
      expect(r.frames.map(comparable)).toEqual(whole.frames.map(comparable));
      expect(r.bodies).toEqual(whole.bodies);
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: data.length - 1 }), { maxLength: 12 }), (cuts) => {
        const r = parseSplit(data, [...cuts].sort((a, b) => a - b));
        expect(r.frames.map(comparable)).toEqual(whole.frames.map(comparable));
        expect(r.bodies).toEqual(whole.bodies);
      }),
      { numRuns: 300 },
    );
  });
});
