import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import type { SipMessage } from '../../src/sip/message.js';
import { SipStreamParser } from '../../src/sip/parser.js';
import { collectDiagnostics, expectDeclared, frame, inviteHeaders, sip, SDP_ANSWER, SDP_OFFER } from './helpers.js';

interface Run {
  messages: SipMessage[];
  diags: Diagnostic[];
  parser: SipStreamParser;
}

function run(chunks: Array<Buffer | number>, opts: { maxHeaderBytes?: number; maxBodyBytes?: number } = {}): Run {
  const messages: SipMessage[] = [];
  const d = collectDiagnostics();
  const parser = new SipStreamParser((m) => messages.push(m), { connection: 4, onDiagnostic: d.sink, ...opts });
  chunks.forEach((c, i) => {
    if (typeof c === 'number') parser.gap(c, frame(i + 1));
    else parser.push(c, frame(i + 1));
  });
  parser.end();
  expectDeclared(d.list);
  return { messages, diags: d.list, parser };
}

/** A message without its frame references (they depend on how the bytes were split). */
function strip(m: SipMessage): Omit<SipMessage, 'firstFrame' | 'lastFrame'> {
  const { firstFrame: _f, lastFrame: _l, ...rest } = m;
  return rest;
}

const INVITE = sip('INVITE sip:bob@127.0.0.1:5082;transport=tcp SIP/2.0', [...inviteHeaders('c1@h'), ['Content-Type', 'application/sdp']], SDP_OFFER);
const TRYING = sip('SIP/2.0 100 trying -- your call is important to us', inviteHeaders('c1@h'));
const OK = sip('SIP/2.0 200 OK', [...inviteHeaders('c1@h', 1, 'INVITE', 'btag'), ['Content-Type', 'application/sdp']], SDP_ANSWER);
const FOLDED = 'MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=9\r\nf: <sip:a@h>;tag=1\r\nt: <sip:b@h>\r\ni: c2@h\r\nCSeq: 9 MESSAGE\r\nSubject: multi\r\n line\r\nc: text/plain;charset=utf-8\r\nl: 10\r\n\r\nhéllo €';
const LF_ONLY = 'BYE sip:a@h SIP/2.0\nVia: SIP/2.0/TCP h;branch=2\nFrom: <sip:b@h>;tag=btag\nTo: <sip:a@h>;tag=atag\nCall-ID: c1@h\nCSeq: 2 BYE\nContent-Length: 0\n\n';
const STREAM = Buffer.from(`${INVITE}\r\n\r\n${TRYING}${OK}garbage line\r\nmore \u0001 junk\r\n${FOLDED}\r\n${LF_ONLY}`);

