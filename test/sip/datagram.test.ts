import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/net/types.js';
import { headerValue } from '../../src/sip/headers.js';
import { looksLikeSip, parseSipDatagram, parseSipSegment } from '../../src/sip/parser.js';
import { collectDiagnostics, expectDeclared, frame, inviteHeaders, sip, SDP_OFFER } from './helpers.js';

const INVITE = sip('INVITE sip:bob@127.0.0.1:5082;transport=udp SIP/2.0', [...inviteHeaders('call-1@127.0.0.1'), ['Content-Type', 'application/sdp']], SDP_OFFER);

describe('looksLikeSip', () => {
  it('accepts requests and responses, with leading keep-alive CRLFs', () => {
    expect(looksLikeSip(Buffer.from(INVITE))).toBe(true);
    expect(looksLikeSip(Buffer.from('SIP/2.0 180 Ringing\r\nVia: x\r\n\r\n'))).toBe(true);
    expect(looksLikeSip(Buffer.from('\r\n\r\nOPTIONS sip:x SIP/2.0\r\n'))).toBe(true);
  });

  it('rejects MSRP, HTTP, TLS, binary and incomplete lines', () => {
    expect(looksLikeSip(Buffer.from('MSRP a786hjs2 SEND\r\nTo-Path: msrp://x:1/a;tcp\r\n'))).toBe(false);
    expect(looksLikeSip(Buffer.from('GET /msrp HTTP/1.1\r\nHost: x\r\n'))).toBe(false);
    expect(looksLikeSip(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]))).toBe(false);
    expect(looksLikeSip(Buffer.from('INVITE sip:bob@h SIP/2.0'))).toBe(false);
    expect(looksLikeSip(Buffer.alloc(0))).toBe(false);
    expect(looksLikeSip(Buffer.from('\r\n\r\n'))).toBe(false);
  });
});

