import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { charWidth, clusters, displayWidth, fit, truncate, truncateMiddle, wrap } from '../../src/format/text-width.js';
import {
  clockTime,
  deltaTime,
  fmtBytes,
  fmtBytesShort,
  fmtMs,
  fmtStatus,
  parseMsrpUri,
  shortUri,
  sipIdentity,
  timeColumn,
  uriAuthority,
} from '../../src/format/format.js';
import { fitLine, lineText, seg } from '../../src/format/line.js';
import { coverageBar } from '../../src/format/coverage.js';
import { hexDump } from '../../src/format/hexdump.js';
import { escapedTextLines, previewLines } from '../../src/format/body-text.js';
import { lineMarkup, tagSafe } from '../../src/tui/screens/markup.js';
import { wrapLine } from '../../src/tui/screens/wrap.js';
import { Viewport } from '../../src/tui/screens/viewport.js';

describe('display width', () => {
  it('counts wide characters twice and combining marks not at all (as blessed does)', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('✓ ✗ ↔ │ ═')).toBe(9);
    // blessed puts an emoji outside its East Asian table in one cell (see text-width.test.ts).
    expect(charWidth(0x1f600)).toBe(1);
  });

  it('truncates with an ellipsis and fits exactly', () => {
    expect(truncate('alice@example.com', 10)).toBe('alice@exa…');
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('日本語のテキスト', 5)).toBe('日本…');
    expect(truncateMiddle('127.0.0.1:57624', 11)).toBe('127.0…57624');
    expect(fit('ab', 5)).toBe('ab   ');
    expect(fit('ab', 5, 'right')).toBe('   ab');
    expect(fit('abcdefgh', 5)).toBe('abcd…');
  });

  it('never exceeds the width (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (s, w) => {
        expect(displayWidth(truncate(s, w))).toBeLessThanOrEqual(w);
        expect(displayWidth(truncateMiddle(s, w))).toBeLessThanOrEqual(w);
        expect(displayWidth(fit(s, w))).toBe(w);
        // A cluster wider than the line (a ZWJ sequence is 3 cells in blessed) is kept whole on a line of its own.
        const widest = Math.max(0, ...clusters(s).map((c) => c.width));
        for (const l of wrap(s, w)) expect(displayWidth(l)).toBeLessThanOrEqual(Math.max(w, widest));
      }),
    );
  });

  it('wraps styled lines keeping styles and indenting continuations', () => {
    const out = wrapLine([seg('abcdefghij', 'fail'), seg('klm')], 8);
    expect(out.map(lineText)).toEqual(['abcdefgh', '    ijkl', '    m']);
    expect(out[0]?.[0]?.style).toBe('fail');
    expect(out[1]?.map((s) => s.style)).toEqual([undefined, 'fail', undefined]);
    // Too narrow for an indent: plain hard wrap.
    expect(wrapLine([seg('abcdef')], 4).map(lineText)).toEqual(['abcd', 'ef']);
  });

  it('fits styled lines, ending a cut line with an ellipsis', () => {
    const l = [seg('SEND', 'head'), seg(' 25 B'), seg(' ✓ 200', 'ok')];
    expect(lineText(fitLine(l, 100))).toBe('SEND 25 B ✓ 200');
    expect(lineText(fitLine(l, 9))).toBe('SEND 25 …');
    expect(lineText(fitLine(l, 20, true))).toBe('SEND 25 B ✓ 200     ');
    expect(lineText(fitLine(l, 4))).toBe('SEN…');
  });
});