describe('SipStreamParser framing', () => {
  it('parses several messages in one push, with keep-alives, garbage and mixed line ends', () => {
    const r = run([STREAM]);
    expect(r.messages.map((m) => m.method ?? m.status)).toEqual(['INVITE', 100, 200, 'MESSAGE', 'BYE']);
    const [inv, , ok, msg, bye] = r.messages as [SipMessage, SipMessage, SipMessage, SipMessage, SipMessage];
    expect(inv.body.toString()).toBe(SDP_OFFER);
    expect(ok.body.toString()).toBe(SDP_ANSWER);
    expect(ok.to?.tag).toBe('btag');
    expect(msg.body.toString('utf8')).toBe('héllo €');
    expect(msg.body.length).toBe(10);
    expect(msg.headers.find((h) => h[0] === 'Subject')?.[1]).toBe('multi line');
    expect(bye.lfOnly).toBe(true);
    expect(inv.lfOnly).toBe(false);
    expect(inv.offset).toBe(0);
    expect(inv.transport).toBe('tcp');
    expect(inv.connection).toBe(4);
    const garbageStart = STREAM.indexOf('garbage line');
    expect(r.diags).toEqual([
      { code: 'sip-garbage-skipped', severity: 'warning', frame: 1, connection: 4, offset: garbageStart, detail: `skipped ${Buffer.byteLength('garbage line\r\nmore \u0001 junk\r\n')} bytes that are not a SIP message` },
    ]);
    expect(r.parser.stats).toEqual({ messages: 5, bytesSkipped: 27, gapBytes: 0 });
    expect(msg.offset).toBe(STREAM.indexOf('MESSAGE sip:'));
  });

  it('gives identical results for any split of the input (property)', () => {
    const whole = run([STREAM]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), STREAM.length];
        const chunks = points.slice(1).map((p, i) => STREAM.subarray(points[i], p));
        const r = run(chunks);
        expect(r.messages.map(strip)).toEqual(whole.messages.map(strip));
        expect(r.diags.map(({ frame: _f, ...rest }) => rest)).toEqual(whole.diags.map(({ frame: _f, ...rest }) => rest));
        expect(r.parser.stats).toEqual(whole.parser.stats);
        // Frames: the push holding a message's first byte, and the one holding its last byte.
        const frameAt = (offset: number): number => points.findIndex((p, i) => offset >= p && offset < (points[i + 1] ?? Infinity)) + 1;
        const lengths = [INVITE, TRYING, OK, FOLDED, LF_ONLY].map((t) => Buffer.byteLength(t));
        r.messages.forEach((m, i) => {
          expect(m.firstFrame.frame).toBe(frameAt(m.offset));
          expect(m.lastFrame.frame).toBe(frameAt(m.offset + (lengths[i] as number) - 1));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('gives identical results for any split when the stream also has gaps (property)', () => {
    const a = Buffer.from(STREAM);
    const g1 = a.indexOf('Call-ID'); // inside the INVITE headers
    const g2 = a.indexOf('Content-Length', a.indexOf('SIP/2.0 200 OK')); // inside the 200's headers
    const pieces: Array<Buffer | number> = [a.subarray(0, g1), 7, a.subarray(g1 + 7, g2), 300, a.subarray(g2 + 300)];
    const whole = run(pieces);
    expect(whole.messages.length).toBeGreaterThan(1);
    expect(whole.diags.some((x) => x.code === 'sip-gap')).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 20 }), (cuts) => {
        const chunks: Array<Buffer | number> = [];
        for (const p of pieces) {
          if (typeof p === 'number') {
            chunks.push(p);
            continue;
          }
          const pts = [...new Set([0, ...cuts.filter((c) => c < p.length), p.length])].sort((x, y) => x - y);
          for (let i = 1; i < pts.length; i++) chunks.push(p.subarray(pts[i - 1], pts[i]));
        }
        const r = run(chunks);
        expect(r.messages.map(strip)).toEqual(whole.messages.map(strip));
        expect(r.diags.map(({ frame: _f, ...rest }) => rest)).toEqual(whole.diags.map(({ frame: _f, ...rest }) => rest));
        expect(r.parser.stats).toEqual(whole.parser.stats);
      }),
      { numRuns: 200 },
    );
  });

  it('feeds byte by byte', () => {
    const r = run([...STREAM].map((b) => Buffer.from([b])));
    expect(r.messages.map(strip)).toEqual(run([STREAM]).messages.map(strip));
  });

  it('does not keep references to the pushed buffers', () => {
    const buf = Buffer.from(INVITE);
    const messages: SipMessage[] = [];
    const p = new SipStreamParser((m) => messages.push(m));
    p.push(buf.subarray(0, 100), frame(1));
    buf.fill(0x20, 0, 100);
    p.push(buf.subarray(100), frame(2));
    buf.fill(0x20);
    expect(messages[0]?.method).toBe('INVITE');
    expect(messages[0]?.body.toString()).toBe(SDP_OFFER);
  });
});

