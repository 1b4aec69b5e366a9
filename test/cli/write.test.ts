/**
 * `-w FILE`: the frames of what the filters select, re-read by msrpscope (same counts) and by tshark /
 * capinfos (same frame count; TLS decrypted from the file's own Decryption Secrets Block).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { writePcap, writePcapng } from '../../src/capture/writer.js';
import { buildIpFragments, buildTcp, buildTcpSegment, buildUdp, LINKTYPE_EN10MB, LINKTYPE_RAW } from '../../src/net/build.js';
import { TCP_ACK, TCP_PSH, TCP_SYN } from '../../src/net/types.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'msrpscope');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const RELAY_MANY = path.join(CORPUS, 'relay_many.pcapng');
const RELAY_ABORT = path.join(CORPUS, 'relay_abort_fail.pcap');
const TLS = path.join(CORPUS, 'tls');
const CHAT = path.join(ROOT, 'samples', 'chat.pcap');

function run(args: string[], opts: { input?: Buffer; cwd?: string } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, input: opts.input, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

function tool(name: string): boolean {
  return spawnSync(name, ['-v'], { stdio: 'ignore' }).status === 0;
}
const HAVE_TSHARK = tool('tshark');
const HAVE_CAPINFOS = tool('capinfos');

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'msrpscope-write-'));
}

interface Counts {
  requests: Record<string, number>;
  responses: Record<string, number>;
  messages: number;
  packets: number;
  connections: number[];
}

function json(args: string[]): Counts & { doc: Record<string, unknown> } {
  const r = run([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const d = JSON.parse(r.stdout) as {
    capture: { packets: number };
    connections: Array<{ id: number }>;
    summary: { requests: Record<string, number>; responses: Record<string, number>; messages: { total: number } };
  };
  return {
    requests: d.summary.requests,
    responses: d.summary.responses,
    messages: d.summary.messages.total,
    packets: d.capture.packets,
    connections: d.connections.map((c) => c.id),
    doc: d as unknown as Record<string, unknown>,
  };
}

/** "wrote N frames ..." → N */
function wroteFrames(stdout: string): number {
  const m = /^wrote (\d+) frames of /m.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return Number(m![1]);
}

function capinfosCount(file: string): number {
  const r = spawnSync('capinfos', ['-c', '-M', file]);
  const m = /Number of packets:\s+(\d+)/.exec(r.stdout.toString());
  return Number(m?.[1] ?? -1);
}

function tsharkCount(file: string): number {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { maxBuffer: 64 << 20 });
  return r.stdout.toString().trim().split('\n').filter((l) => l !== '').length;
}

