/**
 * Hostile and damaged input for TLS decryption: bad key log lines, keys that do not authenticate, a record longer
 * than TLS allows, a capture ending inside a record, a TCP gap inside a record, one huge record sent a byte per
 * segment. Each gives its diagnostic (once per direction it hits), nothing throws, and everything else in the
 * capture is still decrypted and counted.
 *
 * Damaged captures are made here from the corpus and samples: records read with the project's capture reader and
 * decoder, segments re-cut / dropped / altered, and written back with src/net/build.ts + src/capture/writer.ts.
 * Frame numbers in the expectations are computed from those segment lists (tls-decrypt-helpers.ts: recordsOf),
 * not taken from the analyzer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { readAllRecords } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { TcpReassembler } from '../../src/tcp/reassembler.js';
import { TransportDemux } from '../../src/transport/demux.js';
import { KeyLog } from '../../src/transport/tls-keylog.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { readTruth } from '../helpers/truth.js';
import { conn, ref, RecordingSink } from './helpers.js';
import {
  analyze,
  connectionSegments,
  CORPUS,
  damageKeylog,
  diagCount,
  entries,
  HAVE_CORPUS_TLS_LEGS,
  HAVE_TLS_CORPUS,
  HAVE_TSHARK,
  msrpOk,
  msrpSend,
  readSegments,
  recordsOf,
  resegment,
  SAMPLES_TLS,
  scanMsrp,
  synthTls12,
  TLS_CORPUS,
  tmpFile,
  tsharkDecrypt,
  writeSegments,
  type Seg,
} from './tls-decrypt-helpers.js';

const GCM = path.join(TLS_CORPUS, 'tls12_gcm.pcap');
const GCM_KEYS = `${GCM}.keys.txt`;
const AES13 = path.join(TLS_CORPUS, 'tls13_aes128.pcap');
const AES13_KEYS = `${AES13}.keys.txt`;
const SIP = path.join(SAMPLES_TLS, 'sip_tls_msrps');

function dirsOf(doc: JsonDocument, id = 0): [string, string | null][] {
  return doc.connections[id]!.tls!.decryption.dirs.map((d) => [d.state, d.reason]);
}

function diags(doc: JsonDocument, code: string): JsonDocument['diagnostics'] {
  return doc.diagnostics.filter((d) => d.code === code);
}

/** Index of the first segment after `i` carrying data in the same direction as segment `i`. */
function nextDataSeg(segs: Seg[], i: number): number {
  const s = segs[i]!;
  for (let j = i + 1; j < segs.length; j++) {
    const t = segs[j]!;
    if (t.srcPort === s.srcPort && t.dstPort === s.dstPort && t.payload.length > 0) return j;
  }
  throw new Error('no later data segment');
}

// ---- key log ------------------------------------------------------------------------------------------