describe('SipStreamParser resynchronisation', () => {
  it('finds the next start-line after a gap inside the headers', () => {
    const a = Buffer.from(INVITE);
    const cut = a.indexOf('Max-Forwards') + 3; // inside the headers
    const resume = a.indexOf('Alice'); // inside the From line
    const r = run([a.subarray(0, cut), resume - cut, a.subarray(resume), Buffer.from(TRYING)]);
    expect(r.messages.map((m) => m.status)).toEqual([100]);
    expect(r.diags.map((x) => x.code)).toEqual(['sip-gap', 'sip-garbage-skipped']);
    expect(r.diags[0]).toMatchObject({ frame: 2, offset: 0 });
    expect(r.diags[1]).toMatchObject({ offset: resume, detail: `skipped ${a.length - resume} bytes that are not a SIP message` });
    expect(r.parser.stats.bytesSkipped).toBe(cut + a.length - resume);
    expect(r.parser.stats.gapBytes).toBe(resume - cut);
  });

  it('delivers a message whose body has a gap as truncated, keeping the bytes before it', () => {
    const a = Buffer.from(INVITE);
    const bodyStart = a.length - Buffer.byteLength(SDP_OFFER);
    const r = run([a.subarray(0, bodyStart + 10), 5, a.subarray(bodyStart + 15), Buffer.from(TRYING)]);
    expect(r.messages.map((m) => m.method ?? m.status)).toEqual(['INVITE', 100]);
    expect(r.messages[0]?.truncated).toBe(true);
    expect(r.messages[0]?.body.toString()).toBe(SDP_OFFER.slice(0, 10));
    expect(r.messages[0]?.lastFrame.frame).toBe(3);
    expect(r.messages[1]?.truncated).toBe(false);
    expect(r.diags.map((x) => x.code)).toEqual(['sip-gap']);
  });

  it('resynchronises when a gap swallows the end of a body and the start of the next message', () => {
    const a = Buffer.from(INVITE + TRYING);
    const cut = Buffer.byteLength(INVITE) - 20;
    const r = run([a.subarray(0, cut), 40, a.subarray(cut + 40), Buffer.from(OK)]);
    expect(r.messages.map((m) => m.method ?? m.status)).toEqual(['INVITE', 200]);
    expect(r.messages[0]?.truncated).toBe(true);
    expect(r.diags.map((x) => x.code)).toEqual(['sip-gap', 'sip-garbage-skipped']);
  });

  it('starts mid-message (capture started late) and recovers at the next start-line', () => {
    const a = Buffer.from(INVITE + OK);
    const r = run([a.subarray(a.indexOf('Alice'))]);
    expect(r.messages.map((m) => m.status)).toEqual([200]);
    expect(r.diags).toMatchObject([{ code: 'sip-garbage-skipped', offset: 0 }]);
  });

  it('drops a header section over the limit and recovers', () => {
    const huge = `INVITE sip:b@h SIP/2.0\r\n${'X-Pad: '.padEnd(1000, 'a')}\r\n`.repeat(1) + `${'X-Pad: '.padEnd(1000, 'a')}\r\n`.repeat(70);
    const r = run([Buffer.from(huge), Buffer.from(`${'y'.repeat(3000)}\r\n\r\n${TRYING}`)]);
    expect(r.messages.map((m) => m.status)).toEqual([100]);
    expect(r.diags.map((x) => x.code)).toEqual(['sip-header-too-long', 'sip-garbage-skipped']);
    expect(r.diags[0]).toMatchObject({ offset: 0, detail: 'SIP headers exceed 65536 bytes; message dropped' });
  });

  it('skips a body over the limit and keeps the message', () => {
    const big = sip('MESSAGE sip:b@h SIP/2.0', inviteHeaders('big@h', 1, 'MESSAGE'), 'z'.repeat(500));
    const r = run([Buffer.from(big + TRYING)], { maxBodyBytes: 100 });
    expect(r.messages.map((m) => m.method ?? m.status)).toEqual(['MESSAGE', 100]);
    expect(r.messages[0]).toMatchObject({ truncated: true, contentLength: 500 });
    expect(r.messages[0]?.body.length).toBe(0);
    expect(r.diags.map((x) => x.code)).toEqual(['sip-body-too-large']);
  });

  it('reports a stream that ends inside headers or inside a body', () => {
    const a = Buffer.from(INVITE);
    const inHead = run([a.subarray(0, 60)]);
    expect(inHead.messages).toEqual([]);
    expect(inHead.diags.map((x) => x.code)).toEqual(['sip-truncated']);
    const inBody = run([a.subarray(0, a.length - 5)]);
    expect(inBody.messages).toHaveLength(1);
    expect(inBody.messages[0]?.truncated).toBe(true);
    expect(inBody.messages[0]?.body.toString()).toBe(SDP_OFFER.slice(0, -5));
    expect(inBody.diags.map((x) => x.code)).toEqual(['sip-truncated']);
  });

  it('assumes an empty body without Content-Length', () => {
    const noCl = sip('OPTIONS sip:b@h SIP/2.0', inviteHeaders('o@h', 1, 'OPTIONS'), '', null);
    const r = run([Buffer.from(noCl + TRYING)]);
    expect(r.messages.map((m) => m.method ?? m.status)).toEqual(['OPTIONS', 100]);
    expect(r.diags.map((x) => x.code)).toEqual(['sip-content-length-missing']);
  });

  it('ignores input after end() and zero-length gaps', () => {
    const messages: SipMessage[] = [];
    const p = new SipStreamParser((m) => messages.push(m));
    p.gap(0);
    p.end();
    p.push(Buffer.from(TRYING), frame(1));
    expect(messages).toEqual([]);
  });

  it('never throws and keeps finding valid messages after random garbage (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(new Uint8Array(0))), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 10 }),
        (garbage, cuts) => {
          // Garbage runs, each ended by CRLF, each followed by a valid message.
          const parts: Buffer[] = [];
          for (const g of garbage) parts.push(Buffer.from(g), Buffer.from('\r\n'), Buffer.from(TRYING));
          const all = Buffer.from(parts.flatMap((p) => [...p]));
          const points = [...new Set([0, ...cuts.filter((c) => c < all.length), all.length])].sort((a, b) => a - b);
          const r = run(points.slice(1).map((p, i) => all.subarray(points[i], p)));
          const trying = r.messages.filter((m) => m.status === 100 && m.callId === 'c1@h');
          expect(trying.length).toBeGreaterThanOrEqual(garbage.length === 0 ? 0 : 1);
          expect(r.messages.length).toBeLessThanOrEqual(garbage.length * 2);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 100 })), { maxLength: 12 }), (items) => {
        run(items.map((x) => (typeof x === 'number' ? x : Buffer.from(x))));
      }),
      { numRuns: 300 },
    );
  });
});