describe('parseSipDatagram', () => {
  it('parses an INVITE with SDP: start-line, headers in order, core fields, body by Content-Length', () => {
    const d = collectDiagnostics();
    const m = parseSipDatagram(Buffer.from(INVITE), {
      from: frame(7),
      src: { address: '127.0.0.1', port: 5072 },
      dst: { address: '127.0.0.1', port: 5060 },
      onDiagnostic: d.sink,
    });
    expect(m).toBeDefined();
    if (!m) return;
    expect(d.list).toEqual([]);
    expect(m.kind).toBe('request');
    expect(m.method).toBe('INVITE');
    expect(m.requestUri).toBe('sip:bob@127.0.0.1:5082;transport=udp');
    expect(m.headers.map((h) => h[0])).toEqual(['Via', 'Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Type', 'Content-Length']);
    expect(m.callId).toBe('call-1@127.0.0.1');
    expect(m.cseq).toEqual({ seq: 1, method: 'INVITE' });
    expect(m.from).toMatchObject({ display: 'Alice', uri: 'sip:alice@127.0.0.1:5072', tag: 'atag' });
    expect(m.to).toMatchObject({ uri: 'sip:bob@127.0.0.1:5082', tag: undefined });
    expect(m.viaCount).toBe(1);
    expect(m.contentType).toBe('application/sdp');
    expect(m.contentLength).toBe(Buffer.byteLength(SDP_OFFER));
    expect(m.body.toString()).toBe(SDP_OFFER);
    expect(m.transport).toBe('udp');
    expect(m.connection).toBe(-1);
    expect(m.firstFrame.frame).toBe(7);
    expect(m.lastFrame.frame).toBe(7);
    expect(m.src).toEqual({ address: '127.0.0.1', port: 5072 });
    expect(m.truncated).toBe(false);
    expect(m.lfOnly).toBe(false);
  });

  it('copies the body (the datagram buffer can be reused)', () => {
    const buf = Buffer.from(INVITE);
    const m = parseSipDatagram(buf);
    buf.fill(0x41);
    expect(m?.body.toString()).toBe(SDP_OFFER);
  });

  it('understands compact header forms', () => {
    const text = [
      'SIP/2.0 200 OK',
      'v: SIP/2.0/UDP a;branch=1, SIP/2.0/UDP b;branch=2',
      'v: SIP/2.0/UDP c;branch=3',
      'f: <sip:a@h>;tag=1',
      't: <sip:b@h>;tag=2',
      'i: compact@h',
      'CSeq: 5 INVITE',
      'm: <sip:b@h>',
      'c: application/sdp',
      'l: 4',
      '',
      'v=0\r\nignored',
    ].join('\r\n');
    const d = collectDiagnostics();
    const m = parseSipDatagram(Buffer.from(text), { onDiagnostic: d.sink });
    expect(m).toMatchObject({ kind: 'response', status: 200, reason: 'OK', callId: 'compact@h', viaCount: 3, contentType: 'application/sdp', contentLength: 4 });
    expect(m?.from?.tag).toBe('1');
    expect(m?.to?.tag).toBe('2');
    expect(m?.body.toString()).toBe('v=0\r');
    expect(m && headerValue(m.headers, 'Contact')).toBe('<sip:b@h>');
    expect(d.codes()).toEqual(['sip-content-length-mismatch']);
    expectDeclared(d.list);
  });

  it('unfolds folded headers and handles LF-only line ends', () => {
    const text = 'OPTIONS sip:x@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=1\nCall-ID: fold@h\nSubject: one\n  two\nFrom: <sip:a@h>;tag=1\nTo: <sip:x@h>\nCSeq: 2 OPTIONS\nContent-Length: 0\n\n';
    const m = parseSipDatagram(Buffer.from(text));
    expect(m && headerValue(m.headers, 's')).toBe('one two');
    expect(m?.lfOnly).toBe(true);
    expect(m?.body.length).toBe(0);
  });

  it('reports a datagram shorter than its Content-Length and keeps what is there', () => {
    const d = collectDiagnostics();
    const text = sip('MESSAGE sip:b@h SIP/2.0', inviteHeaders('short@h', 1, 'MESSAGE'), 'hello', 50);
    const m = parseSipDatagram(Buffer.from(text), { from: frame(3), onDiagnostic: d.sink });
    expect(m?.body.toString()).toBe('hello');
    expect(m?.truncated).toBe(true);
    expect(d.list).toMatchObject([{ code: 'sip-content-length-mismatch', frame: 3, connection: -1 }]);
  });

  it('uses the rest of the datagram without Content-Length, and reports an invalid one', () => {
    const noCl = sip('MESSAGE sip:b@h SIP/2.0', inviteHeaders('nocl@h', 1, 'MESSAGE'), 'body!', null);
    expect(parseSipDatagram(Buffer.from(noCl))?.body.toString()).toBe('body!');
    const d = collectDiagnostics();
    const bad = `${sip('MESSAGE sip:b@h SIP/2.0', inviteHeaders('bad@h', 1, 'MESSAGE'), '', null).slice(0, -2)}Content-Length: 12x\r\n\r\nxyz`;
    expect(parseSipDatagram(Buffer.from(bad), { onDiagnostic: d.sink })?.body.toString()).toBe('xyz');
    expect(d.codes()).toEqual(['sip-content-length-invalid']);
  });

  it('reports missing mandatory headers, a bad CSeq and malformed header lines', () => {
    const d = collectDiagnostics();
    const text = 'BYE sip:x SIP/2.0\r\nCSeq: 3 INVITE\r\nthis is not a header\r\nContent-Length: 0\r\n\r\n';
    const m = parseSipDatagram(Buffer.from(text), { onDiagnostic: d.sink });
    expect(m?.callId).toBeUndefined();
    expect(d.codes().sort()).toEqual(['sip-bad-cseq', 'sip-malformed-header', 'sip-missing-header']);
    expect(d.list.find((x) => x.code === 'sip-missing-header')?.detail).toBe('missing Call-ID, From, To, Via');
    expectDeclared(d.list);
  });

  it('returns undefined for non-SIP payloads', () => {
    expect(parseSipDatagram(Buffer.from('hello world\r\n\r\n'))).toBeUndefined();
    expect(parseSipDatagram(Buffer.from('\r\n\r\n'))).toBeUndefined();
    expect(parseSipDatagram(Buffer.alloc(0))).toBeUndefined();
  });

  it('takes frame and addresses from a UDP segment', () => {
    const seg: Segment = {
      frame: 11, tsSec: 5, tsNsec: 6, interfaceId: 0, proto: 'udp', ipVersion: 6, src: '::1', dst: '::1', srcPort: 5072, dstPort: 5060,
      seq: 0, ack: 0, flags: 0, window: 0, payload: Buffer.from(INVITE),
    };
    const m = parseSipSegment(seg);
    expect(m?.firstFrame).toEqual({ frame: 11, tsSec: 5, tsNsec: 6 });
    expect(m?.src).toEqual({ address: '::1', port: 5072 });
    expect(m?.dst).toEqual({ address: '::1', port: 5060 });
  });

  it('never throws on arbitrary bytes, nor on mutated SIP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const d = collectDiagnostics();
        parseSipDatagram(Buffer.from(bytes), { onDiagnostic: d.sink });
        looksLikeSip(Buffer.from(bytes));
        expectDeclared(d.list);
      }),
      { numRuns: 500 },
    );
    const base = Buffer.from(INVITE);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), fc.nat(base.length), (edits, cut) => {
        const b = Buffer.from(base);
        for (const [i, v] of edits) b[i] = v;
        const d = collectDiagnostics();
        parseSipDatagram(b.subarray(0, cut), { onDiagnostic: d.sink });
        expectDeclared(d.list);
      }),
      { numRuns: 500 },
    );
  });
});