describe.skipIf(!HAVE_TLS_CORPUS)('bad key log lines: one keylog-bad-line each, the good lines still used', () => {
  it('malformed lines and secrets of the wrong length are reported with file and line; tls13_aes128 still decrypts fully', async () => {
    const good = readFileSync(AES13_KEYS, 'latin1').split('\n').filter((l) => l !== '');
    const cr = /CLIENT_HANDSHAKE_TRAFFIC_SECRET ([0-9a-f]{64})/.exec(good.join('\n'))![1]!;
    const bad: [string, string][] = [
      ['hello world', 'not a key log line: "hello world"'],
      [`CLIENT_RANDOM ${'zz'.repeat(32)} ${'00'.repeat(48)}`, `CLIENT_RANDOM: client random is not 32 bytes of hex: "${'zz'.repeat(20)}..."`],
      [`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${cr} ${'11'.repeat(20)}`, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET: secret of 20 bytes, expected 32 or 48'],
      [`CLIENT_RANDOM ${cr} ${'22'.repeat(32)}`, 'CLIENT_RANDOM: secret of 32 bytes, expected 48'],
      [`SERVER_TRAFFIC_SECRET_0 ${cr} ${'3'.repeat(63)}`, `SERVER_TRAFFIC_SECRET_0: secret is not hex: "${'3'.repeat(40)}..."`],
      [`CLIENT_TRAFFIC_SECRET_0 ${cr}`, 'CLIENT_TRAFFIC_SECRET_0: 1 fields after the label, expected 2'],
      [`SERVER_HANDSHAKE_TRAFFIC_SECRET ${cr} ${'44'.repeat(32)} extra`, 'SERVER_HANDSHAKE_TRAFFIC_SECRET: 3 fields after the label, expected 2'],
      ['\x1b[31mred\x07', 'not a key log line: "\\x1b[31mred\\x07"'],
      ['x'.repeat(3000), 'line longer than 1024 bytes'],
    ];
    // The bad lines come first: a wrong-length secret must not block the right one that follows.
    const lines = [...bad.map(([l]) => l), '# a comment', '', 'EXPORTER_SECRET ' + cr + ' ' + '55'.repeat(32), ...good];
    const k = tmpFile('bad.keys.txt', lines.join('\n') + '\n');
    const { doc } = await analyze(AES13, [k]);
    const got = diags(doc, 'keylog-bad-line');
    expect(got.map((d) => d.detail)).toEqual(bad.map(([, why], i) => `${k} line ${i + 1}: ${why}`));
    for (const d of got) {
      expect(d.severity).toBe('warning');
      expect(d.detail).not.toMatch(/[\x00-\x1f\x7f]/);
    }
    expect(diagCount(doc, 'keylog-bad-line')).toBe(bad.length);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('decrypted');
    expect(entries(doc.summary.requests)).toEqual([['REPORT', 1], ['SEND', 7]]);
    expect(entries(doc.summary.responses)).toEqual([['200', 7]]);
    expect(doc.summary.messages.total).toBe(3);
  });

  it('a later line with a different secret for the same connection is reported and the first one kept', async () => {
    const good = readFileSync(GCM_KEYS, 'latin1');
    const cr = /CLIENT_RANDOM ([0-9a-f]{64})/.exec(good)![1]!;
    const k = tmpFile('dup.keys.txt', `${good.trimEnd()}\nCLIENT_RANDOM ${cr} ${'66'.repeat(48)}\n`);
    const n = good.trimEnd().split('\n').length + 1;
    const { doc } = await analyze(GCM, [k]);
    expect(diags(doc, 'keylog-bad-line').map((d) => d.detail)).toEqual([`${k} line ${n}: CLIENT_RANDOM: differs from an earlier one for ${cr.slice(0, 16)}...; kept the first`]);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('decrypted');
  });

  it('a key log of binary junk: problems reported (bounded), nothing decrypted, nothing thrown', async () => {
    const junk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 0xff;
    const k = tmpFile('junk.keys.txt', junk);
    const { doc } = await analyze(GCM, [k]);
    const n = diagCount(doc, 'keylog-bad-line');
    // One per newline-separated line at most (every 256th byte of the junk is a LF).
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(junk.filter((b) => b === 0x0a).length + 1);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('no-keys');
    expect(doc.summary.requests).toEqual({});
  });
});

// ---- keys that do not authenticate -----------------------------------------------------------------

describe('a key that does not authenticate: tls-decrypt-failed per direction, state auth-failed, the rest still counted', () => {
  it('samples/tls/sip_tls_msrps with the SIP leg’s master secret flipped: SIP over TLS auth-failed, MSRP over TLS intact', async () => {
    const k = tmpFile('sip.keys.txt', damageKeylog(readFileSync(`${SIP}.keys.txt`, 'latin1'), 'CLIENT_RANDOM'));
    const { doc } = await analyze(`${SIP}.pcap`, [k]);
    // First encrypted record of each direction of the SIP connection (port 5061): the Finished after ChangeCipherSpec.
    const segs = await readSegments(`${SIP}.pcap`);
    const cport = segs.find((s) => s.dstPort === 5061)!.srcPort;
    const firstEncrypted = (src: number, dst: number): number => {
      const recs = recordsOf(segs, src, dst);
      const ccs = recs.findIndex((r) => r.type === 20);
      return recs[ccs + 1]!.lastSeg + 1;
    };
    const fc2s = firstEncrypted(cport, 5061);
    const fs2c = firstEncrypted(5061, cport);
    const d = doc.connections[0]!.tls!.decryption;
    expect(d.state).toBe('auth-failed');
    expect(d.reason).toBe(`record failed authentication at frame ${fc2s}`);
    expect(dirsOf(doc)).toEqual([
      ['auth-failed', `record failed authentication at frame ${fc2s}`],
      ['auth-failed', `record failed authentication at frame ${fs2c}`],
    ]);
    expect(d.records).toBe(0);
    expect(doc.connections[0]!.label).toBe('TLS (encrypted)');
    const failed = diags(doc, 'tls-decrypt-failed');
    expect(failed.map((x) => [x.frame, x.connection, x.detail])).toEqual(
      [
        [fc2s, 0, `client->server: record failed authentication at frame ${fc2s} (authentication failed): this direction is no longer decrypted`],
        [fs2c, 0, `server->client: record failed authentication at frame ${fs2c} (authentication failed): this direction is no longer decrypted`],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(failed.map((x) => x.severity)).toEqual(['error', 'error']);
    // The MSRP connection (TLS 1.3, its keys untouched) is still decrypted and counted; no SIP dialog to link to.
    expect(doc.connections[1]!.tls!.decryption.state).toBe('decrypted');
    expect(entries(doc.summary.requests)).toEqual([['SEND', 2]]);
    expect(entries(doc.summary.responses)).toEqual([['200', 2]]);
    expect(doc.summary.messages.total).toBe(2);
    expect(doc.summary.sipDialogs).toBe(0);
    expect(doc.sessions[0]!.sip).toBeNull();
    expect(diagCount(doc, 'tls-decrypted')).toBe(1);
  });

  it.skipIf(!HAVE_CORPUS_TLS_LEGS)('relay_tls_mixed with every secret flipped: the TLS leg auth-failed, the clear legs counted as their truth', async () => {
    const file = path.join(CORPUS, 'relay_tls_mixed.pcap');
    const k = tmpFile('relay.keys.txt', damageKeylog(readFileSync(`${file}.keys.txt`, 'latin1')));
    const { doc } = await analyze(file, [k]);
    const c = doc.connections[0]!;
    const segs = await readSegments(file);
    // TLS 1.3: the first application_data record of each direction (client Finished, server EncryptedExtensions...).
    const first23 = (src: number, dst: number): number => recordsOf(segs, src, dst).find((r) => r.type === 23)!.lastSeg + 1;
    const fc2s = first23(c.client.port, c.server.port);
    const fs2c = first23(c.server.port, c.client.port);
    expect(c.tls!.decryption.state).toBe('auth-failed');
    expect(c.tls!.decryption.reason).toBe(`record failed authentication at frame ${fc2s}`);
    expect(dirsOf(doc)).toEqual([
      ['auth-failed', `record failed authentication at frame ${fc2s}`],
      ['auth-failed', `record failed authentication at frame ${fs2c}`],
    ]);
    expect(c.label).toBe('MSRP over TLS (encrypted)');
    expect(diagCount(doc, 'tls-decrypt-failed')).toBe(2);
    // Clear legs: exactly the independent count of relay_tls_mixed.pcap.truth.md.
    const truth = readTruth(file);
    expect(entries(doc.summary.requests)).toEqual(entries(truth.requests));
    expect(entries(doc.summary.responses)).toEqual(entries(truth.responses));
    expect(doc.summary.messages.total).toBe(truth.distinctMessageIds);
    expect(doc.summary.messages.complete).toBe(truth.states.complete);
  });
});

// ---- record framing, truncation, gaps ------------------------------------------------------------------

/**
 * tls12_gcm.pcap (TLS 1.2 AES-128-GCM, one MSRP message per record). Client app records: SEND text, SEND UTF-8,
 * then five binary chunks (SEND); server app records: seven 200s and a REPORT. Damage hits the client's third
 * application_data record (the first binary chunk). The counts below are the MSRP in the records before it
 * (client) and in the server records read, from tshark's decryption of the undamaged capture (one line per
 * record of `-z follow,tls,raw,0`); the tshark test at the end re-derives them.
 */
const BEFORE_THIRD = { requests: [['REPORT', 1], ['SEND', 2]], responses: [['200', 7]] };
const TRUNCATED_IN_THIRD = { requests: [['SEND', 2]], responses: [['200', 2]] };

describe.skipIf(!HAVE_TLS_CORPUS)('record framing, truncation and gaps (tls12_gcm.pcap, damaged here)', () => {
  it('a record header announcing 2^14 + 2049 bytes: tls-bad-record once, client->server "bad-record", the server side decrypted', async () => {
    const segs = await readSegments(GCM);
    const cport = segs[0]!.srcPort;
    const recs = recordsOf(segs, cport, segs[0]!.dstPort);
    const third = recs.filter((r) => r.type === 23)[2]!;
    expect(third.length).toBe(4384);
    const seg = segs[third.firstSeg]!;
    seg.payload = Buffer.from(seg.payload);
    seg.payload.writeUInt16BE(16384 + 2049, third.headerAt + 3);
    const frame = third.firstSeg + 1;
    const { doc } = await analyze(writeSegments(segs), [GCM_KEYS]);
    const d = doc.connections[0]!.tls!.decryption;
    expect(d.state).toBe('partial');
    expect(d.reason).toBe(`client->server: record framing lost at frame ${frame}`);
    expect(dirsOf(doc)).toEqual([
      ['bad-record', `record framing lost at frame ${frame}`],
      ['decrypted', null],
    ]);
    // Finished + the two text SENDs were decrypted before it.
    expect(d.dirs[0].records).toBe(3);
    expect(d.dirs[0].applicationBytes).toBe(recs.filter((r) => r.type === 23).slice(0, 2).reduce((a, r) => a + r.length - 24, 0));
    const bad = diags(doc, 'tls-bad-record');
    expect(bad.map((x) => [x.frame, x.detail])).toEqual([[frame, 'client->server: not a TLS record header: 1703034801']]);
    expect(diagCount(doc, 'tls-decrypt-failed')).toBe(0);
    expect(doc.connections[0]!.label).toBe('MSRP over TLS (partly decrypted)');
    expect(entries(doc.summary.requests)).toEqual(BEFORE_THIRD.requests);
    expect(entries(doc.summary.responses)).toEqual(BEFORE_THIRD.responses);
    expect(doc.messages.map((m) => m.state)).toEqual(['complete', 'complete']);
  });

  it('a header announcing exactly 2^14 + 2048 bytes is still a record: it swallows what follows and fails authentication', async () => {
    const segs = await readSegments(GCM);
    const recs = recordsOf(segs, segs[0]!.srcPort, segs[0]!.dstPort);
    const third = recs.filter((r) => r.type === 23)[2]!;
    const seg = segs[third.firstSeg]!;
    seg.payload = Buffer.from(seg.payload);
    seg.payload.writeUInt16BE(16384 + 2048, third.headerAt + 3);
    // The announced record ends inside the next segment's records (4384 + 4392 + ... bytes further).
    const { doc } = await analyze(writeSegments(segs), [GCM_KEYS]);
    expect(diagCount(doc, 'tls-decrypt-failed')).toBe(1);
    // Framing is lost after the swallowed bytes (they end inside a record): reported, but the direction had stopped already.
    expect(diagCount(doc, 'tls-bad-record')).toBe(1);
    expect(dirsOf(doc)[0]![0]).toBe('auth-failed');
    expect(dirsOf(doc)[1]).toEqual(['decrypted', null]);
    expect(entries(doc.summary.requests)).toEqual(BEFORE_THIRD.requests);
  });

  it('the capture ends inside an encrypted record: tls-truncated-record once, what came before counted', async () => {
    const segs = resegment(await readSegments(GCM), 1000);
    const recs = recordsOf(segs, segs[0]!.srcPort, segs[0]!.dstPort);
    const third = recs.filter((r) => r.type === 23)[2]!;
    expect(third.lastSeg - third.firstSeg).toBe(4); // 5 pieces of at most 1000 bytes
    const cut = segs.slice(0, third.firstSeg + 3);
    const { doc } = await analyze(writeSegments(cut), [GCM_KEYS]);
    const t = diags(doc, 'tls-truncated-record');
    expect(t.map((x) => [x.frame, x.detail])).toEqual([[cut.length, 'client->server: the capture ends inside an encrypted record: its bytes are not decrypted']]);
    expect(doc.connections[0]!.ended).toBe('capture-end');
    const d = doc.connections[0]!.tls!.decryption;
    // Every record that was read whole was decrypted.
    expect(d.dirs[0].records).toBe(3);
    expect(d.dirs[0].state).toBe('decrypted');
    expect(d.dirs[1].state).toBe('decrypted');
    expect(entries(doc.summary.requests)).toEqual(TRUNCATED_IN_THIRD.requests);
    expect(entries(doc.summary.responses)).toEqual(TRUNCATED_IN_THIRD.responses);
    for (const code of ['tls-decrypt-failed', 'tls-bad-record', 'tls-gap']) expect(diagCount(doc, code), code).toBe(0);
  });

  it('one TCP segment missing inside an encrypted record: client->server "gap at frame N", connection partial, the rest decrypted', async () => {
    const segs = resegment(await readSegments(GCM), 1000);
    const recs = recordsOf(segs, segs[0]!.srcPort, segs[0]!.dstPort);
    const third = recs.filter((r) => r.type === 23)[2]!;
    const drop = third.firstSeg + 2; // the middle piece of the record
    const damaged = segs.filter((_, i) => i !== drop);
    // The gap is seen at the next client segment: index j in the original list, j - 1 in the damaged one, frame j.
    const frame = nextDataSeg(segs, drop);
    const { doc } = await analyze(writeSegments(damaged), [GCM_KEYS]);
    const d = doc.connections[0]!.tls!.decryption;
    expect(d.state).toBe('partial');
    expect(d.reason).toBe(`client->server: gap at frame ${frame}`);
    expect(dirsOf(doc)).toEqual([
      ['gap', `gap at frame ${frame}`],
      ['decrypted', null],
    ]);
    expect(d.dirs[0].records).toBe(3);
    expect(d.dirs[1].records).toBe(10); // Finished, seven 200s, the REPORT, close_notify
    expect(diags(doc, 'tls-gap').map((x) => [x.frame, x.detail])).toEqual([[frame, `client->server: ${segs[drop]!.payload.length} bytes missing: record framing of this direction stops`]]);
    expect(diagCount(doc, 'tcp-gap')).toBe(1);
    expect(diagCount(doc, 'tls-decrypt-failed')).toBe(0);
    expect(entries(doc.summary.requests)).toEqual(BEFORE_THIRD.requests);
    expect(entries(doc.summary.responses)).toEqual(BEFORE_THIRD.responses);
  });

  it('TLS 1.3 (tls13_aes128): a missing segment inside the server’s REPORT record stops that direction there only', async () => {
    const segs = resegment(await readSegments(AES13), 100);
    const c = segs[0]!;
    const recs = recordsOf(segs, c.dstPort, c.srcPort);
    // The server's last record over 200 bytes is the REPORT (its 200s are 171-byte records, close_notify 19 bytes).
    const target = recs.filter((r) => r.type === 23 && r.length > 200).at(-1)!;
    expect(target.lastSeg - target.firstSeg).toBeGreaterThanOrEqual(2);
    const drop = target.firstSeg + 1;
    const frame = nextDataSeg(segs, drop);
    const { doc } = await analyze(writeSegments(segs.filter((_, i) => i !== drop)), [AES13_KEYS]);
    expect(dirsOf(doc)).toEqual([
      ['decrypted', null],
      ['gap', `gap at frame ${frame}`],
    ]);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('partial');
    expect(doc.connections[0]!.tls!.decryption.reason).toBe(`server->client: gap at frame ${frame}`);
    expect(diagCount(doc, 'tls-gap')).toBe(1);
    // The client's seven SENDs and the server's seven 200s are all there; the REPORT is lost in the gap.
    expect(entries(doc.summary.requests)).toEqual([['SEND', 7]]);
    expect(entries(doc.summary.responses)).toEqual([['200', 7]]);
  });
});

// ---- bounded memory: one record per direction gathered ------------------------------------------------

describe('one 18 KiB record sent a byte per segment: decrypted, and at most one record per direction is gathered', () => {
  const BIG = 16384 + 2048 - 24; // plaintext of the largest TLS 1.2 AES-GCM record: 2^14 + 2048 bytes on the wire

  it('through the pipeline: the record decrypts, the message is whole (size and sha256 of what was sealed)', async () => {
    const big = msrpSend('bigtx1', 'big-1', BIG);
    const small = msrpSend('small1', 'small-1', 300);
    const t = synthTls12([big, small], [msrpOk('bigtx1'), msrpOk('small1')]);
    const r1 = t.c2sRecords[1]!;
    expect(r1.end - r1.start).toBe(5 + 16384 + 2048);
    const flow: [0 | 1, Buffer][] = [
      [0, t.c2s.subarray(0, t.helloLen[0])],
      [1, t.s2c.subarray(0, t.helloLen[1])],
      [0, t.c2s.subarray(t.helloLen[0], r1.start)],
      [1, t.s2c.subarray(t.helloLen[1], t.s2cRecords[1]!.start)],
    ];
    for (let i = r1.start; i < r1.end; i++) flow.push([0, t.c2s.subarray(i, i + 1)]);
    flow.push([1, t.s2c.subarray(t.s2cRecords[1]!.start, t.s2cRecords[2]!.start)]);
    flow.push([0, t.c2s.subarray(r1.end)]);
    flow.push([1, t.s2c.subarray(t.s2cRecords[2]!.start)]);
    const k = tmpFile('synth.keys.txt', t.keylog);
    const { doc } = await analyze(writeSegments(connectionSegments(flow)), [k]);
    const d = doc.connections[0]!.tls!.decryption;
    expect(d.state).toBe('decrypted');
    expect(d.dirs[0].records).toBe(3);
    expect(d.dirs[0].applicationBytes).toBe(BIG + 300);
    expect(entries(doc.summary.requests)).toEqual([['SEND', 2]]);
    expect(entries(doc.summary.responses)).toEqual([['200', 2]]);
    const body = (m: Buffer): Buffer => m.subarray(m.indexOf('\r\n\r\n') + 4, m.lastIndexOf('\r\n-------'));
    const want = [big, small].map((m) => ({ size: body(m).length, sha256: createHash('sha256').update(body(m)).digest('hex') }));
    expect(doc.messages.map((m) => ({ size: m.size, sha256: m.sha256 }))).toEqual(want);
    expect(doc.messages.map((m) => m.state)).toEqual(['complete', 'complete']);
  });

  it('straight into the demux, both directions a byte at a time, interleaved: Buffer allocations stay one record + its plaintext per direction', () => {
    const rounds = 4;
    const c2sPlain = Array.from({ length: rounds }, (_, i) => msrpSend(`tx${i}aaaa`, `m-${i}`, BIG));
    const s2cPlain = Array.from({ length: rounds }, (_, i) => msrpSend(`rx${i}aaaa`, `r-${i}`, BIG));
    const t = synthTls12(c2sPlain, s2cPlain);
    const log = new KeyLog();
    log.addText(t.keylog, 'synth');
    const sink = new RecordingSink();
    const seen: Diagnostic[] = [];
    const demux = new TransportDemux(sink, { keys: log, onDiagnostic: (x) => seen.push(x) });
    const c = conn(0, true, 2855);
    demux.open(c);
    demux.data(c, 0, t.c2s.subarray(0, t.helloLen[0]), ref(4));
    demux.data(c, 1, t.s2c.subarray(0, t.helloLen[1]), ref(5));
    // ChangeCipherSpec and Finished of each side in one go.
    demux.data(c, 0, t.c2s.subarray(t.helloLen[0], t.c2sRecords[1]!.start), ref(6));
    demux.data(c, 1, t.s2c.subarray(t.helloLen[1], t.s2cRecords[1]!.start), ref(7));

    // Count every Buffer the code under test allocates while the big records trickle in.
    type Fn = (...a: unknown[]) => Buffer;
    const B = Buffer as unknown as Record<string, Fn>;
    const names = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'concat', 'from'] as const;
    const orig = Object.fromEntries(names.map((n) => [n, B[n]!])) as Record<(typeof names)[number], Fn>;
    const sizes: number[] = [];
    let total = 0;
    for (const n of names) {
      B[n] = (...a: unknown[]): Buffer => {
        const r = orig[n].apply(Buffer, a);
        total += r.length;
        if (r.length >= 1024) sizes.push(r.length);
        return r;
      };
    }
    let frame = 8;
    try {
      const a = t.c2s.subarray(t.c2sRecords[1]!.start);
      const b = t.s2c.subarray(t.s2cRecords[1]!.start);
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (i < a.length) demux.data(c, 0, a.subarray(i, i + 1), ref(frame++));
        if (i < b.length) demux.data(c, 1, b.subarray(i, i + 1), ref(frame++));
      }
    } finally {
      for (const n of names) B[n] = orig[n];
    }
    demux.close(c, 'fin');
    expect(sink.stream(0)).toEqual(Buffer.concat(c2sPlain));
    expect(sink.stream(1)).toEqual(Buffer.concat(s2cPlain));
    // Per record: its body gathered once (2^14 + 2048 bytes) and its plaintext; no copies of pieces, no growth.
    const perRecord = 16384 + 2048 + BIG;
    expect(sizes.length).toBeLessThanOrEqual(2 * 2 * rounds);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16384 + 2048);
    expect(total).toBeLessThanOrEqual(2 * rounds * perRecord + 64 * 1024);
    const f = demux.facts.get(0)!.tls!.decryption;
    expect(f.state).toBe('decrypted');
    expect(f.dirs.map((x) => x.records)).toEqual([rounds + 1, rounds + 1]);
    expect(seen.map((x) => x.code)).toEqual(['tls-decrypted']);
  });
});