describe.skipIf(!existsSync(RELAY_MANY))('-w of a corpus capture, re-read', () => {
  it('one session of relay_many: the same counts as the full capture shows for it, every frame of its connections', () => {
    const d = tmp();
    const out = path.join(d, 's0.pcapng');
    const full = json([RELAY_MANY, '--session', '0']);
    const w = run([RELAY_MANY, '--session', '0', '-w', out]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toBe('');
    const frames = wroteFrames(w.stdout);
    expect(w.stdout).toBe(`wrote ${frames} frames of 4 connections to ${out}\n`);
    // All four connections carry the session (relay legs): every packet of them, i.e. the whole capture.
    expect(frames).toBe(1032);
    const again = json([out, '--session', '0']);
    expect(again.requests).toEqual(full.requests);
    expect(again.responses).toEqual(full.responses);
    expect(again.messages).toBe(full.messages);
    expect(again.requests).toEqual({ SEND: 360, REPORT: 60 });
    expect(again.messages).toBe(120);
    expect(again.packets).toBe(frames);
    if (HAVE_CAPINFOS) expect(capinfosCount(out)).toBe(frames);
    if (HAVE_TSHARK) expect(tsharkCount(out)).toBe(frames);
  });

  it('--connection 3: only that connection, all its packets, and the counts --connection 3 shows', () => {
    const d = tmp();
    const out = path.join(d, 'c3.pcapng');
    const full = json([RELAY_MANY, '--connection', '3']);
    expect(full.connections).toEqual([3]);
    const w = run([RELAY_MANY, '--connection', '3', '-w', out]);
    expect(w.code, w.stderr).toBe(0);
    const frames = wroteFrames(w.stdout);
    const stats = (json([RELAY_MANY]).doc.connections as Array<{ id: number; stats: { c2s: { packets: number }; s2c: { packets: number } } }>)[3]!;
    expect(frames).toBe(stats.stats.c2s.packets + stats.stats.s2c.packets);
    expect(frames).toBe(61);
    const again = json([out]);
    expect(again.packets).toBe(61);
    expect(again.connections).toEqual([0]);
    expect(again.requests).toEqual(full.requests);
    expect(again.responses).toEqual(full.responses);
    expect(again.messages).toBe(full.messages);
    if (HAVE_TSHARK) expect(tsharkCount(out)).toBe(61);
  });

  it.skipIf(!existsSync(RELAY_ABORT))('each session of relay_abort_fail: its counts again, and a classic pcap when the name ends in .pcap', () => {
    const d = tmp();
    for (const s of [0, 1, 2]) {
      const out = path.join(d, `s${s}.pcap`);
      const full = json([RELAY_ABORT, '--session', String(s)]);
      const w = run([RELAY_ABORT, '--session', String(s), '-w', out]);
      expect(w.code, w.stderr).toBe(0);
      expect(readFileSync(out).readUInt32LE(0)).toBe(0xa1b2c3d4);
      const sessions = (full.doc.sessions as Array<{ endpoints: Array<{ uri: string }> }>)[0]!;
      // Session ids may differ in the smaller capture: the session is found again by an endpoint's URI.
      const again = json([out, '--session', sessions.endpoints[0]!.uri]);
      const againSession = (again.doc.sessions as Array<{ requests: Record<string, number>; messages: number; endpoints: unknown }>).find(
        (x) => JSON.stringify(x.endpoints) === JSON.stringify(sessions.endpoints),
      );
      expect(againSession).toBeDefined();
      const fullSession = (full.doc.sessions as Array<{ requests: Record<string, number>; messages: number }>)[0]!;
      expect(againSession!.requests).toEqual(fullSession.requests);
      expect(againSession!.messages).toBe(fullSession.messages);
      if (HAVE_CAPINFOS) expect(capinfosCount(out)).toBe(wroteFrames(w.stdout));
    }
  });
});

interface TlsTruth {
  requests: Record<string, number>;
  responses: Record<string, number>;
}

/** MSRP start-lines in the decrypted application data tshark shows (tshark 4.0 shows it as `data`). */
function tsharkMsrpLines(file: string): Record<string, number> {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'data.data'], { maxBuffer: 64 << 20 });
  let text = '';
  for (const line of r.stdout.toString().split('\n')) if (line !== '') text += `${Buffer.from(line.replace(/[,:]/g, ''), 'hex').toString('latin1')}\n`;
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/MSRP [A-Za-z0-9.+%=-]{4,32} ([A-Z]+|\d{3})/g)) out[m[1]!] = (out[m[1]!] ?? 0) + 1;
  return out;
}

