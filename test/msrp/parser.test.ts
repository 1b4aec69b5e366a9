import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MsrpParser } from '../../src/msrp/parser.js';
import type { MsrpFrame } from '../../src/msrp/types.js';
import { codes, comparable, crlf, parseSplit, parseWhole, ref, runParser } from './helpers.js';

const TO = 'To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp';
const FROM = 'From-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp';

function send(txid: string, body: string, flag = '$', extra = ''): string {
  const len = Buffer.byteLength(body, 'latin1');
  return (
    `MSRP ${txid} SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m${txid}\r\nByte-Range: 1-${len}/${len}\r\n${extra}` +
    `Content-Type: text/plain\r\n\r\n${body}\r\n-------${txid}${flag}\r\n`
  );
}

function ok(txid: string): string {
  return `MSRP ${txid} 200 OK\r\n${FROM}\r\n${TO}\r\n-------${txid}$\r\n`.replace(FROM + '\r\n' + TO, TO + '\r\n' + FROM);
}

describe('MsrpParser framing', () => {
  it('parses several messages in one buffer, with offsets and flags', () => {
    const a = send('abcd1234', 'hello');
    const b = ok('abcd1234');
    const c = send('efgh5678', 'chunk one', '+');
    const r = parseWhole(a + b + c);
    expect(r.frames.map((m) => [m.kind, m.method ?? m.status, m.flag, m.bodyLength])).toEqual([
      ['request', 'SEND', '$', 5],
      ['response', 200, '$', 0],
      ['request', 'SEND', '+', 9],
    ]);
    expect(r.frames.map((m) => [m.startOffset, m.endOffset])).toEqual([
      [0, a.length],
      [a.length, a.length + b.length],
      [a.length + b.length, a.length + b.length + c.length],
    ]);
    expect(r.frames[1]!.comment).toBe('OK');
    expect(r.bodies.map((x) => x.toString('latin1'))).toEqual(['hello', '', 'chunk one']);
    expect(r.bytesSkipped).toBe(0);
    expect(r.diagnostics).toEqual([]);
    expect(r.heads).toBe(3);
    expect(r.syncs).toEqual([0, a.length, a.length + b.length]);
  });

  it('keeps headers in order with their names as sent and raw values', () => {
    const r = parseWhole(send('abcd1234', 'x', '$', 'X-Custom:   spaced value  \r\nsuccess-report: yes\r\n'));
    expect(r.frames[0]!.headers).toEqual([
      { name: 'To-Path', value: 'msrp://bob.example.com:8888/9di4eae923wzd;tcp' },
      { name: 'From-Path', value: 'msrp://alice.example.com:7777/iau39soe2843z;tcp' },
      { name: 'Message-ID', value: 'mabcd1234' },
      { name: 'Byte-Range', value: '1-1/1' },
      { name: 'X-Custom', value: 'spaced value' },
      { name: 'success-report', value: 'yes' },
      { name: 'Content-Type', value: 'text/plain' },
    ]);
  });

  it('a body that is just CRLF has length 2', () => {
    const msg = `MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m1\r\nByte-Range: 1-2/2\r\nContent-Type: text/plain\r\n\r\n\r\n\r\n-------abcd1234$\r\n`;
    const r = parseWhole(msg);
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.bodyLength).toBe(2);
    expect(r.bodies[0]!.toString('latin1')).toBe('\r\n');
    expect(codes(r)).not.toContain('byte-range-length-mismatch');
  });

  it('an empty body (data empty per the grammar) and a blank line directly followed by the end-line', () => {
    const strict = `MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m1\r\nByte-Range: 1-0/0\r\nContent-Type: text/plain\r\n\r\n\r\n-------abcd1234$\r\n`;
    const tolerant = `MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m1\r\nByte-Range: 1-0/0\r\nContent-Type: text/plain\r\n\r\n-------abcd1234$\r\n`;
    for (const text of [strict, tolerant]) {
      const r = parseWhole(text);
      expect(r.frames).toHaveLength(1);
      expect(r.frames[0]!.hasBody).toBe(true);
      expect(r.frames[0]!.bodyLength).toBe(0);
      expect(r.frames[0]!.endOffset).toBe(text.length);
    }
  });

  it('a body-less request ends with the end-line right after the headers', () => {
    const text = `MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m1\r\nByte-Range: 1-0/0\r\n-------abcd1234$\r\n`;
    const r = parseWhole(text);
    expect(r.frames[0]!.hasBody).toBe(false);
    expect(r.frames[0]!.bodyLength).toBe(0);
    expect(r.frames[0]!.flag).toBe('$');
  });

  it('lines of seven dashes with another transaction id are body content', () => {
    const body = 'line one\r\n-------otherid$\r\n-------abcd1234X\r\n-------abcd123$\r\n-------abcd1234$ trailing\r\nend';
    const r = parseWhole(send('abcd1234', body) + ok('abcd1234'));
    expect(r.frames).toHaveLength(2);
    expect(r.bodies[0]!.toString('latin1')).toBe(body);
    expect(r.frames[0]!.bodyLength).toBe(Buffer.byteLength(body));
  });

  it('an end-line whose id is a prefix of a longer id in the body is not the end', () => {
    const body = '-------abcd12345$\r\nstill body';
    const r = parseWhole(send('abcd1234', body));
    expect(r.bodies[0]!.toString('latin1')).toBe(body);
  });

  it('the # flag and a shorter body pass the Byte-Range check', () => {
    const text = `MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m1\r\nByte-Range: 1-100/100\r\nContent-Type: text/plain\r\n\r\nabc\r\n-------abcd1234#\r\n`;
    const r = parseWhole(text);
    expect(r.frames[0]!.flag).toBe('#');
    expect(codes(r)).not.toContain('byte-range-length-mismatch');
    const same = parseWhole(text.replace('abcd1234#', 'abcd1234$'));
    expect(codes(same)).toContain('byte-range-length-mismatch');
  });

  it('multiple Byte-Range headers are reported as duplicate-header', () => {
    const r = parseWhole(send('abcd1234', 'hi', '$', 'Byte-Range: 1-2/2\r\n'));
    expect(codes(r).filter((c) => c === 'duplicate-header')).toHaveLength(1);
  });

  it('records preview (bounded), sha256 when asked, and hands the body up in slices', () => {
    const body = 'x'.repeat(1000) + 'END';
    const text = send('abcd1234', body);
    const r = parseSplit(Buffer.from(text), [50, 300, 700], { hashBodies: true, previewBytes: 16 });
    const m = r.frames[0]!;
    expect(m.bodyPreview.toString()).toBe('x'.repeat(16));
    expect(m.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(r.bodies[0]!.toString()).toBe(body);
    expect(parseWhole(text).frames[0]!.bodySha256).toBeUndefined();
  });

  it('frames of the first and last byte follow the pushes', () => {
    const a = send('abcd1234', 'hello');
    const b = ok('abcd1234');
    const r = parseSplit(Buffer.from(a + b), [3, a.length - 2, a.length + 1]);
    expect(r.frames[0]!.firstFrame.frame).toBe(1);
    expect(r.frames[0]!.lastFrame.frame).toBe(3);
    expect(r.frames[1]!.firstFrame.frame).toBe(3);
    expect(r.frames[1]!.lastFrame.frame).toBe(4);
  });

  it('tolerates LF-only line endings with a diagnostic', () => {
    const text = send('abcd1234', 'hello').replace(/\r\n/g, '\n');
    const r = parseWhole(text);
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.lfOnly).toBe(true);
    expect(r.frames[0]!.bodyLength).toBe(5);
    expect(codes(r)).toEqual(['lf-only-line-endings']);
    expect(parseWhole(send('abcd1234', 'hello')).frames[0]!.lfOnly).toBe(false);
    const two = parseWhole((send('abcd1234', 'a') + ok('abcd1234')).replace(/\r\n/g, '\n'));
    expect(two.frames.map((m) => m.lfOnly)).toEqual([true, true]);
    expect(codes(two)).toEqual(['lf-only-line-endings']);
  });

  it('`MSRP ` not at a line start is body content', () => {
    const body = 'see: MSRP abcd9999 SEND\r\nfoo';
    const r = parseWhole(send('abcd1234', body));
    expect(r.frames).toHaveLength(1);
    expect(r.bodies[0]!.toString()).toBe(body);
  });
});

