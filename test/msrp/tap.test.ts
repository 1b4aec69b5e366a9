import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MSRP_CODES } from '../../src/msrp/diagnostics.js';
import { MsrpTap } from '../../src/msrp/tap.js';
import type { MsrpFrame } from '../../src/msrp/types.js';
import type { Dir, DirStats, TcpConnection } from '../../src/tcp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { ref } from './helpers.js';

const stats = (): DirStats => ({ packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 });

function conn(id: number, serverPort: number, transport: TcpConnection['transport'] = undefined): TcpConnection {
  return {
    id,
    client: { address: '127.0.0.1', port: 40000 + id },
    server: { address: '127.0.0.1', port: serverPort },
    sawSyn: true,
    first: ref(1),
    last: ref(1),
    stats: [stats(), stats()],
    ended: undefined,
    transport,
  };
}

const SEND = (txid: string, body: string) =>
  `MSRP ${txid} SEND\r\nTo-Path: msrp://b.example.com:1/b;tcp\r\nFrom-Path: msrp://a.example.com:1/a;tcp\r\nMessage-ID: m${txid}\r\n` +
  `Byte-Range: 1-${body.length}/${body.length}\r\nContent-Type: text/plain\r\n\r\n${body}\r\n-------${txid}$\r\n`;
const OK = (txid: string) => `MSRP ${txid} 200 OK\r\nTo-Path: msrp://a.example.com:1/a;tcp\r\nFrom-Path: msrp://b.example.com:1/b;tcp\r\n-------${txid}$\r\n`;

function makeTap(opts: ConstructorParameters<typeof MsrpTap>[1] = {}) {
  const frames: { conn: number; dir: Dir; m: MsrpFrame }[] = [];
  const diagnostics: Diagnostic[] = [];
  const announced: number[] = [];
  const bodies: string[] = [];
  const tap = new MsrpTap(
    {
      frame: (c, dir, m) => frames.push({ conn: c.id, dir, m }),
      body: (_c, _d, slice) => bodies.push(slice.toString()),
      diagnostic: (d) => diagnostics.push(d),
      msrpConnection: (c) => announced.push(c.id),
    },
    opts,
  );
  return { tap, frames, diagnostics, announced, bodies };
}

/** Complete (not truncated) requests by method and responses by status, as the tap delivered them. */
function delivered(frames: { m: MsrpFrame }[]): { requests: [string, number][]; responses: [number, number][] } {
  const requests = new Map<string, number>();
  const responses = new Map<number, number>();
  for (const { m } of frames) {
    if (m.truncated) continue;
    if (m.kind === 'request') requests.set(m.method ?? '', (requests.get(m.method ?? '') ?? 0) + 1);
    else responses.set(m.status ?? 0, (responses.get(m.status ?? 0) ?? 0) + 1);
  }
  return { requests: [...requests], responses: [...responses] };
}