describe.skipIf(!existsSync(path.join(TLS, 'tls13_aes128.pcap')))('-w of TLS with a key log: the secrets travel in the file', () => {
  for (const name of ['tls13_aes128.pcap', 'tls12_gcm.pcap']) {
    it(`${name}: a Decryption Secrets Block before the first packet; msrpscope and tshark decrypt without a key log`, async () => {
      const cap = path.join(TLS, name);
      const truth = JSON.parse(readFileSync(`${cap}.tls-truth.json`, 'utf8')) as TlsTruth;
      const d = tmp();
      const out = path.join(d, 'tls.pcapng');
      const w = run([cap, '--keylog', `${cap}.keys.txt`, '--session', '0', '-w', out]);
      expect(w.code, w.stderr).toBe(0);
      expect(w.stdout).toMatch(/^wrote \d+ frames of 1 connection to .* \(with \d+ TLS secrets\)\n$/);
      // The DSB comes right after the section header, before any interface or packet.
      const bytes = readFileSync(out);
      const shbLen = bytes.readUInt32LE(4);
      expect(bytes.readUInt32LE(shbLen)).toBe(0x0a);
      expect(bytes.readUInt32LE(shbLen + 8)).toBe(0x544c534b);
      const secrets = bytes.subarray(shbLen + 16, shbLen + 16 + bytes.readUInt32LE(shbLen + 12)).toString('latin1');
      const keylog = readFileSync(`${cap}.keys.txt`, 'latin1');
      for (const line of secrets.trim().split('\n')) expect(keylog).toContain(line);
      const again = json([out]);
      expect(again.requests).toEqual(truth.requests);
      expect(again.responses).toEqual(truth.responses);
      if (HAVE_TSHARK) {
        const seen = tsharkMsrpLines(out);
        const want: Record<string, number> = { ...truth.requests, ...truth.responses };
        expect(seen).toEqual(want);
      }
      const recs = await readAllRecords(out);
      expect(recs.records.length).toBe(wroteFrames(w.stdout));
    });
  }

  it.skipIf(!existsSync(path.join(TLS, 'tls12_gcm_dsb.pcapng')))('secrets read from the input pcapng DSB are written again', () => {
    const d = tmp();
    const out = path.join(d, 'dsb.pcapng');
    const w = run([path.join(TLS, 'tls12_gcm_dsb.pcapng'), '-w', out]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/\(with \d+ TLS secrets\)/);
    const truth = JSON.parse(readFileSync(path.join(TLS, 'tls12_gcm_dsb.pcapng.tls-truth.json'), 'utf8')) as TlsTruth;
    expect(json([out]).requests).toEqual(truth.requests);
  });

  it('a .pcap target with secrets: written, and one line says pcap cannot carry them', () => {
    const d = tmp();
    const out = path.join(d, 'tls.pcap');
    const cap = path.join(TLS, 'tls13_aes128.pcap');
    const w = run([cap, '--keylog', `${cap}.keys.txt`, '-w', out]);
    expect(w.code).toBe(0);
    expect(w.stderr).toBe(`msrpscope: ${out}: classic pcap cannot carry the TLS secrets of these connections; write .pcapng to keep them\n`);
    expect(existsSync(out)).toBe(true);
  });
});

