/**
 * Property: TLS decryption does not depend on how TCP cuts the stream. The reassembled TCP data of decrypted
 * captures is fed through TransportDemux (with the capture's KeyLog) once as captured, and then with each run
 * of consecutive same-direction data re-cut at random points (pieces from 1 byte to whole runs; the order
 * within a direction and the interleaving of the directions' runs are kept). The plaintext handed downstream
 * (concatenated per direction), the connection facts (TLS, decryption, WebSocket), the stats and the
 * diagnostics must be the same as the unsplit run's.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameRef } from '../../src/capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../../src/tcp/types.js';
import { TransportDemux } from '../../src/transport/demux.js';
import { KeyLog } from '../../src/transport/tls-keylog.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { feedTcp } from '../helpers/tcp-feed.js';
import { CORPUS, SAMPLES_TLS, TLS_CORPUS } from './tls-decrypt-helpers.js';

type Call =
  | { kind: 'open'; id: number }
  | { kind: 'data'; id: number; dir: Dir; bytes: Buffer; from: FrameRef }
  | { kind: 'gap'; id: number; dir: Dir; length: number; at: FrameRef }
  | { kind: 'close'; id: number; reason: CloseReason };

interface Recorded {
  calls: Call[];
  /** Each connection as the reassembler left it (cloned fresh for every replay). */
  conns: Map<number, TcpConnection>;
}

/** What the reassembler hands upward for a capture, every call copied. */
async function tcpCalls(file: string): Promise<Recorded> {
  const calls: Call[] = [];
  const conns = new Map<number, TcpConnection>();
  const sink: TcpSink = {
    open(conn) {
      conns.set(conn.id, conn);
      calls.push({ kind: 'open', id: conn.id });
    },
    data(conn, dir, bytes, from) {
      calls.push({ kind: 'data', id: conn.id, dir, bytes: Buffer.from(bytes), from: { ...from } });
    },
    gap(conn, dir, length, at) {
      calls.push({ kind: 'gap', id: conn.id, dir, length, at: { ...at } });
    },
    close(conn, reason) {
      calls.push({ kind: 'close', id: conn.id, reason });
    },
  };
  await feedTcp(file, sink);
  return { calls, conns };
}

interface Outcome {
  /** Plaintext per connection and direction, as handed downstream. */
  streams: Map<number, [Buffer, Buffer]>;
  gaps: number;
  closes: string[];
  facts: unknown;
  stats: unknown;
  diagnostics: Diagnostic[];
  /** Data calls of TLS connections (plaintext pieces). */
  dataCalls: number;
}

function replay(rec: Recorded, calls: Call[], keys: KeyLog): Outcome {
  const parts = new Map<number, [Buffer[], Buffer[]]>();
  const closes: string[] = [];
  let gaps = 0;
  let dataCalls = 0;
  const sink: TcpSink = {
    open(conn) {
      parts.set(conn.id, [[], []]);
    },
    data(conn, dir, bytes) {
      if (conn.transport === 'tls') dataCalls++;
      parts.get(conn.id)![dir].push(Buffer.from(bytes));
    },
    gap() {
      gaps++;
    },
    close(conn, reason) {
      closes.push(`${conn.id}:${reason}:${conn.transport ?? 'tcp'}`);
    },
  };
  const diagnostics: Diagnostic[] = [];
  const demux = new TransportDemux(sink, { onDiagnostic: (d) => diagnostics.push(d), keys });
  const conns = new Map<number, TcpConnection>();
  for (const [id, c] of rec.conns) conns.set(id, { ...structuredClone(c), transport: undefined });
  for (const c of calls) {
    const conn = conns.get(c.id)!;
    if (c.kind === 'open') demux.open(conn);
    else if (c.kind === 'data') demux.data(conn, c.dir, c.bytes, c.from);
    else if (c.kind === 'gap') demux.gap(conn, c.dir, c.length, c.at);
    else demux.close(conn, c.reason);
  }
  const streams = new Map<number, [Buffer, Buffer]>();
  for (const [id, [a, b]] of parts) streams.set(id, [Buffer.concat(a), Buffer.concat(b)]);
  return { streams, gaps, closes, facts: structuredClone([...demux.facts.entries()]), stats: { ...demux.stats }, diagnostics, dataCalls };
}

/**
 * Re-cuts every run of consecutive data calls of one connection and direction: `sizes` (used cyclically) are the
 * piece lengths; a piece's frame is the frame of its last byte. Open, gap and close calls stay where they were.
 */
function recut(calls: Call[], sizes: number[]): Call[] {
  const out: Call[] = [];
  let k = 0;
  for (let i = 0; i < calls.length; ) {
    const c = calls[i]!;
    if (c.kind !== 'data') {
      out.push(c);
      i++;
      continue;
    }
    const run: Extract<Call, { kind: 'data' }>[] = [];
    while (i < calls.length) {
      const n = calls[i]!;
      if (n.kind !== 'data' || n.id !== c.id || n.dir !== c.dir) break;
      run.push(n);
      i++;
    }
    const bytes = Buffer.concat(run.map((r) => r.bytes));
    // End offset (exclusive) of each original call, to find the frame of a byte.
    const ends: number[] = [];
    let off = 0;
    for (const r of run) ends.push((off += r.bytes.length));
    let j = 0;
    for (let p = 0; p < bytes.length; ) {
      const len = Math.min(sizes[k++ % sizes.length]!, bytes.length - p);
      const last = p + len - 1;
      while (ends[j]! <= last) j++;
      out.push({ kind: 'data', id: c.id, dir: c.dir, bytes: bytes.subarray(p, p + len), from: run[j]!.from });
      p += len;
    }
  }
  return out;
}

