import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, paramValue, parseTypedHeaders } from '../../src/msrp/headers.js';
import { checkConformance } from '../../src/msrp/diagnostics.js';
import { msrpUriKey, parseMsrpUri, parseMsrpUriDetailed } from '../../src/msrp/uri.js';
import type { MsrpFrame, RawHeader } from '../../src/msrp/types.js';
import { ref } from './helpers.js';

const h = (name: string, value: string): RawHeader => ({ name, value });

describe('parseMsrpUri', () => {
  it('IPv4 host, port, session, transport', () => {
    expect(parseMsrpUri('msrp://127.0.0.1:2865/MxhXINyn9kN9;tcp')).toEqual({
      raw: 'msrp://127.0.0.1:2865/MxhXINyn9kN9;tcp',
      scheme: 'msrp', user: undefined, host: '127.0.0.1', hostKind: 'ipv4', dotInvalid: false,
      port: 2865, sessionId: 'MxhXINyn9kN9', transport: 'tcp', params: [],
    });
  });

  it('bracketed IPv6, userinfo, msrps, uppercase scheme and transport', () => {
    const u = parseMsrpUri('MSRPS://bob@[::1]:2872/s3ss;TCP')!;
    expect([u.scheme, u.user, u.host, u.hostKind, u.port, u.transport]).toEqual(['msrps', 'bob', '::1', 'ipv6', 2872, 'tcp']);
    expect(parseMsrpUri('msrp://[2001:db8::7]:1/x;tcp')!.host).toBe('2001:db8::7');
  });

  it('.invalid host over WebSocket (RFC 7977) with parameters as ordered pairs', () => {
    const u = parseMsrpUri('msrp://df7jal23ls0d.invalid/98cjs;ws;foo=bar;flag')!;
    expect(u.hostKind).toBe('fqdn');
    expect(u.dotInvalid).toBe(true);
    expect(u.port).toBeUndefined();
    expect(u.transport).toBe('ws');
    expect(u.params).toEqual([['foo', 'bar'], ['flag', undefined]]);
    expect(Array.isArray(u.params)).toBe(true);
    expect(parseMsrpUri('msrps://relay.example.com:443/abc;wss')!.transport).toBe('wss');
  });

  it('rejects what is not an MSRP URI, with a reason', () => {
    const bad = [
      'sip:alice@example.com',
      'http://example.com:80/x;tcp',
      'msrp://example.com:2855/x',
      'msrp://example.com:99999/x;tcp',
      'msrp://[::1/x;tcp',
      'msrp://[zz::1]:1/x;tcp',
      'msrp://exa mple.com:1/x;tcp',
      'msrp://example.com:1/x y;tcp',
      'msrp://:1/x;tcp',
      'msrp://300.1.1.1:1/x;tcp',
      'msrp://example.com:1/x;t-c-p',
      '',
    ];
    for (const s of bad) {
      expect(parseMsrpUri(s), s).toBeUndefined();
      expect('error' in parseMsrpUriDetailed(s)).toBe(true);
    }
  });

  it('comparison key ignores case of scheme/host/transport but not of the session-id', () => {
    const a = parseMsrpUri('msrp://Example.COM:7777/AbC;TCP')!;
    const b = parseMsrpUri('MSRP://example.com:7777/AbC;tcp')!;
    const c = parseMsrpUri('msrp://example.com:7777/abc;tcp')!;
    expect(msrpUriKey(a)).toBe(msrpUriKey(b));
    expect(msrpUriKey(a)).not.toBe(msrpUriKey(c));
  });
});