describe('formatters', () => {
  it('formats times, deltas, sizes and durations', () => {
    expect(clockTime('2026-11-25T09:46:43.927200Z')).toBe('09:46:43.927');
    expect(clockTime('2026-11-25T09:46:43.927200Z', 6)).toBe('09:46:43.927200');
    expect(clockTime('2026-11-25T09:46:43Z', 0)).toBe('09:46:43');
    expect(deltaTime(0.92)).toBe('+0.920000');
    expect(deltaTime(-0.5)).toBe('-0.500000');
    const a = { frame: 1, time: '2026-11-25T09:46:40.000000Z', epoch: 1795600000 };
    const b = { frame: 3, time: '2026-11-25T09:46:40.920000Z', epoch: 1795600000.92 };
    expect(timeColumn(b, a, 'delta')).toBe('+0.920000');
    expect(timeColumn(b, a, 'absolute')).toBe('09:46:40.920');
    expect(timeColumn(b, undefined, 'delta')).toBe('09:46:40.920');
    expect(fmtBytes(25)).toBe('25 B');
    expect(fmtBytes(120000)).toBe('120.0 kB');
    expect(fmtBytesShort(10326)).toBe('10k');
    expect(fmtBytesShort(3600)).toBe('3.6k');
    expect(fmtMs(12.05)).toBe('12 ms');
    expect(fmtMs(9.1)).toBe('9.10 ms');
    expect(fmtMs(1324.6)).toBe('1325 ms');
    expect(fmtMs(null)).toBe('-');
    expect(fmtStatus({ namespace: 0, code: 200, comment: 'OK' })).toBe('000 200 OK');
  });

  it('reads MSRP URIs and SIP identities', () => {
    expect(parseMsrpUri('msrp://192.0.2.10:2855/a1iceS3ss;tcp')).toEqual({
      scheme: 'msrp',
      authority: '192.0.2.10:2855',
      sessionId: 'a1iceS3ss',
      transport: 'tcp',
    });
    expect(parseMsrpUri('sip:alice@example.com')).toBeNull();
    expect(uriAuthority('msrps://user@Relay.Example.com:2855/s;tcp')).toBe('relay.example.com:2855');
    expect(uriAuthority('msrp://127.0.0.1:2865;tcp')).toBe('127.0.0.1:2865');
    expect(shortUri('msrp://192.0.2.10:2855/a1iceS3ss;tcp')).toBe('192.0.2.10:2855/a1iceS3ss');
    expect(sipIdentity('"Alice" <sip:alice@example.com;transport=tcp>')).toBe('alice@example.com');
    expect(sipIdentity('sip:bob@example.net')).toBe('bob@example.net');
  });
});

describe('coverage bar', () => {
  it('shows which parts of the body arrived', () => {
    expect(coverageBar([[1, 10]], 20, 10)).toBe('█████·····');
    expect(coverageBar([[1, 4096], [4097, 8192], [8193, 10000]], 10000, 10)).toBe('██████████');
    expect(coverageBar([[1, 15], [18, 20]], 20, 10)).toBe('███████▒▒█');
    expect(coverageBar([[5, 8], [1, 6]], 8, 8)).toBe('████████');
    expect(coverageBar([], 100, 5)).toBe('·····');
    expect(coverageBar([[1, 5]], 0, 10)).toBe('');
    expect(coverageBar([[1, 3]], 3, 10)).toBe('███');
  });
});

describe('hex dump and body text', () => {
  it('dumps bytes without passing any through', () => {
    const bytes = Buffer.from('Hello\x1b]0;x\x07\x00\xff world!!', 'latin1');
    const lines = hexDump(bytes);
    expect(lines[0]).toBe('0000  48 65 6c 6c 6f 1b 5d 30  3b 78 07 00 ff 20 77 6f  |Hello.]0;x... wo|');
    expect(lines[1]).toBe('0010  72 6c 64 21 21                                    |rld!!|');
    expect(hexDump(Buffer.alloc(40), 16)).toEqual(['0000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|', '… 24 more bytes']);
  });

  it('splits text after each line end, escaping every control character', () => {
    expect(escapedTextLines('a\r\nb\x1b[2J\nc')).toEqual(['a\\r\\n', 'b\\x1b[2J\\n', 'c']);
    expect(previewLines('Sending now:\\r\\n-------notours$\\r\\nok')).toEqual(['Sending now:\\r\\n', '-------notours$\\r\\n', 'ok']);
    expect(previewLines('raw\x1bescape')).toEqual(['raw\\x1bescape']);
  });
});

describe('markup', () => {
  it('escapes blessed tags and control characters in text', () => {
    expect(tagSafe('{red-fg}x{/red-fg}')).toBe('{open}red-fg{close}x{open}/red-fg{close}');
    expect(tagSafe('a\x1b]0;t\x07b')).toBe('a\\x1b]0;t\\x07b');
  });

  it('turns styles into tags and draws the selected line inverse and padded', () => {
    expect(lineMarkup([seg('✗ 481', 'fail'), seg(' x')], 20)).toBe('{red-fg}✗ 481{/red-fg} x');
    expect(lineMarkup([seg('ab')], 4, true)).toBe('{inverse}ab  {/inverse}');
    expect(lineMarkup([{ text: '{bold}\x1b' }], 20)).toBe('{open}bold{close}\\x1b');
  });
});

describe('viewport', () => {
  it('keeps the cursor in view and in range', () => {
    const v = new Viewport();
    v.move(30, 100, 10);
    expect([v.cursor, v.top]).toEqual([30, 21]);
    v.move(-25, 100, 10);
    expect([v.cursor, v.top]).toEqual([5, 5]);
    v.set(1000, 100, 10);
    expect([v.cursor, v.top]).toEqual([99, 90]);
    v.clamp(3, 10);
    expect([v.cursor, v.top]).toEqual([2, 0]);
    v.scroll(5, 3, 10);
    expect(v.top).toBe(0);
  });
});
