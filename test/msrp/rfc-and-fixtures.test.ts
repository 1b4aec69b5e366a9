import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTypedHeaders } from '../../src/msrp/headers.js';
import { codes, crlf, parseWhole } from './helpers.js';

// RFC 4975 section 7 and RFC 4976 examples, written out with CRLF line endings.
const RFC4975_7_1 = crlf(`MSRP a786hjs2 SEND
To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp
From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp
Message-ID: 87652491
Byte-Range: 1-25/25
Content-Type: text/plain

Hey Bob, are you there?
-------a786hjs2$
MSRP a786hjs2 200 OK
To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp
From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp
-------a786hjs2$
MSRP 5sdaks21 SEND
To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp
From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp
Message-ID: 91827364
Byte-Range: 1-33/33
Content-Type: text/plain

Hey Alice, I'm here, how are you?
-------5sdaks21$
MSRP 5sdaks21 200 OK
To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp
From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp
-------5sdaks21$
`);

const RFC4975_7_3_CHUNKS = crlf(`MSRP 7443ee SEND
To-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp
From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp
Message-ID: 12339sdqwer
Byte-Range: 1-11/22
Content-Type: text/plain

first half 
-------7443ee+
MSRP 7443ee 200 OK
To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp
From-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp
-------7443ee$
MSRP d93kswow SEND
To-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp
From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp
Message-ID: 12339sdqwer
Byte-Range: 12-22/22
Content-Type: text/plain

second half
-------d93kswow$
MSRP dkei38sd REPORT
To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp
From-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp
Message-ID: 12339sdqwer
Byte-Range: 1-22/22
Status: 000 200 OK
-------dkei38sd$
`);

const RFC4976_AUTH = crlf(`MSRP 49fh AUTH
To-Path: msrps://alice@intra.example.com;tcp
From-Path: msrps://alice.example.com:9892/98cjs;tcp
-------49fh$
MSRP 49fh 401 Unauthorized
To-Path: msrps://alice.example.com:9892/98cjs;tcp
From-Path: msrps://alice@intra.example.com;tcp
WWW-Authenticate: Digest realm="intra.example.com", qop="auth", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"
-------49fh$
MSRP 49fi AUTH
To-Path: msrps://alice@intra.example.com;tcp
From-Path: msrps://alice.example.com:9892/98cjs;tcp
Authorization: Digest username="Alice", realm="intra.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1"
-------49fi$
MSRP 49fi 200 OK
To-Path: msrps://alice.example.com:9892/98cjs;tcp
From-Path: msrps://alice@intra.example.com;tcp
Use-Path: msrps://relay.example.com:2855/jui787s2f;tcp
Expires: 900
-------49fi$
`);

describe('RFC 4975 section 7 examples', () => {
  it('7.1 basic IM session: two SENDs, two 200s', () => {
    const r = parseWhole(RFC4975_7_1);
    expect(r.frames.map((m) => [m.method ?? m.status, m.transactionId, m.flag])).toEqual([
      ['SEND', 'a786hjs2', '$'],
      [200, 'a786hjs2', '$'],
      ['SEND', '5sdaks21', '$'],
      [200, '5sdaks21', '$'],
    ]);
    expect(r.bodies.map(String)).toEqual(['Hey Bob, are you there?', '', "Hey Alice, I'm here, how are you?", '']);
    expect(r.bytesSkipped).toBe(0);
    expect(r.frames.every((m) => !m.lfOnly)).toBe(true);
    // The RFC text announces 25 bytes for a 23-byte body (a known erratum); the second SEND is right.
    const mismatches = r.diagnostics.filter((d) => d.code === 'byte-range-length-mismatch');
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]!.detail).toContain('body has 23');
    expect(codes(r).filter((c) => c !== 'byte-range-length-mismatch')).toEqual([]);
  });

  it('7.3 chunked message with + and $ flags and the REPORT', () => {
    const r = parseWhole(RFC4975_7_3_CHUNKS);
    expect(r.frames.map((m) => [m.method ?? m.status, m.flag, m.bodyLength])).toEqual([
      ['SEND', '+', 11],
      [200, '$', 0],
      ['SEND', '$', 11],
      ['REPORT', '$', 0],
    ]);
    expect(r.diagnostics).toEqual([]);
    const report = parseTypedHeaders(r.frames[3]!.headers).values;
    expect(report.status).toEqual({ namespace: 0, code: 200, comment: 'OK' });
    expect(report.byteRange).toEqual({ start: 1, end: 22, total: 22 });
  });

  it('RFC 4976 AUTH exchange with digest headers, Use-Path and Expires', () => {
    const r = parseWhole(RFC4976_AUTH);
    expect(r.frames.map((m) => m.method ?? m.status)).toEqual(['AUTH', 401, 'AUTH', 200]);
    expect(r.diagnostics).toEqual([]);
    const challenge = parseTypedHeaders(r.frames[1]!.headers).values.wwwAuthenticate!;
    expect(challenge.scheme).toBe('Digest');
    expect(challenge.params).toEqual([
      ['realm', 'intra.example.com'],
      ['qop', 'auth'],
      ['nonce', 'dcd98b7102dd2f0e8b11d0f600bfb0c093'],
    ]);
    const auth = parseTypedHeaders(r.frames[2]!.headers).values.authorization!;
    expect(auth.params.find(([n]) => n === 'nc')).toEqual(['nc', '00000001']);
    const okTyped = parseTypedHeaders(r.frames[3]!.headers).values;
    expect(okTyped.usePath![0]!.host).toBe('relay.example.com');
    expect(okTyped.usePath![0]!.sessionId).toBe('jui787s2f');
    expect(okTyped.expires).toBe(900);
    expect(parseTypedHeaders(r.frames[0]!.headers).values.toPath![0]).toMatchObject({
      scheme: 'msrps', user: 'alice', host: 'intra.example.com', port: undefined, sessionId: undefined, transport: 'tcp',
    });
  });
});

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../../../shared/fixtures');