describe('parseTypedHeaders', () => {
  it('types every header RFC 4975/4976/7701 define', () => {
    const { values: t, diagnostics } = parseTypedHeaders([
      h('To-Path', 'msrp://relay.example.com:2855/r1;tcp msrp://bob.example.com:8888/b2;tcp'),
      h('From-Path', 'msrp://alice.example.com:7777/a1;tcp'),
      h('Use-Path', 'msrps://relay.example.com:2855/jui787s2f;tcp'),
      h('Message-ID', '4004616206.stjzok5s'),
      h('Byte-Range', '1-*/*'),
      h('Success-Report', 'YES'),
      h('Failure-Report', 'partial'),
      h('Status', '000 413 Too big, sorry'),
      h('Content-ID', '<abc@example.com>'),
      h('Content-Description', 'Résumé'),
      h('Content-Disposition', 'attachment; filename="report.pdf"; size=15001'),
      h('Expires', '900'),
      h('Min-Expires', '60'),
      h('Max-Expires', '3600'),
      h('Authentication-Info', 'nextnonce="abc", qop=auth, rspauth="0f"'),
      h('Use-Nickname', '"Alice \\"the\\" great"'),
      h('X-Extension', 'kept'),
      h('Content-Type', 'Message/CPIM; charset="utf-8"; x=y'),
    ]);
    expect(diagnostics).toEqual([]);
    expect(t.toPath!.map((u) => u.sessionId)).toEqual(['r1', 'b2']);
    expect(t.fromPath![0]!.host).toBe('alice.example.com');
    expect(t.usePath![0]!.scheme).toBe('msrps');
    expect(t.messageId).toBe('4004616206.stjzok5s');
    expect(t.byteRange).toEqual({ start: 1, end: null, total: null });
    expect(t.successReport).toBe('yes');
    expect(t.failureReport).toBe('partial');
    expect(t.status).toEqual({ namespace: 0, code: 413, comment: 'Too big, sorry' });
    expect(t.contentId).toBe('<abc@example.com>');
    expect(t.contentDescription).toBe('Résumé');
    expect(t.contentDisposition).toEqual({ disposition: 'attachment', params: [['filename', 'report.pdf'], ['size', '15001']] });
    expect([t.expires, t.minExpires, t.maxExpires]).toEqual([900, 60, 3600]);
    expect(t.authenticationInfo).toEqual({ scheme: undefined, params: [['nextnonce', 'abc'], ['qop', 'auth'], ['rspauth', '0f']] });
    expect(t.useNickname).toBe('Alice "the" great');
    expect(t.other).toEqual([h('X-Extension', 'kept')]);
    expect(t.contentType).toEqual({ type: 'Message', subtype: 'CPIM', mediaType: 'message/cpim', params: [['charset', 'utf-8'], ['x', 'y']] });
    expect(paramValue(t.contentType!.params, 'CHARSET')).toBe('utf-8');
  });

  it('reports bad values with stable codes and never throws', () => {
    const { values: t, diagnostics } = parseTypedHeaders([
      h('To-Path', 'msrp://ok.example.com:1/a;tcp sip:bad'),
      h('Byte-Range', '0-5/10'),
      h('Success-Report', 'maybe'),
      h('Failure-Report', 'sometimes'),
      h('Status', '200 OK'),
      h('Expires', 'soon'),
      h('Content-Type', 'textplain'),
      h('Message-ID', 'x'),
    ]);
    expect(diagnostics.map((d) => d.code)).toEqual([
      'invalid-uri', 'byte-range-invalid', 'invalid-success-report', 'invalid-failure-report',
      'invalid-header-value', 'invalid-header-value', 'invalid-header-value', 'invalid-header-value',
    ]);
    expect(t.toPath).toBeUndefined();
    expect(t.successReport).toBeUndefined();
    expect(t.byteRange).toEqual({ start: 0, end: 5, total: 10 });
  });

  it('Byte-Range forms', () => {
    const br = (v: string) => parseTypedHeaders([h('Byte-Range', v)]);
    expect(br('1-0/0').values.byteRange).toEqual({ start: 1, end: 0, total: 0 });
    expect(br('4097-8192/120000').values.byteRange).toEqual({ start: 4097, end: 8192, total: 120000 });
    expect(br('12-*/100').values.byteRange).toEqual({ start: 12, end: null, total: 100 });
    expect(br('5-3/10').diagnostics.map((d) => d.code)).toEqual(['byte-range-invalid']);
    expect(br('1-2').values.byteRange).toBeUndefined();
  });

  it('header lookup is case-insensitive; duplicates keep the first and are reported', () => {
    const hs = [h('message-id', 'first111'), h('MESSAGE-ID', 'second22'), h('X-A', '1'), h('x-a', '2')];
    expect(getHeader(hs, 'Message-ID')).toBe('first111');
    expect(getHeaders(hs, 'x-A')).toEqual(['1', '2']);
    const { values, diagnostics } = parseTypedHeaders(hs);
    expect(values.messageId).toBe('first111');
    expect(diagnostics.map((d) => d.code)).toEqual(['duplicate-header']);
    expect(values.other).toHaveLength(2);
  });

  it('__proto__ and other object keys as header names change nothing', () => {
    const hs = [h('__proto__', '{"polluted":1}'), h('constructor', 'x'), h('toString', 'y'), h('hasOwnProperty', 'z')];
    const { values, diagnostics } = parseTypedHeaders(hs);
    expect(diagnostics).toEqual([]);
    expect(values.other.map((x) => x.name)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(getHeader(hs, '__proto__')).toBe('{"polluted":1}');
    expect(typeof values.toPath).toBe('undefined');
  });
});

describe('checkConformance', () => {
  const frame = (over: Partial<MsrpFrame>): MsrpFrame => ({
    kind: 'request', transactionId: 'abcd1234', method: 'SEND', status: undefined, comment: '', headers: [],
    bodyLength: 0, hasBody: false, bodyPreview: Buffer.alloc(0), bodySha256: undefined, flag: '$', truncated: false,
    startOffset: 100, endOffset: 200, firstFrame: ref(9), lastFrame: ref(9), lfOnly: false, ...over,
  });
  const TO = h('To-Path', 'msrp://b.example.com:1/b;tcp');
  const FROM = h('From-Path', 'msrp://a.example.com:1/a;tcp');
  const check = (f: MsrpFrame) => checkConformance(f, undefined, 4).map((d) => d.code).sort();

  it('a clean SEND has no findings; diagnostics carry connection, first frame and offset', () => {
    expect(check(frame({ headers: [TO, FROM, h('Message-ID', 'msg12345'), h('Byte-Range', '1-3/3'), h('Content-Type', 'text/plain')], hasBody: true, bodyLength: 3 }))).toEqual([]);
    const d = checkConformance(frame({ headers: [] }), undefined, 4)[0]!;
    expect([d.connection, d.frame, d.offset]).toEqual([4, 9, 100]);
  });

  it('header order, missing paths, body rules', () => {
    expect(check(frame({ headers: [FROM, TO, h('Message-ID', 'msg12345'), h('Byte-Range', '1-0/0')] }))).toEqual(['from-path-not-second', 'to-path-not-first']);
    expect(check(frame({ headers: [h('Message-ID', 'msg12345'), h('Byte-Range', '1-0/0')] }))).toEqual(['missing-from-path', 'missing-to-path']);
    expect(check(frame({ headers: [TO, FROM, h('Message-ID', 'msg12345'), h('Content-Type', 'text/plain'), h('Byte-Range', '1-3/3')], hasBody: true, bodyLength: 3 }))).toEqual(['content-type-not-last']);
    expect(check(frame({ headers: [TO, FROM, h('Message-ID', 'msg12345'), h('Byte-Range', '1-3/3')], hasBody: true, bodyLength: 3 }))).toEqual(['body-without-content-type']);
    expect(check(frame({ headers: [TO, FROM] }))).toEqual(['send-without-byte-range', 'send-without-message-id']);
    expect(check(frame({ kind: 'response', method: undefined, status: 200, headers: [TO, FROM, h('Content-Type', 'text/plain')], hasBody: true, bodyLength: 1 }))).toEqual(['response-with-body']);
  });

  it('methods, status codes, Status placement', () => {
    expect(check(frame({ method: 'FOO', headers: [TO, FROM] }))).toEqual(['unknown-method']);
    expect(check(frame({ method: 'AUTH', headers: [TO, FROM] }))).toEqual([]);
    expect(check(frame({ method: 'NICKNAME', headers: [TO, FROM] }))).toEqual([]);
    expect(check(frame({ method: 'REPORT', headers: [TO, FROM] }))).toEqual(['report-without-status']);
    expect(check(frame({ method: 'AUTH', headers: [TO, FROM, h('Status', '000 200 OK')] }))).toEqual(['status-on-non-report']);
    expect(check(frame({ kind: 'response', method: undefined, status: 100, headers: [TO, FROM] }))).toEqual(['invalid-status-code']);
    expect(check(frame({ method: 'AUTH', headers: [TO, FROM, h('Failure-Report', 'bad')] }))).toEqual(['invalid-failure-report']);
  });

  it('Byte-Range against body length and total', () => {
    const br = (v: string, len: number, flag: MsrpFrame['flag'] = '$', truncated = false) =>
      check(frame({ headers: [TO, FROM, h('Message-ID', 'msg12345'), h('Byte-Range', v), h('Content-Type', 'text/plain')], hasBody: true, bodyLength: len, flag, truncated }));
    expect(br('1-10/10', 10)).toEqual([]);
    expect(br('1-10/10', 9)).toEqual(['byte-range-length-mismatch']);
    expect(br('1-10/20', 5, '#')).toEqual([]);
    expect(br('1-10/20', 11, '#')).toEqual(['byte-range-length-mismatch']);
    expect(br('1-10/10', 3, undefined, true)).toEqual([]);
    expect(br('1-10/20', 10, '+')).toEqual([]);
    expect(br('1-10/20', 10, '$')).toEqual(['byte-range-total-mismatch']);
    expect(br('11-30/20', 20, '+')).toEqual(['byte-range-total-mismatch']);
    expect(br('1-*/*', 1234, '$')).toEqual([]);
    expect(br('1-*/100', 100, '$')).toEqual([]);
    expect(br('0-1/1', 2)).toEqual(['byte-range-invalid']);
  });
});