interface Capture {
  name: string;
  file: string;
  keylog: string;
  /** Connections expected fully decrypted. */
  decrypted: number;
}

const CAPTURES: Capture[] = [
  { name: 'tls13_aes128', file: path.join(TLS_CORPUS, 'tls13_aes128.pcap'), keylog: path.join(TLS_CORPUS, 'tls13_aes128.pcap.keys.txt'), decrypted: 1 },
  { name: 'tls12_cbc_etm', file: path.join(TLS_CORPUS, 'tls12_cbc_etm.pcap'), keylog: path.join(TLS_CORPUS, 'tls12_cbc_etm.pcap.keys.txt'), decrypted: 1 },
  { name: 'tls12_chacha', file: path.join(TLS_CORPUS, 'tls12_chacha.pcap'), keylog: path.join(TLS_CORPUS, 'tls12_chacha.pcap.keys.txt'), decrypted: 1 },
  { name: 'wss13', file: path.join(TLS_CORPUS, 'wss13.pcap'), keylog: path.join(TLS_CORPUS, 'wss13.pcap.keys.txt'), decrypted: 1 },
  { name: 'relay_tls_mixed', file: path.join(CORPUS, 'relay_tls_mixed.pcap'), keylog: path.join(CORPUS, 'relay_tls_mixed.pcap.keys.txt'), decrypted: 1 },
  { name: 'samples/tls13_keyupdate', file: path.join(SAMPLES_TLS, 'tls13_keyupdate.pcap'), keylog: path.join(SAMPLES_TLS, 'tls13_keyupdate.keys.txt'), decrypted: 1 },
  { name: 'samples/tls13_server_keys_only', file: path.join(SAMPLES_TLS, 'tls13_server_keys_only.pcap'), keylog: path.join(SAMPLES_TLS, 'tls13_server_keys_only.keys.txt'), decrypted: 0 },
  { name: 'samples/sip_tls_msrps', file: path.join(SAMPLES_TLS, 'sip_tls_msrps.pcap'), keylog: path.join(SAMPLES_TLS, 'sip_tls_msrps.keys.txt'), decrypted: 2 },
];

function keyLog(file: string): KeyLog {
  const log = new KeyLog({ onProblem: (p) => expect.fail(`key log problem: ${JSON.stringify(p)}`) });
  log.addText(readFileSync(file), path.basename(file));
  return log;
}

/** Piece lengths: any, or mostly tiny (1..7 bytes, records' headers and tags cut everywhere). */
const sizesArb = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 40 }), fc.constantFrom('any', 'tiny', 'huge'))
  .map(([sizes, mode]) => (mode === 'tiny' ? sizes.map((s) => 1 + (s % 7)) : mode === 'huge' ? sizes.map((s) => s * 50) : sizes));

describe('TLS decryption is independent of TCP segmentation (fast-check)', () => {
  for (const cap of CAPTURES) {
    describe.skipIf(!existsSync(cap.file))(cap.name, () => {
      it('any re-cut of each direction gives the same plaintext, facts, stats and diagnostics as the capture', async () => {
        const rec = await tcpCalls(cap.file);
        const keys = keyLog(cap.keylog);
        const base = replay(rec, rec.calls, keys);
        // The baseline really decrypts (else the property says little).
        const states = (base.facts as [number, { tls: { decryption: { state: string } } | null }][])
          .filter(([, f]) => f.tls !== null)
          .map(([, f]) => f.tls!.decryption.state);
        expect(states.filter((s) => s === 'decrypted')).toHaveLength(cap.decrypted);
        const plain = [...base.streams.values()].reduce((a, [c, s]) => a + c.length + s.length, 0);
        expect(plain).toBeGreaterThan(500);
        expect(base.gaps).toBe(0);

        fc.assert(
          fc.property(sizesArb, (sizes) => {
            const got = replay(rec, recut(rec.calls, sizes), keys);
            expect(got.streams).toEqual(base.streams);
            expect(got.gaps).toBe(0);
            expect(got.closes).toEqual(base.closes);
            expect(got.facts).toEqual(base.facts);
            expect(got.stats).toEqual(base.stats);
            expect(got.diagnostics).toEqual(base.diagnostics);
          }),
          { numRuns: 25 },
        );
      });

      it('one byte per call gives the same result', async () => {
        const rec = await tcpCalls(cap.file);
        const keys = keyLog(cap.keylog);
        const base = replay(rec, rec.calls, keys);
        const got = replay(rec, recut(rec.calls, [1]), keys);
        expect(got.streams).toEqual(base.streams);
        expect(got.facts).toEqual(base.facts);
        expect(got.diagnostics).toEqual(base.diagnostics);
        // Decrypted records are handed on whole: cutting TCP finer does not cut the plaintext finer.
        expect(got.dataCalls).toBe(base.dataCalls);
      });
    });
  }
});