// ---- any damaged record body: auth-failed in that direction only (fast-check) ------------------------

describe.skipIf(!HAVE_TLS_CORPUS)('a flipped bit in any encrypted record body (fast-check)', () => {
  for (const [name, file, keys] of [
    ['tls12_gcm', GCM, GCM_KEYS],
    ['tls13_aes128', AES13, AES13_KEYS],
  ] as const) {
    it(`${name}: exactly that direction stops at that record (tls-decrypt-failed at its frame); the other is untouched; counts = what came before`, async () => {
      const segs = await readSegments(file);
      const cl = segs[0]!;
      const full = (await analyze(writeSegments(segs), [keys])).doc;
      const recs: [0 | 1, ReturnType<typeof recordsOf>][] = [
        [0, recordsOf(segs, cl.srcPort, cl.dstPort)],
        [1, recordsOf(segs, cl.dstPort, cl.srcPort)],
      ];
      // Encrypted records: TLS 1.2 after the ChangeCipherSpec, TLS 1.3 every application_data record.
      const enc = recs.map(([dir, rs]) => [dir, rs.filter((r, i) => (name === 'tls12_gcm' ? rs.findIndex((x) => x.type === 20) < i : r.type === 23))] as const);
      // The plaintext each direction hands on when nothing is damaged, for the "counts = what came before" check.
      const log = new KeyLog();
      log.addText(readFileSync(keys), 'k');
      const sink = new RecordingSink();
      const tcp = new TcpReassembler(new TransportDemux(sink, { keys: log }));
      const dec = new PacketDecoder();
      for (const r of (await readAllRecords(file)).records) {
        const s = dec.decode(r);
        if (s?.proto === 'tcp') tcp.push(s);
      }
      tcp.end();
      const plain: [Buffer, Buffer] = [sink.stream(0), sink.stream(1)];
      expect(plain[0].length).toBe(full.connections[0]!.tls!.decryption.dirs[0].applicationBytes);

      await fc.assert(
        fc.asyncProperty(fc.constantFrom(0, 1), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (dir, ri, off, bit) => {
          const list = enc[dir]![1];
          const rec = list[ri % list.length]!;
          // A byte of the body (not the 5-byte header) of that record.
          const at = 5 + (off % rec.length);
          const damaged = segs.map((s) => ({ ...s }));
          let pos = rec.headerAt + at;
          let k = rec.firstSeg;
          const same = (s: Seg): boolean => s.srcPort === segs[rec.firstSeg]!.srcPort && s.dstPort === segs[rec.firstSeg]!.dstPort;
          while (pos >= damaged[k]!.payload.length) {
            pos -= damaged[k]!.payload.length;
            k++;
            while (!same(damaged[k]!) || damaged[k]!.payload.length === 0) k++;
          }
          damaged[k]!.payload = Buffer.from(damaged[k]!.payload);
          damaged[k]!.payload[pos]! ^= 1 << bit;
          const { doc } = await analyze(writeSegments(damaged), [keys]);
          const frame = rec.lastSeg + 1;
          const d = doc.connections[0]!.tls!.decryption;
          const name0 = dir === 0 ? 'client->server' : 'server->client';
          expect(d.dirs[dir]!.state).toBe('auth-failed');
          expect(d.dirs[dir]!.reason).toBe(`record failed authentication at frame ${frame}`);
          expect(d.dirs[1 - dir]!.state).toBe('decrypted');
          const failed = diags(doc, 'tls-decrypt-failed');
          expect(failed).toHaveLength(1);
          expect(failed[0]!.frame).toBe(frame);
          expect(failed[0]!.detail.startsWith(`${name0}: record failed authentication at frame ${frame}`)).toBe(true);
          // What was decrypted is a prefix of the undamaged plaintext; the MSRP in it (and all of the other side) is counted.
          const got = d.dirs[dir]!.applicationBytes;
          const want = scanMsrp(plain[dir]!.subarray(0, got));
          scanMsrp(plain[1 - dir]!, want);
          expect(entries(doc.summary.requests)).toEqual(entries(want.requests));
          expect(entries(doc.summary.responses)).toEqual(entries(want.responses));
          // TLS 1.2 GCM: the prefix is exactly the plaintext of the application_data records before the damaged one.
          if (name === 'tls12_gcm') {
            const before = list.slice(0, list.indexOf(rec)).filter((r) => r.type === 23);
            expect(got).toBe(before.reduce((a, r) => a + r.length - 24, 0));
          }
        }),
        { numRuns: 30 },
      );
    });
  }
});

