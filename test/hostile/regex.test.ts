import { describe, expect, it } from 'vitest';
import { dispositionFileName, extensionFor, sanitizeFileName } from '../../src/export/extract-names.js';
import { decodeComposing } from '../../src/model/composing.js';
import { decodeCpim } from '../../src/model/cpim.js';
import { decodeImdn } from '../../src/model/imdn.js';
import { splitUri, uriKey } from '../../src/model/uri-key.js';
import { printable } from '../../src/msrp/bytes.js';
import { parseTypedHeaders } from '../../src/msrp/headers.js';
import { parseMsrpUri } from '../../src/msrp/uri.js';
import { sdpTextOf } from '../../src/sip/body.js';
import { parseFileHash, parseFileRange, parseFileSelector } from '../../src/sip/file-selector.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parseMsrpUri as parseSdpMsrpUri } from '../../src/sip/msrp-uri.js';
import { parseCSeq, parseNameAddr, parseParams } from '../../src/sip/nameaddr.js';
import { parseSipDatagram } from '../../src/sip/parser.js';
import { msrpMedia, parseSdp } from '../../src/sip/sdp.js';
import { readQuoted, safeText, splitCommaList } from '../../src/sip/text.js';
import { escapeText } from '../../src/util/escape.js';

// Every regular expression (and regex-based split) applied to capture data, fed 100 KB of repeated near
// matches built to make a backtracking pattern go quadratic or worse. The bound is the test's own timeout: a
// linear pattern takes milliseconds on these, a quadratic one seconds.
const N = 100_000;
const BOUND = 3000;
const rep = (s: string, n = N): string => s.repeat(Math.ceil(n / s.length)).slice(0, n);

