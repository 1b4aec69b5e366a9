import { describe, expect, it } from 'vitest';
import { canonicalHeaderName, headerValue, headerValues, type SipHeader } from '../../src/sip/headers.js';
import { HeaderCollector, parseStartLine } from '../../src/sip/head.js';
import { parseCSeq, parseNameAddr } from '../../src/sip/nameaddr.js';
import { splitCommaList } from '../../src/sip/text.js';
import { SIP_CODES } from '../../src/sip/codes.js';

describe('header names', () => {
  it('maps every compact form to its long form', () => {
    const pairs: Array<[string, string]> = [
      ['i', 'call-id'], ['f', 'from'], ['t', 'to'], ['v', 'via'], ['c', 'content-type'], ['l', 'content-length'],
      ['m', 'contact'], ['k', 'supported'], ['s', 'subject'], ['e', 'content-encoding'],
    ];
    for (const [short, long] of pairs) {
      expect(canonicalHeaderName(short)).toBe(long);
      expect(canonicalHeaderName(short.toUpperCase())).toBe(long);
    }
    expect(canonicalHeaderName('Call-ID')).toBe('call-id');
    expect(canonicalHeaderName('X-Custom')).toBe('x-custom');
  });

  it('looks headers up case-insensitively, compact and long forms alike, in order', () => {
    const h: SipHeader[] = [['v', 'SIP/2.0/UDP a'], ['VIA', 'SIP/2.0/UDP b'], ['i', 'abc@host'], ['call-id', 'second']];
    expect(headerValue(h, 'Call-ID')).toBe('abc@host');
    expect(headerValue(h, 'i')).toBe('abc@host');
    expect(headerValues(h, 'Via')).toEqual(['SIP/2.0/UDP a', 'SIP/2.0/UDP b']);
    expect(headerValue(h, 'Contact')).toBeUndefined();
  });

  it('treats __proto__ and constructor as ordinary header names', () => {
    const c = new HeaderCollector();
    c.add('__proto__: polluted');
    c.add('constructor: x');
    c.add('toString: y');
    expect(c.headers).toEqual([['__proto__', 'polluted'], ['constructor', 'x'], ['toString', 'y']]);
    expect(headerValue(c.headers, '__proto__')).toBe('polluted');
    expect(headerValue(c.headers, 'hasOwnProperty')).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('HeaderCollector', () => {
  it('joins folded continuation lines with one space', () => {
    const c = new HeaderCollector();
    c.add('Subject: I know you are there,\r');
    c.add('     pick up the phone\r');
    c.add('\tand talk to me!\r');
    c.add('Via: SIP/2.0/UDP a ;branch=1');
    expect(c.headers).toEqual([
      ['Subject', 'I know you are there, pick up the phone and talk to me!'],
      ['Via', 'SIP/2.0/UDP a ;branch=1'],
    ]);
  });

  it('accepts whitespace before the colon and an empty value; drops lines without a colon', () => {
    const c = new HeaderCollector();
    c.add('Subject   :   lunch  ');
    c.add('X-Empty:');
    c.add('no colon here');
    c.add(': no name');
    c.add('bad name: x');
    expect(c.headers).toEqual([['Subject', 'lunch'], ['X-Empty', '']]);
    expect(c.malformed).toEqual(['no colon here', ': no name', 'bad name: x']);
  });

  it('reports a continuation line with nothing before it', () => {
    const c = new HeaderCollector();
    c.add('  orphan');
    expect(c.headers).toEqual([]);
    expect(c.malformed).toEqual(['  orphan']);
  });
});

describe('start-line', () => {
  it('parses request and status lines', () => {
    expect(parseStartLine('INVITE sip:bob@127.0.0.1:5082;transport=udp SIP/2.0\r')).toEqual({
      kind: 'request', method: 'INVITE', requestUri: 'sip:bob@127.0.0.1:5082;transport=udp', status: undefined, reason: '', version: 'SIP/2.0',
    });
    expect(parseStartLine('SIP/2.0 100 trying -- your call is important to us')).toMatchObject({
      kind: 'response', status: 100, reason: 'trying -- your call is important to us',
    });
    expect(parseStartLine('SIP/2.0 200')).toMatchObject({ kind: 'response', status: 200, reason: '' });
  });

  it('rejects lines that are not SIP start-lines', () => {
    for (const l of ['MSRP a786hjs2 SEND', 'GET / HTTP/1.1', 'SIP/2.0 99 Low', 'SIP/2.0 700 Too high', 'INVITE  SIP/2.0', 'INVITE sip:a SIP/3.0', '', 'Via: SIP/2.0/UDP x']) {
      expect(parseStartLine(l)).toBeUndefined();
    }
  });
});

describe('name-addr and CSeq', () => {
  it('parses quoted display names with escapes, tags and bare addr-specs', () => {
    expect(parseNameAddr('"Alice \\"A\\" Smith" <sip:alice@127.0.0.1:5072>;tag=d5koyr80')).toEqual({
      display: 'Alice "A" Smith', uri: 'sip:alice@127.0.0.1:5072', tag: 'd5koyr80', params: [['tag', 'd5koyr80']],
    });
    expect(parseNameAddr('Bob <sip:bob@h;transport=tcp>;TAG=x;foo')).toEqual({
      display: 'Bob', uri: 'sip:bob@h;transport=tcp', tag: 'x', params: [['TAG', 'x'], ['foo', undefined]],
    });
    expect(parseNameAddr('<sip:bob@127.0.0.1:5082>')).toMatchObject({ display: undefined, uri: 'sip:bob@127.0.0.1:5082', tag: undefined });
    expect(parseNameAddr('sip:carol@h;tag=77')).toMatchObject({ display: undefined, uri: 'sip:carol@h', tag: '77' });
    expect(parseNameAddr('"x" <sip:unterminated')).toBeUndefined();
    expect(parseNameAddr('')).toBeUndefined();
  });

  it('parses CSeq number and method', () => {
    expect(parseCSeq('1 INVITE')).toEqual({ seq: 1, method: 'INVITE' });
    expect(parseCSeq('  4711   BYE ')).toEqual({ seq: 4711, method: 'BYE' });
    expect(parseCSeq('INVITE 1')).toBeUndefined();
    expect(parseCSeq('99999999999 INVITE')).toBeUndefined();
  });

  it('splits comma lists outside quotes and angle brackets', () => {
    expect(splitCommaList('SIP/2.0/UDP a;branch=1, SIP/2.0/UDP b;branch=2')).toHaveLength(2);
    expect(splitCommaList('"Doe, John" <sip:j@h>, <sip:x@y;a=b,c>')).toEqual(['"Doe, John" <sip:j@h>', '<sip:x@y;a=b,c>']);
    expect(splitCommaList(' , ')).toEqual([]);
  });
});

describe('SIP_CODES', () => {
  it('lists unique kebab-case codes with a meaning', () => {
    const codes = SIP_CODES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of SIP_CODES) {
      expect(c.code).toMatch(/^(sip|sdp)-[a-z0-9-]+$/);
      expect(c.meaning.length).toBeGreaterThan(10);
    }
  });
});