// ---- the pinned counts above, re-derived from tshark -------------------------------------------------

describe.skipIf(!HAVE_TLS_CORPUS || !HAVE_TSHARK)('pinned counts of the damaged tls12_gcm cases = tshark’s records before the damage', () => {
  it('client records before its third application_data record, and the server records in each case', () => {
    const [s] = tsharkDecrypt(GCM, GCM_KEYS);
    const count = (c2s: number, s2c: number): { requests: [string, number][]; responses: [string, number][] } => {
      const scan = scanMsrp(Buffer.concat(s!.c2s.slice(0, c2s)));
      scanMsrp(Buffer.concat(s!.s2c.slice(0, s2c)), scan);
      return { requests: entries(scan.requests), responses: entries(scan.responses) };
    };
    expect(s!.c2s).toHaveLength(7);
    expect(s!.s2c).toHaveLength(8);
    expect(count(2, 8)).toEqual(BEFORE_THIRD);
    // tls13_aes128: the REPORT is the server's last application record.
    const [t] = tsharkDecrypt(AES13, AES13_KEYS);
    expect(t!.s2c.at(-1)!.toString('latin1')).toMatch(/^MSRP \S+ REPORT\r\n/);
    expect(scanMsrp(Buffer.concat(t!.s2c.slice(0, -1))).requests.size).toBe(0);
    // Truncation after segment third.firstSeg + 2: the server had sent two application records by then.
    expect(count(2, 2)).toEqual(TRUNCATED_IN_THIRD);
  });
});