describe('MsrpParser resync', () => {
  it('skips leading garbage and counts it exactly, one resync diagnostic', () => {
    const garbage = 'garbage without start line\r\nMSRP x SEND\r\nmore MSRP abcd1234 SEND\r\n';
    const msg = send('abcd1234', 'hello');
    const r = parseWhole(garbage + msg);
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.startOffset).toBe(garbage.length);
    expect(r.bytesSkipped).toBe(garbage.length);
    const resyncs = r.diagnostics.filter((d) => d.code === 'resync');
    expect(resyncs).toHaveLength(1);
    expect(resyncs[0]!.detail).toContain(`skipped ${garbage.length} bytes`);
    expect(resyncs[0]!.offset).toBe(garbage.length);
  });

  it('a stream starting mid-body resyncs at the next start-line', () => {
    const a = send('abcd1234', 'a body that is cut');
    const b = send('efgh5678', 'next');
    const cut = 60;
    const r = parseWhole((a + b).slice(cut));
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.transactionId).toBe('efgh5678');
    expect(r.bytesSkipped).toBe(a.length - cut);
  });

  it('a gap inside a body emits the message truncated, then resyncs', () => {
    const a = send('abcd1234', 'first part|second part');
    const b = send('efgh5678', 'next');
    const cutAt = a.indexOf('|');
    const resumeAt = cutAt + 5;
    const r = runParser([
      { data: Buffer.from(a.slice(0, cutAt)), frame: 1 },
      { gap: resumeAt - cutAt, frame: 2 },
      { data: Buffer.from(a.slice(resumeAt) + b), frame: 2 },
    ]);
    expect(r.frames.map((m) => [m.transactionId, m.truncated, m.flag])).toEqual([
      ['abcd1234', true, undefined],
      ['efgh5678', false, '$'],
    ]);
    expect(r.frames[0]!.bodyLength).toBe('first part'.length);
    expect(r.frames[0]!.endOffset).toBe(cutAt);
    expect(r.frames[1]!.startOffset).toBe(a.length);
    expect(r.bytesSkipped).toBe(a.length - resumeAt);
    expect(codes(r)).toEqual(expect.arrayContaining(['truncated-by-gap', 'resync']));
  });

  it('a gap inside the headers truncates the message; a gap at a boundary skips nothing', () => {
    const a = send('abcd1234', 'x');
    const r = runParser([
      { data: Buffer.from(a.slice(0, 30)), frame: 1 },
      { gap: 10, frame: 2 },
      { data: Buffer.from(a.slice(40)), frame: 3 },
      { gap: 100, frame: 4 },
      { data: Buffer.from(a), frame: 5 },
    ]);
    expect(r.frames.map((m) => m.truncated)).toEqual([true, false]);
    expect(r.frames[0]!.hasBody).toBe(false);
    expect(r.bytesSkipped).toBe(a.length - 40);
    expect(r.frames[1]!.startOffset).toBe(a.length + 100);
  });

  it('end() inside a message emits it truncated with a note', () => {
    const a = send('abcd1234', 'hello world');
    const r = parseWhole(a.slice(0, a.length - 12));
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.truncated).toBe(true);
    expect(r.frames[0]!.flag).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'truncated-at-end')!;
    expect(d.severity).toBe('note');
  });

  it('end() while resyncing reports the skipped bytes', () => {
    const r = parseWhole('no msrp here at all\r\n');
    expect(r.frames).toEqual([]);
    expect(r.bytesSkipped).toBe(21);
    expect(codes(r)).toEqual(['resync']);
  });

  it('a start-line in the header block ends the previous message (missing-end-line)', () => {
    const broken = `MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\n`;
    const next = send('efgh5678', 'ok');
    const r = parseWhole(broken + next);
    expect(r.frames.map((m) => [m.transactionId, m.truncated])).toEqual([
      ['abcd1234', true],
      ['efgh5678', false],
    ]);
    expect(r.frames[0]!.endOffset).toBe(broken.length);
    expect(codes(r)).toContain('missing-end-line');
    expect(r.bytesSkipped).toBe(0);
  });

  it('invalid start-lines where one is due are diagnosed, then skipped', () => {
    const cases: [string, string][] = [
      ['MSRP ab SEND\r\n', 'invalid-transaction-id'],
      ['MSRP abcd1234 2x0 OK\r\n', 'invalid-status-code'],
      ['MSRP abcd1234 send\r\n', 'invalid-start-line'],
    ];
    for (const [line, code] of cases) {
      const r = parseWhole(line + ok('abcd1234'), { startInSync: true });
      expect(codes(r)).toContain(code);
      expect(r.bytesSkipped).toBe(line.length);
      expect(r.frames).toHaveLength(1);
    }
  });
});

