import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WsMsrpCheck, type WsMsrpVerdict } from '../../src/transport/ws-msrp-check.js';
import { cut } from './helpers.js';

function msrp(txid: string, body = 'hello', flag = '$'): string {
  return (
    `MSRP ${txid} SEND\r\nTo-Path: msrp://a.invalid:2855/x;ws\r\nFrom-Path: msrp://b:2855/y;ws\r\nMessage-ID: m1\r\n` +
    `Byte-Range: 1-${body.length}/${body.length}\r\nContent-Type: text/plain\r\n\r\n${body}\r\n-------${txid}${flag}\r\n`
  );
}

function verdict(pieces: Buffer[]): { v: WsMsrpVerdict; txid: string } {
  const c = new WsMsrpCheck();
  c.start();
  for (const p of pieces) c.piece(p);
  const txid = c.txid;
  return { v: c.end(), txid };
}

const cases: [string, string, WsMsrpVerdict][] = [
  ['one request', msrp('a786hjs2'), 'one'],
  ['one response', 'MSRP a786hjs2 200 OK\r\nTo-Path: msrp://b:2855/y;ws\r\nFrom-Path: msrp://a.invalid:2855/x;ws\r\n-------a786hjs2$\r\n', 'one'],
  ['interrupted chunk (+)', msrp('tx1234', 'part', '+'), 'one'],
  ['aborted chunk (#)', msrp('tx1234', 'part', '#'), 'one'],
  ['split: first half', msrp('a786hjs2').slice(0, 90), 'split'],
  ['split: end-line without CRLF', msrp('a786hjs2').slice(0, -2), 'split'],
  ['split: end-line pattern with a wrong flag', msrp('a786hjs2').replace('-------a786hjs2$', '-------a786hjs2x'), 'split'],
  ['multiple: two messages', msrp('aaaa1') + msrp('bbbb2'), 'multiple'],
  ['multiple: one byte after', msrp('aaaa1') + 'M', 'multiple'],
  ['other: the rest of a split message', msrp('a786hjs2').slice(90), 'other'],
  ['other: not MSRP', 'GET / HTTP/1.1\r\n\r\n', 'other'],
  ['other: MSRP without txid', 'MSRP  SEND\r\n', 'other'],
  ['other: empty', '', 'other'],
  ['other: shorter than the prefix', 'MSR', 'other'],
  ['body mentions another txid end-line', msrp('tx9999', 'see -------other$ here'), 'one'],
  ['txid is a prefix of a longer dash line in the body', msrp('abcd', '-------abcdef'), 'one'],
];

describe('WsMsrpCheck', () => {
  for (const [name, text, expected] of cases) {
    it(`${name}: ${expected} for every split into two and byte by byte`, () => {
      const b = Buffer.from(text, 'latin1');
      expect(verdict([b]).v).toBe(expected);
      for (let a = 0; a <= b.length; a++) expect(verdict([b.subarray(0, a), b.subarray(a)]).v).toBe(expected);
      expect(verdict([...b].map((x) => Buffer.from([x]))).v).toBe(expected);
    });
  }

  it('reports the transaction id', () => {
    expect(verdict([Buffer.from(msrp('Zx9.Kq-1'))])).toEqual({ v: 'one', txid: 'Zx9.Kq-1' });
  });

  it('is reusable: start() resets', () => {
    const c = new WsMsrpCheck();
    c.start();
    c.piece(Buffer.from(msrp('aaaa1').slice(0, 50)));
    expect(c.end()).toBe('split');
    c.start();
    c.piece(Buffer.from(msrp('bbbb2')));
    expect(c.end()).toBe('one');
  });

  it('property: random bodies, random splits, verdict independent of the split', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{4,32}$/),
        fc.string({ maxLength: 3000 }),
        fc.constantFrom('', 'X', 'MSRP next 200 OK\r\n'),
        fc.array(fc.nat(4000), { maxLength: 8 }),
        (txid, body, trailer, cuts) => {
          fc.pre(!body.includes(`-------${txid}`));
          const b = Buffer.from(msrp(txid, body) + trailer, 'latin1');
          const expected = trailer === '' ? 'one' : 'multiple';
          expect(verdict(cut(b, cuts)).v).toBe(expected);
          const truncated = b.subarray(0, b.length - trailer.length - 3);
          expect(verdict(cut(truncated, cuts)).v).toBe('split');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('WsMsrpCheck: state from an earlier message never leaks', () => {
  it('a short first piece after a longer message is judged on its own bytes', () => {
    const c = new WsMsrpCheck();
    c.start();
    c.piece(Buffer.from(msrp('aaaa1')));
    expect(c.end()).toBe('one');
    c.start();
    // Only "MSRP b" so far: the txid is not known yet, whatever the head buffer held before.
    c.piece(Buffer.from('MSRP b'));
    c.piece(Buffer.from(msrp('bbbb2').slice(6)));
    expect(c.txid).toBe('bbbb2');
    expect(c.end()).toBe('one');
  });
});