describe.skipIf(!existsSync(FIXTURES))('shared fixtures (LF-only as stored, and with CRLF restored)', () => {
  const read = (f: string) => readFileSync(path.join(FIXTURES, f), 'latin1');

  const expected: [string, string | number, string[], number | undefined][] = [
    ['MsrpRequestMessage1.txt', 'SEND', ['byte-range-length-mismatch'], 14],
    ['MsrpPositiveReport1.txt', 'SEND', ['byte-range-length-mismatch'], undefined],
    ['MsrpResponseMessage1.txt', 200, [], 0],
    ['MsrpReportRequest1.txt', 'REPORT', [], 0],
    ['MsrpNicknameRequest1.txt', 'NICKNAME', [], 0],
    ['MsrpUnknownRequestMethod.txt', 'UNKNOWN', ['unknown-method', 'byte-range-length-mismatch'], 14],
  ];

  for (const [file, what, conformance, bodyLength] of expected) {
    it(`${file}: LF-only is tolerated with a diagnostic`, () => {
      const r = parseWhole(read(file));
      expect(r.frames).toHaveLength(1);
      const m = r.frames[0]!;
      expect(m.method ?? m.status).toBe(what);
      expect(m.lfOnly).toBe(true);
      expect(m.truncated).toBe(false);
      expect(m.flag).toBe('$');
      if (bodyLength !== undefined) expect(m.bodyLength).toBe(bodyLength);
      expect(codes(r).sort()).toEqual(['lf-only-line-endings', ...conformance].sort());
      expect(r.bytesSkipped).toBe(0);
    });

    it(`${file}: with CRLF restored it parses strictly`, () => {
      const text = crlf(read(file));
      const r = parseWhole(text);
      expect(r.frames).toHaveLength(1);
      expect(r.frames[0]!.lfOnly).toBe(false);
      expect(r.frames[0]!.endOffset).toBe(text.length);
      expect(codes(r).sort()).toEqual([...conformance].sort());
    });
  }

  it('PositiveReport: 117-byte body LF-only, 121 with CRLF; Byte-Range 1-106/106 reported, not fatal', () => {
    const lf = parseWhole(read('MsrpPositiveReport1.txt'));
    const cr = parseWhole(crlf(read('MsrpPositiveReport1.txt')));
    expect(lf.frames[0]!.bodyLength).toBe(117);
    expect(cr.frames[0]!.bodyLength).toBe(121);
    expect(cr.diagnostics.find((d) => d.code === 'byte-range-length-mismatch')!.detail).toContain('announces 106 bytes, body has 121');
    const typed = parseTypedHeaders(cr.frames[0]!.headers).values;
    expect([typed.successReport, typed.failureReport, typed.contentType?.mediaType]).toEqual(['yes', 'no', 'text/html']);
  });

  it('NICKNAME carries Use-Nickname (RFC 7701)', () => {
    const r = parseWhole(crlf(read('MsrpNicknameRequest1.txt')));
    expect(parseTypedHeaders(r.frames[0]!.headers).values.useNickname).toBe('Alice the great');
  });

  it('all six fixtures in one buffer, LF-only and CRLF', () => {
    const all = expected.map(([f]) => read(f)).join('');
    expect(parseWhole(all).frames.map((m) => m.method ?? m.status)).toEqual(expected.map((e) => e[1]));
    expect(parseWhole(crlf(all)).frames.map((m) => m.method ?? m.status)).toEqual(expected.map((e) => e[1]));
  });
});