describe('MsrpParser cut frames', () => {
  // The 423 of ../shared/corpus/relay_abort_fail.pcap (frame 20): the end-line text after garbage on a header line.
  const r423 = Buffer.concat([
    Buffer.from('MSRP aaBjvWeDIK 423 Interval Out Of Bounds\r\nTo-Path: msrp://127.0.0.1:57638/MxhXINyn9kN9;tcp\r\n', 'latin1'),
    Buffer.from('From-Path: msrp://127.0.0.1:2865;tcp\r\n', 'latin1'),
    Buffer.from([0x78, 0x79, 0x7a, 0x31, 0x32, 0x33, 0, 0, 0xc0, 0xc0, 0xc0, 0xc0, 0, 0, 0, 0, 0xed]),
    Buffer.from('-------aaBjvWeDIK$\r\n', 'latin1'),
  ]);

  it('a frame cut in its header block keeps every byte received, whatever the split', () => {
    const whole = parseWhole(r423);
    expect(r423.length).toBe(169);
    expect(whole.frames).toHaveLength(1);
    expect(whole.frames[0]!.cut).toEqual({ reason: 'end', in: 'headers', length: 169, bodyLength: 0, head: r423 });
    expect(codes(whole)).toEqual(['malformed-header-line', 'truncated-at-end']);
    for (let i = 0; i <= r423.length; i++) {
      for (const j of [i, i + 1, i + 7]) {
        const split = parseSplit(r423, [...new Set([i, Math.min(j, r423.length)])]);
        expect(split.frames[0]!.cut, `split at ${i}, ${j}`).toEqual(whole.frames[0]!.cut);
      }
    }
  });

  it('a header line cut by the end of the stream is kept as far as it came', () => {
    const text = `MSRP abcd1234 SEND\r\n${TO}\r\nFrom-Pa`;
    const r = parseSplit(Buffer.from(text, 'latin1'), [25, 60]);
    expect(r.frames[0]!.cut).toEqual({ reason: 'end', in: 'headers', length: text.length, bodyLength: 0, head: Buffer.from(text, 'latin1') });
  });

  it('a gap, the next start-line and a body cut are told apart; complete frames carry nothing', () => {
    const a = send('abcd1234', 'first part|second part');
    const cutAt = a.indexOf('|');
    const gap = runParser([{ data: Buffer.from(a.slice(0, cutAt)), frame: 1 }, { gap: 5, frame: 2 }]);
    const head = a.slice(0, a.indexOf('\r\n\r\n') + 4);
    expect(gap.frames[0]!.cut).toEqual({ reason: 'gap', in: 'body', length: cutAt, bodyLength: 'first part'.length, head: Buffer.from(head, 'latin1') });
    const broken = `MSRP abcd1234 SEND\r\n${TO}\r\n`;
    const next = parseWhole(broken + send('efgh5678', 'ok'));
    expect(next.frames.map((m) => m.cut?.reason)).toEqual(['next-start-line', undefined]);
    expect(next.frames[0]!.cut).toMatchObject({ in: 'headers', length: broken.length, head: Buffer.from(broken, 'latin1') });
  });

  it('keeps at most 4 KiB of a long header block and counts the rest', () => {
    const text = `MSRP abcd1234 SEND\r\n${TO}\r\nX-Long: ${'y'.repeat(6000)}\r\n`;
    const r = parseSplit(Buffer.from(text, 'latin1'), [100, 4000, 4100]);
    const cut = r.frames[0]!.cut!;
    expect(cut.length).toBe(text.length);
    expect(cut.head).toEqual(Buffer.from(text.slice(0, 4096), 'latin1'));
  });
});

