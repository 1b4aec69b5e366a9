import { describe, expect, it } from 'vitest';
import type { FrameRef } from '../../src/capture/types.js';
import { MsrpParser } from '../../src/msrp/parser.js';
import type { MsrpFrame } from '../../src/msrp/types.js';
import { SipStreamParser } from '../../src/sip/parser.js';
import type { SipMessage } from '../../src/sip/message.js';
import { TransportDemux } from '../../src/transport/demux.js';
import type { TcpConnection, TcpSink } from '../../src/tcp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { MemoryProbe, MiB } from './memory.js';

const REF: FrameRef = { frame: 3, tsSec: 1, tsNsec: 0 };
const LINE_MB = 100;
const CHUNK = 64 * 1024;
/** 64 KiB without a line end (no LF, no `MSRP `). */
const FILL = Buffer.alloc(CHUNK, 0x61);

/** Pushes head, then LINE_MB MiB of one endless line, then tail, sampling memory. */
function feed(push: (b: Buffer) => void, head: string, tail: string, probe: MemoryProbe): void {
  push(Buffer.from(head, 'latin1'));
  const n = (LINE_MB * MiB) / CHUNK;
  for (let i = 0; i < n; i++) {
    push(FILL);
    if ((i & 127) === 0) probe.sample();
  }
  push(Buffer.from(tail, 'latin1'));
}

const NEXT_MSRP = 'MSRP next0001 SEND\r\nTo-Path: msrp://b.example:2855/s;tcp\r\nFrom-Path: msrp://a.example:2855/t;tcp\r\nMessage-ID: after-the-line\r\nByte-Range: 1-2/2\r\nContent-Type: text/plain\r\n\r\nok\r\n-------next0001$\r\n';

function msrp(): { parser: MsrpParser; frames: MsrpFrame[]; diags: Diagnostic[] } {
  const frames: MsrpFrame[] = [];
  const diags: Diagnostic[] = [];
  const parser = new MsrpParser({ message: (m) => frames.push(m), diagnostic: (d) => diags.push(d) }, { connection: 0, dir: 0, startInSync: true });
  return { parser, frames, diags };
}

describe(`a ${LINE_MB} MiB line`, () => {
  it('MSRP header line: limit, one diagnostic, resync at the next start-line, constant memory', () => {
    const { parser, frames, diags } = msrp();
    const probe = new MemoryProbe();
    const head = 'MSRP long0001 SEND\r\nTo-Path: msrp://b.example:2855/s;tcp\r\nSubject: ';
    feed((b) => parser.push(b, REF), head, `\r\n-------long0001$\r\n${NEXT_MSRP}`, probe);
    parser.end();
    const retained = probe.retained();
    const codes = diags.map((d) => d.code);
    expect(codes.filter((c) => c === 'header-line-too-long')).toHaveLength(1);
    expect(codes.filter((c) => c === 'resync')).toHaveLength(1);
    // Everything from the abandoned message's start-line up to the next start-line was passed over.
    const skipped = head.length + LINE_MB * MiB + '\r\n-------long0001$\r\n'.length;
    expect(parser.bytesSkipped).toBe(skipped);
    expect(frames.map((f) => [f.transactionId, f.flag, f.bodyLength, f.startOffset])).toEqual([['next0001', '$', 2, skipped]]);
    expect(probe.peak).toBeLessThan(16 * MiB);
    expect(retained).toBeLessThan(2 * MiB);
    console.log(`MSRP ${LINE_MB} MiB header line: peak growth ${(probe.peak / MiB).toFixed(1)} MiB`);
  }, 60_000);

  it('MSRP start-line: limit, diagnostic, resync', () => {
    const { parser, frames, diags } = msrp();
    const probe = new MemoryProbe();
    feed((b) => parser.push(b, REF), 'MSRP ', `\r\n${NEXT_MSRP}`, probe);
    parser.end();
    expect(diags.map((d) => d.code)).toEqual(['start-line-too-long', 'resync']);
    expect(frames.map((f) => f.transactionId)).toEqual(['next0001']);
    expect(parser.bytesSkipped).toBe(5 + LINE_MB * MiB + 2);
    expect(probe.peak).toBeLessThan(16 * MiB);
  }, 60_000);

  it('SIP header line: limit, diagnostic, the next message parsed, constant memory', () => {
    const msgs: SipMessage[] = [];
    const diags: Diagnostic[] = [];
    const parser = new SipStreamParser((m) => msgs.push(m), { connection: 0, onDiagnostic: (d) => diags.push(d) });
    const probe = new MemoryProbe();
    const head = 'INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: long-1\r\nSubject: ';
    const next = 'BYE sip:bob@example.com SIP/2.0\r\nCall-ID: after-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n';
    feed((b) => parser.push(b, REF), head, `\r\n\r\n${next}`, probe);
    parser.end();
    const retained = probe.retained();
    const codes = diags.map((d) => d.code);
    expect(codes.filter((c) => c === 'sip-header-too-long')).toHaveLength(1);
    expect(msgs.map((m) => [m.method, m.callId])).toEqual([['BYE', 'after-1']]);
    expect(parser.stats.bytesSkipped).toBe(head.length + LINE_MB * MiB + 4);
    expect(probe.peak).toBeLessThan(16 * MiB);
    expect(retained).toBeLessThan(2 * MiB);
    console.log(`SIP ${LINE_MB} MiB header line: peak growth ${(probe.peak / MiB).toFixed(1)} MiB`);
  }, 60_000);

  it('HTTP upgrade head: held bytes bounded, then plain; constant memory', () => {
    const conn: TcpConnection = {
      id: 0,
      client: { address: '10.0.0.1', port: 40000 },
      server: { address: '10.0.0.2', port: 8088 },
      sawSyn: true,
      first: REF,
      last: REF,
      stats: [0, 1].map(() => ({ packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 })) as TcpConnection['stats'],
      ended: undefined,
      transport: undefined,
    };
    let passed = 0;
    const next: TcpSink = { open() {}, data: (_c, _d, b) => (passed += b.length), gap() {}, close() {} };
    const demux = new TransportDemux(next, {});
    demux.open(conn);
    const probe = new MemoryProbe();
    const head = 'GET /msrp HTTP/1.1\r\nUpgrade: websocket\r\nX-Long: ';
    feed((b) => demux.data(conn, 0, b, REF), head, '\r\n\r\n', probe);
    demux.close(conn, 'fin');
    // Given up as an upgrade after the bounded head: every byte passed on as a plain stream.
    expect(passed).toBe(head.length + LINE_MB * MiB + 4);
    expect(conn.transport).toBeUndefined();
    expect(probe.peak).toBeLessThan(16 * MiB);
  }, 60_000);
});