describe('MsrpTap', () => {
  it('detects MSRP by content on any port, both directions, counts requests and responses', () => {
    const t = makeTap();
    const c = conn(0, 31011);
    t.tap.open(c);
    t.tap.data(c, 0, Buffer.from(SEND('abcd1111', 'hello')), ref(2));
    t.tap.data(c, 1, Buffer.from(OK('abcd1111')), ref(3));
    t.tap.data(c, 0, Buffer.from(SEND('abcd2222', 'again') + SEND('abcd3333', 'and again')), ref(4));
    t.tap.close(c, 'fin');
    expect(t.announced).toEqual([0]);
    expect(t.frames.map((f) => [f.dir, f.m.transactionId])).toEqual([[0, 'abcd1111'], [1, 'abcd1111'], [0, 'abcd2222'], [0, 'abcd3333']]);
    expect(t.bodies.join('|')).toBe('hello|again|and again');
    expect(delivered(t.frames)).toEqual({ requests: [['SEND', 3]], responses: [[200, 1]] });
    expect(t.tap.stats).toEqual({ bytesSkipped: 0 });
    expect(t.diagnostics.every((d) => d.connection === 0)).toBe(true);
  });

  it('counts the bytes an MSRP stream skipped (mid-message start), including the other direction', () => {
    const t = makeTap();
    const c = conn(1, 2865);
    const tail = 'the end of an earlier body\r\n-------zzzz9999+\r\n';
    t.tap.data(c, 1, Buffer.from('partial 200 resp'), ref(2));
    t.tap.data(c, 0, Buffer.from(tail + SEND('abcd1111', 'x')), ref(3));
    expect(t.tap.stats.bytesSkipped).toBe(tail.length + 16);
    t.tap.close(c, 'capture-end');
    expect(t.tap.stats.bytesSkipped).toBe(tail.length + 16);
    expect(t.diagnostics.filter((d) => d.code === 'resync')).toHaveLength(2);
  });

  it('drops a connection without a start-line after giveUpAfter bytes; its bytes are not counted', () => {
    const t = makeTap({ giveUpAfter: 1000 });
    const sip = conn(2, 5060);
    const line = 'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1\r\n\r\n';
    for (let i = 0; i < 40; i++) t.tap.data(sip, (i % 2) as Dir, Buffer.from(line), ref(10 + i));
    t.tap.data(sip, 0, Buffer.from(SEND('abcd1111', 'too late')), ref(99));
    t.tap.close(sip, 'fin');
    expect(t.announced).toEqual([]);
    expect(t.tap.stats.bytesSkipped).toBe(0);
    expect(t.frames).toEqual([]);
    expect(t.diagnostics).toEqual([]);
  });

  it('a short non-MSRP connection closed while undecided is neither MSRP nor counted', () => {
    const t = makeTap();
    const http = conn(3, 8080);
    t.tap.data(http, 0, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), ref(2));
    t.tap.close(http, 'fin');
    expect(t.announced).toEqual([]);
    expect(t.tap.stats.bytesSkipped).toBe(0);
    expect(t.diagnostics).toEqual([]);
  });

  it('a connection marked tls is parsed like any other stream: only decrypted bytes reach the tap', () => {
    // The transport demux (src/transport) withholds encrypted bytes and passes decrypted ones on with
    // conn.transport 'tls'; the tap has no TLS mode of its own (TLS counts are the demux's stats.tls).
    const t = makeTap();
    const c = conn(4, 2866, 'tls');
    t.tap.open(c);
    t.tap.data(c, 0, Buffer.from(SEND('abcd1111', 'x')), ref(2));
    t.tap.data(c, 1, Buffer.from(OK('abcd1111')), ref(3));
    t.tap.close(c, 'fin');
    expect(t.announced).toEqual([4]);
    expect('tlsConnections' in t.tap.stats).toBe(false);
    expect(t.frames.map((f) => [f.conn, f.dir, f.m.transactionId])).toEqual([
      [4, 0, 'abcd1111'],
      [4, 1, 'abcd1111'],
    ]);
    expect(t.bodies).toEqual(['x']);
    expect(delivered(t.frames)).toEqual({ requests: [['SEND', 1]], responses: [[200, 1]] });
    expect(t.tap.stats.bytesSkipped).toBe(0);
    expect(t.diagnostics).toEqual([]);
  });

  it('a configured port is MSRP from the first byte: garbage there is diagnosed as a resync', () => {
    const t = makeTap({ ports: [9999] });
    const c = conn(5, 9999);
    t.tap.open(c);
    t.tap.data(c, 0, Buffer.from('junk\r\n' + OK('abcd1111')), ref(2));
    t.tap.close(c, 'fin');
    expect(t.announced).toEqual([5]);
    expect(t.tap.stats.bytesSkipped).toBe(6);
    expect(t.frames).toHaveLength(1);
  });

  it('a gap truncates the message on that direction; truncated frames are not counted as requests', () => {
    const t = makeTap();
    const c = conn(6, 2855);
    const a = SEND('abcd1111', 'x'.repeat(100));
    t.tap.data(c, 0, Buffer.from(a.slice(0, 150)), ref(2));
    t.tap.gap(c, 0, 20, ref(3));
    t.tap.data(c, 0, Buffer.from(a.slice(170) + SEND('abcd2222', 'y')), ref(3));
    t.tap.close(c, 'fin');
    expect(t.frames.map((f) => f.m.truncated)).toEqual([true, false]);
    expect(delivered(t.frames)).toEqual({ requests: [['SEND', 1]], responses: [] });
    expect(t.tap.stats.bytesSkipped).toBe(a.length - 170);
  });
});

describe('MSRP_CODES', () => {
  const required = [
    'to-path-not-first', 'from-path-not-second', 'missing-to-path', 'missing-from-path', 'content-type-not-last',
    'body-without-content-type', 'send-without-message-id', 'send-without-byte-range', 'byte-range-invalid',
    'byte-range-length-mismatch', 'byte-range-total-mismatch', 'invalid-transaction-id', 'invalid-status-code',
    'unknown-method', 'duplicate-header', 'header-line-too-long', 'headers-too-long', 'start-line-too-long',
    'lf-only-line-endings', 'resync', 'truncated-by-gap', 'truncated-at-end', 'invalid-uri',
    'invalid-failure-report', 'status-on-non-report',
  ];

  it('holds every required code once, kebab-case, with a severity and a meaning', () => {
    const names = MSRP_CODES.map((c) => c.code);
    expect(new Set(names).size).toBe(names.length);
    for (const r of required) expect(names).toContain(r);
    for (const c of MSRP_CODES) {
      expect(c.code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning', 'note']).toContain(c.severity);
      expect(c.meaning.length).toBeGreaterThan(10);
    }
    expect(MSRP_CODES.find((c) => c.code === 'send-without-byte-range')!.severity).toBe('note');
    expect(MSRP_CODES.find((c) => c.code === 'unknown-method')!.severity).toBe('note');
    expect(MSRP_CODES.find((c) => c.code === 'truncated-at-end')!.severity).toBe('note');
  });

  it('every code string used in src/msrp is in the table', () => {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/msrp');
    const names = new Set(MSRP_CODES.map((c) => c.code));
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && x !== 'codes.ts')) {
      const src = readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/(?:diag|add|bad)\(\s*'([a-z0-9-]+)'/g)) used.add(m[1]!);
      for (const m of src.matchAll(/'((?:invalid|truncated|byte-range|missing|start-line|header|headers)-[a-z-]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(15);
    for (const u of used) expect(names.has(u), u).toBe(true);
  });
});