describe('MsrpParser limits', () => {
  it('start-line-too-long, then resync', () => {
    const long = `MSRP abcd1234 200 ${'x'.repeat(200)}\r\n`;
    const r = parseWhole(long + ok('abcd1234'), { startInSync: true, maxStartLine: 100 });
    expect(codes(r)).toContain('start-line-too-long');
    expect(r.frames).toHaveLength(1);
    expect(r.bytesSkipped).toBe(long.length);
  });

  it('header-line-too-long abandons the message and counts its bytes as skipped', () => {
    const big = `MSRP abcd1234 SEND\r\n${TO}\r\nX-Big: ${'y'.repeat(500)}\r\n-------abcd1234$\r\n`;
    const r = parseWhole(big + ok('abcd1234'), { maxHeaderLine: 200 });
    expect(codes(r)).toContain('header-line-too-long');
    expect(r.frames.map((m) => m.kind)).toEqual(['response']);
    expect(r.bytesSkipped).toBe(big.length);
  });

  it('headers-too-long', () => {
    const many = Array.from({ length: 50 }, (_, i) => `X-H${i}: ${'v'.repeat(40)}\r\n`).join('');
    const big = `MSRP abcd1234 SEND\r\n${TO}\r\n${many}-------abcd1234$\r\n`;
    const r = parseWhole(big + ok('abcd1234'), { maxHeaderBlock: 1000 });
    expect(codes(r)).toContain('headers-too-long');
    expect(r.frames).toHaveLength(1);
    expect(r.bytesSkipped).toBe(big.length);
  });

  it('a body has no limit: 5 MB in 64 KiB pushes, end-line split across pushes', () => {
    const body = Buffer.alloc(5 * 1024 * 1024, 0x61);
    const head = Buffer.from(`MSRP abcd1234 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: msg00001\r\nByte-Range: 1-${body.length}/${body.length}\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const tail = Buffer.from('\r\n-------abcd1234$\r\n');
    const all = Buffer.concat([head, body, tail]);
    const cuts: number[] = [];
    for (let c = 65536; c < all.length; c += 65536) cuts.push(c);
    cuts.push(all.length - 7);
    cuts.sort((x, y) => x - y);
    const r = parseSplit(all, [...new Set(cuts)], { hashBodies: true });
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.bodyLength).toBe(body.length);
    expect(r.frames[0]!.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(r.diagnostics).toEqual([]);
  });
});

describe('MsrpParser split invariance (exhaustive on a small stream)', () => {
  it('every single and double split gives the same frames', () => {
    const text =
      send('abcd1234', 'hi\r\n-------other$\r\nthere') +
      ok('abcd1234') +
      `MSRP q1w2e3r4 SEND\r\n${TO}\r\n${FROM}\r\nMessage-ID: m2\r\nByte-Range: 1-2/2\r\nContent-Type: text/plain\r\n\r\n\r\n\r\n-------q1w2e3r4+\r\n`;
    const data = Buffer.from(text);
    const want = parseWhole(data);
    const key = (fs: MsrpFrame[]) => JSON.stringify(fs.map(comparable));
    for (let i = 0; i <= data.length; i++) {
      const r = parseSplit(data, [i]);
      expect(key(r.frames)).toBe(key(want.frames));
      expect(r.bodies.map(String)).toEqual(want.bodies.map(String));
    }
    for (let i = 0; i <= data.length; i += 7) {
      for (let j = i; j <= data.length; j += 3) {
        const r = parseSplit(data, [i, j]);
        expect(key(r.frames)).toBe(key(want.frames));
      }
    }
  });

  it('byte-by-byte pushes give the same frames, diagnostics and skipped count', () => {
    const text = 'junk\r\n' + send('abcd1234', 'body\r\n') + ok('abcd1234').replace(/\r\n/g, '\n');
    const data = Buffer.from(text);
    const want = parseWhole(data);
    const r = parseSplit(data, Array.from({ length: data.length - 1 }, (_, k) => k + 1));
    expect(r.frames.map(comparable)).toEqual(want.frames.map(comparable));
    expect(r.diagnostics.map((d) => [d.code, d.offset, d.detail])).toEqual(want.diagnostics.map((d) => [d.code, d.offset, d.detail]));
    expect(r.bytesSkipped).toBe(6);
  });
});

describe('MsrpParser API', () => {
  it('exposes bytesSkipped while running and ignores input after end()', () => {
    const frames: MsrpFrame[] = [];
    const p = new MsrpParser({ message: (m) => frames.push(m), diagnostic: () => undefined }, { connection: 3, dir: 1 });
    p.push(Buffer.from('xx\n'), ref(1));
    expect(p.bytesSkipped).toBe(3);
    p.push(Buffer.from(ok('abcd1234')), ref(2));
    p.end();
    p.push(Buffer.from(ok('abcd1234')), ref(3));
    expect(frames).toHaveLength(1);
  });

  it('diagnostics carry connection, first frame of the message and offset', () => {
    const diags: { code: string; connection: number; frame: number; offset?: number }[] = [];
    const p = new MsrpParser({ message: () => undefined, diagnostic: (d) => diags.push(d) }, { connection: 7, dir: 0 });
    const text = crlf(`MSRP abcd1234 SEND\n${FROM}\n${TO}\nMessage-ID: m1\nContent-Type: text/plain\n\nhi\n-------abcd1234$\n`);
    p.push(Buffer.from('zz\n' + text.slice(0, 10)), ref(4));
    p.push(Buffer.from(text.slice(10)), ref(5));
    p.end();
    const first = diags.find((d) => d.code === 'to-path-not-first')!;
    expect(first).toMatchObject({ connection: 7, frame: 4, offset: 3 });
    expect(diags.find((d) => d.code === 'resync')).toMatchObject({ connection: 7, frame: 4, offset: 3 });
  });
});