describe('regexes on capture data are linear (100 KB adversarial inputs)', () => {
  it('MSRP typed headers: Byte-Range, Status, Message-ID, Content-Type/-Disposition, auth, paths, Expires', () => {
    const names = ['Byte-Range', 'Status', 'Message-ID', 'Content-Type', 'Content-Disposition', 'Authorization', 'WWW-Authenticate',
      'Authentication-Info', 'To-Path', 'From-Path', 'Use-Path', 'Expires', 'Use-Nickname', 'Success-Report', 'Failure-Report'];
    const values = [rep('1'), `${rep('1-')}x`, `1-${rep('9')}/x`, `000 200 ${rep(' ')}\x00`, `${rep('a')}!`, `a/b${rep(';a=b')};`,
      `a/b;x="${rep('\\"')}`, `Digest ${rep('a=b, ')}"`, `Digest ${rep('a="b\\",')}`, rep(' msrp://a.b;tcp'), `msrp://${rep('a.')};tcp`,
      rep('"\\'), `attachment;${rep(' filename="a";')}`, rep('\t \r\n')];
    let problems = 0;
    for (const name of names) for (const value of values) problems += parseTypedHeaders([{ name, value }]).diagnostics.length;
    expect(problems).toBeGreaterThan(names.length);
  }, BOUND);

  it('MSRP URIs (msrp/uri.ts and sip/msrp-uri.ts)', () => {
    const inputs = [`msrp://${rep('a')}`, `msrp://${rep('a')}:`, `msrp://${rep('a-')}.x;tcp`, `msrp://${rep('a@')};tcp`, `msrp://h/${rep('b')} `,
      `msrp://h/s;${rep('c;')} `, `msrp://h/s;tcp;${rep('a=b;')}\x00`, `msrp://[${rep(':')};tcp`, `msrp://${rep('1.')}:99999/s;tcp`, `msrp://h:${rep('1')}/s;tcp`];
    for (const u of inputs) {
      expect(parseMsrpUri(u)).toBeUndefined();
      parseSdpMsrpUri(u);
    }
  }, BOUND);

  it('SIP start-lines, name-addr, CSeq, parameters, comma lists, quoted strings', () => {
    for (const v of [`INVITE ${rep('a')} SIP/2.0\r\n\r\n`, `SIP/2.0 200 ${rep(' ')}\r\n\r\n`, `${rep('A')} sip:a SIP/2.0\r\n\r\n`]) {
      parseSipDatagram(Buffer.from(v, 'latin1'));
    }
    const hdrs = `INVITE sip:a SIP/2.0\r\nFrom: ${rep('"a" <')}\r\nTo: ${rep('<sip:a;')}\r\nCSeq: 1${rep(' ')}x\r\nVia: ${rep('a,')}\r\nCall-ID: x\r\n\r\n`;
    expect(parseSipDatagram(Buffer.from(hdrs, 'latin1'))?.method).toBe('INVITE');
    for (const v of [rep('"'), rep('"\\'), rep('<'), rep(';a='), `1${rep(' ')}a${rep(' ')}@`, rep('a, "b, '), `${rep(' ')}1`]) {
      parseNameAddr(v);
      parseCSeq(v);
      parseParams(v);
      splitCommaList(v);
      readQuoted(v, 0);
    }
  }, BOUND);

  it('SDP lines, m= lines, MSRP attributes, file-selector / file-range / hash', () => {
    const sdps = [`v=0\r\nm=${rep('a ')}\r\n`, rep('a=\r\n'), rep('\r'), `c=${rep('IN ')}`,
      `v=0\r\nm=message 1 TCP/MSRP ${rep('* ')}\r\na=path:${rep('msrp://a/b;tcp ')}\r\na=fingerprint:${rep('a ')}\r\na=file-selector:${rep('name:"a" ')}\r\na=file-range:${rep(' ')}1-x\r\n`];
    for (const s of sdps) msrpMedia(parseSdp(s));
    for (const v of [rep('name:"'), `${rep('hash:sha-1:AA:')}G`, `${rep('AA:')}G`, `${rep(' ')}1-${'9'.repeat(20)}`, rep('size:1 ')]) {
      parseFileSelector(v);
      parseFileRange(v);
      parseFileHash(v);
    }
    expect(parseFileHash(`sha-1:${rep('AA:')}G`)).toBeUndefined();
  }, BOUND);

  it('SIP multipart bodies (the SDP part is searched with regexes)', () => {
    const msg = (body: string): SipMessage => ({ body: Buffer.from(body), contentType: 'multipart/mixed; boundary=b' }) as unknown as SipMessage;
    for (const b of [rep('--b\r\n'), rep('--b\r\n\r\n'), rep('--b\r\nContent-Type: application/sdp\r\n'), rep('\r\n')]) sdpTextOf(msg(b));
  }, BOUND);

  it('escaping for terminals and diagnostics', () => {
    for (const v of [rep('\x1b'), rep('\u202e'), rep('a\x9b')]) {
      expect(escapeText(v).length).toBeGreaterThan(v.length);
      printable(v, N);
      safeText(v, N);
    }
  }, BOUND);

  it('CPIM envelopes and URI keys (model)', () => {
    for (const v of [rep('a: '), `NS: ${rep(' ')}x`, rep('\n'), rep(':'), rep('NS: <')]) decodeCpim(Buffer.from(v), true);
    for (const v of [`msrp://${rep('a')}`, `msrp://${rep('@')}x`, `msrp://${rep('[')}`, `msrp://a:${rep('1')}x`, `msrp://h/${rep('a')};${rep(';')}`]) {
      uriKey(v);
      splitUri(v);
    }
  }, BOUND);

  // The model decodes isComposing / IMDN only from a message's first 4096 body bytes (PREVIEW_BYTES; the XML
  // parser reads no further), and extraction reads Content-Disposition from one header line (at most 16 KiB):
  // at those sizes the inputs below cost milliseconds.
  it('isComposing / IMDN at the preview size the model feeds them (4 KiB)', () => {
    for (let k = 0; k < 50; k++) {
      for (const v of ['<isComposing>' + rep('<state ', 4096), '<imdn>' + rep('<message-id ', 4096), rep('<status> <a ', 4096), rep('<a:', 4096)]) {
        decodeComposing(v);
        decodeImdn(v);
      }
    }
  }, BOUND);

  it('Content-Disposition file names at the header line limit (16 KiB)', () => {
    for (let k = 0; k < 20; k++) {
      for (const v of [rep('filename*=', 16384), rep('filename="\\', 16384), rep("filename*=a'b'", 16384)]) {
        dispositionFileName(v);
        sanitizeFileName(v);
        extensionFor(v);
      }
    }
  }, BOUND);

  // Was quadratic with the former regex matching (an unbounded attribute run scanned from every `<`); the XML
  // parser reads the first 4096 bytes once and stops at the first error.
  it('isComposing / IMDN decoding on 100 KB', () => {
    decodeComposing('<isComposing>' + rep('<state '));
    decodeImdn('<imdn>' + rep('<message-id '));
  }, 100);

  // Was quadratic (a `filename*=` pattern restarting at every occurrence); now an indexOf scan.
  it('Content-Disposition file name on 100 KB', () => {
    dispositionFileName(rep('filename*='));
  }, 100);
});