describe('-w: targets and inputs it refuses', () => {
  it('an existing target without --force: exit 2, one line, the file untouched; --force replaces it', () => {
    const d = tmp();
    const out = path.join(d, 'out.pcapng');
    writeFileSync(out, 'keep me');
    const r = run([CHAT, '-w', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`msrpscope: cannot write ${out}: it exists (use --force to overwrite)\n`);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(readdirSync(d)).toEqual(['out.pcapng']);
    const f = run([CHAT, '-w', out, '--force']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toBe(`wrote 47 frames of 1 connection and 1 SIP dialog to ${out}\n`);
  });

  it('a directory or a missing folder: exit 2, one line', () => {
    const d = tmp();
    mkdirSync(path.join(d, 'dir'));
    const a = run([CHAT, '-w', path.join(d, 'dir')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`msrpscope: cannot write ${path.join(d, 'dir')}: it is a directory\n`);
    const b = run([CHAT, '-w', path.join(d, 'nope', 'x.pcapng')]);
    expect(b.code).toBe(2);
    expect(b.stderr.split('\n')).toHaveLength(2);
  });

  it('standard input cannot be read twice: exit 1, one line, before reading', () => {
    const d = tmp();
    const r = run(['-', '-w', path.join(d, 'x.pcapng')], { input: readFileSync(CHAT) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('msrpscope: -w needs capture files, not standard input or a live interface\n');
    expect(readdirSync(d)).toEqual([]);
  });

  it('--connection takes a number', () => {
    const r = run([CHAT, '--connection', 'x', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('msrpscope: invalid connection "x" (expected a connection number: 0, 1, ... as connections[].id)\n');
    expect(r.stdout).toBe('');
  });

  it('goes with another output: the JSON on stdout, the file written, no extra line', () => {
    const d = tmp();
    const out = path.join(d, 'x.pcapng');
    const r = run([CHAT, '--json', '-w', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).capture.packets).toBe(47);
    expect(existsSync(out)).toBe(true);
  });
});

describe('--connection filters every output', () => {
  it.skipIf(!existsSync(RELAY_MANY))('JSON: only that connection, its transactions and session, recounted', () => {
    const r = run([RELAY_MANY, '--connection', '3', '--json']);
    const d = JSON.parse(r.stdout) as {
      connections: Array<{ id: number }>;
      transactions: Array<{ connection: number }>;
      sessions: Array<{ id: number }>;
      summary: { connections: { total: number }; requests: Record<string, number> };
    };
    expect(d.connections.map((c) => c.id)).toEqual([3]);
    expect(new Set(d.transactions.map((t) => t.connection))).toEqual(new Set([3]));
    expect(d.transactions.length).toBe(20);
    expect(d.sessions.map((s) => s.id)).toEqual([0]);
    expect(d.summary.connections.total).toBe(1);
    expect(d.summary.requests).toEqual({ SEND: 20 });
  });

  it.skipIf(!existsSync(RELAY_MANY))('NDJSON: records of other connections are left out', () => {
    const r = run([RELAY_MANY, '--connection', '3', '--ndjson']);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; connection?: number; id?: number });
    const conns = new Set(recs.filter((x) => x.type === 'connection').map((x) => x.id));
    expect(conns).toEqual(new Set([3]));
    expect(recs.filter((x) => x.type === 'request' && x.connection !== 3)).toEqual([]);
    expect(recs.filter((x) => x.type === 'request')).toHaveLength(20);
  });
});

describe('-w of a built capture: IP fragments, unrelated frames, several files', () => {
  const A = '10.0.0.1';
  const B = '10.0.0.2';
  const send = Buffer.from(
    'MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://10.0.0.2:2855/bbb;tcp\r\nFrom-Path: msrp://10.0.0.1:40000/aaa;tcp\r\nMessage-ID: m1\r\n' +
      'Byte-Range: 1-200/200\r\nContent-Type: text/plain\r\n\r\n' +
      'x'.repeat(200) +
      '\r\n-------a1b2c3d4$\r\n',
  );
  const ok = Buffer.from('MSRP a1b2c3d4 200 OK\r\nTo-Path: msrp://10.0.0.1:40000/aaa;tcp\r\nFrom-Path: msrp://10.0.0.2:2855/bbb;tcp\r\n-------a1b2c3d4$\r\n');
  const tcp = (src: string, dst: string, sp: number, dp: number, seq: number, ack: number, flags: number, payload?: Buffer) =>
    ({ src, dst, srcPort: sp, dstPort: dp, seq, ack, flags, payload });
  const c = (seq: number, ack: number, flags: number, payload?: Buffer) => tcp(A, B, 40000, 2855, seq, ack, flags, payload);
  const s = (seq: number, ack: number, flags: number, payload?: Buffer) => tcp(B, A, 2855, 40000, seq, ack, flags, payload);
  const other = () => buildUdp({ src: '10.9.9.9', dst: '10.9.9.8', srcPort: 9, dstPort: 9999, payload: Buffer.from('noise') });

  function frames(): Buffer[] {
    const fragSeg = buildTcpSegment(c(1001, 5001, TCP_ACK | TCP_PSH, send));
    const frags = buildIpFragments({ src: A, dst: B, proto: 6, id: 77, data: fragSeg, size: 96 });
    expect(frags.length).toBeGreaterThan(2);
    return [
      other(), // 1
      buildTcp(c(1000, 0, TCP_SYN)), // 2
      buildTcp(s(5000, 1001, TCP_SYN | TCP_ACK)), // 3
      buildTcp(c(1001, 5001, TCP_ACK)), // 4
      frags[0]!, // 5
      other(), // 6
      ...frags.slice(1), // 7..
      buildTcp(s(5001, 1001 + send.length, TCP_ACK | TCP_PSH, ok)),
      other(),
    ];
  }

  it('every fragment of a reassembled segment is written, unrelated frames are not', async () => {
    const d = tmp();
    const data = frames();
    const cap = path.join(d, 'frag.pcap');
    writeFileSync(cap, writePcap(data.map((b, i) => ({ tsSec: 1_800_000_000 + i, tsNsec: 0, data: b })), { linkType: LINKTYPE_EN10MB }));
    const out = path.join(d, 'out.pcapng');
    const w = run([cap, '-w', out]);
    expect(w.code, w.stderr).toBe(0);
    const want = data.length - 3; // the three UDP frames stay out
    expect(w.stdout).toBe(`wrote ${want} frames of 1 connection to ${out}\n`);
    const got = await readAllRecords(out);
    expect(got.records.map((r) => r.tsSec - 1_800_000_000)).toEqual(data.map((_, i) => i).filter((i) => i !== 0 && i !== 5 && i !== data.length - 1));
    expect(got.records.map((r) => r.data.length)).toEqual(got.records.map((r) => data[r.tsSec - 1_800_000_000]!.length));
    expect(json([out]).requests).toEqual({ SEND: 1 });
  });

  it('several -r files read as one capture: frame numbers continue, one interface block per input interface', async () => {
    const d = tmp();
    const data = frames();
    const half = 5;
    const a = path.join(d, 'a.pcap');
    const b = path.join(d, 'b.pcapng');
    writeFileSync(a, writePcap(data.slice(0, half).map((x, i) => ({ tsSec: 1_800_000_000 + i, tsNsec: 0, data: x })), { linkType: LINKTYPE_EN10MB }));
    writeFileSync(
      b,
      writePcapng(
        data.slice(half).map((x, i) => ({ tsSec: 1_800_000_000 + half + i, tsNsec: 123_456_789, data: x })),
        { interfaces: [{ linkType: LINKTYPE_EN10MB, tsresol: 9 }] },
      ),
    );
    const out = path.join(d, 'out.pcapng');
    const w = run(['-r', a, '-r', b, '-w', out]);
    expect(w.code, w.stderr).toBe(0);
    const got = await readAllRecords(out);
    expect(got.records.length).toBe(data.length - 3);
    expect(new Set(got.records.map((r) => r.interfaceId))).toEqual(new Set([0, 1]));
    // Nanoseconds kept (if_tsresol 9).
    expect(got.records.filter((r) => r.tsNsec === 123_456_789).length).toBe(got.records.filter((r) => r.interfaceId === 1).length);
    expect(json([out]).requests).toEqual({ SEND: 1 });
  });

  it('a classic pcap target when the frames have two link types: refused with one line, nothing written', () => {
    const d = tmp();
    const data = frames();
    const ip = (x: Buffer): Buffer => x.subarray(14);
    const cap = path.join(d, 'mixed.pcapng');
    writeFileSync(
      cap,
      writePcapng(
        data.map((x, i) => (i < 4 ? { tsSec: 1_800_000_000 + i, tsNsec: 0, data: x, interfaceId: 0 } : { tsSec: 1_800_000_000 + i, tsNsec: 0, data: ip(x), interfaceId: 1 })),
        { interfaces: [{ linkType: LINKTYPE_EN10MB }, { linkType: LINKTYPE_RAW }] },
      ),
    );
    const out = path.join(d, 'out.pcap');
    const r = run([cap, '-w', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`msrpscope: cannot write ${out}: the frames have several link types (EN10MB, RAW) and a classic pcap holds one; write .pcapng\n`);
    expect(readdirSync(d)).toEqual(['mixed.pcapng']);
    const ng = run([cap, '-w', path.join(d, 'out.pcapng')]);
    expect(ng.code, ng.stderr).toBe(0);
  });
});
