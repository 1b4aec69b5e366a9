import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TlsFacts, WebSocketFacts, WsFrameCounts } from '../../src/transport/types.js';
import { runCapture, type CaptureRun } from './corpus-run.js';
import { countMsrp, type MsrpCount } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(HERE, '../../../shared');
const CORPUS = path.join(SHARED, 'corpus');
const SRC = path.resolve(HERE, '../../src');
const stagesPresent = ['capture/reader.ts', 'net/decoder.ts', 'tcp/reassembler.ts'].every((f) => existsSync(path.join(SRC, f)));
const present = existsSync(CORPUS) && stagesPresent;

function truthOf(file: string): string {
  return readFileSync(path.join(CORPUS, file + '.truth.md'), 'utf8');
}

/** `AUTH=4, SEND=9` → Map; `-` → empty. */
function kv(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const part of (text ?? '').split(',')) {
    const eq = part.lastIndexOf('=');
    if (eq > 0) m.set(part.slice(0, eq).trim(), Number(part.slice(eq + 1).trim()));
  }
  return m;
}

interface Independent {
  kinds: Map<number, string>;
  requests: Map<string, number>;
  responses: Map<string, number>;
}

function independent(file: string): Independent {
  const ind = truthOf(file).split('## Independent count')[1] ?? '';
  const line = (re: RegExp) => re.exec(ind)?.[1];
  const kinds = new Map<number, string>();
  for (const part of (line(/^- stream kinds: (.*)$/m) ?? '').split(',')) {
    const [s, kind] = part.trim().split('=');
    if (s && kind) kinds.set(Number(s.slice(1)), kind);
  }
  return {
    kinds,
    requests: kv(line(/^- requests by method: (.*)$/m)),
    responses: kv(line(/^- responses by status code: (.*)$/m)),
  };
}

interface WsTruthRow {
  stream: number;
  clientPort: number;
  serverPort: number;
  request: string;
  status: string;
  protocols: [string, string];
  frames: [number, number];
  byOpcode: [Map<string, number>, Map<string, number>];
  masked: [number, number];
  fragmented: [number, number];
  unfinished: [boolean, boolean];
  msrpFrames: number;
}

/** Rows of the "WebSocket connections" table. */
function wsTruth(file: string): WsTruthRow[] {
  const txt = truthOf(file).split('## WebSocket connections')[1] ?? '';
  const rows: WsTruthRow[] = [];
  for (const line of txt.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 12 || !/^\d+$/.test(cells[1]!)) continue;
    const [, stream, ends, request, status, protos, cf, sf, masked, frag, unfinished, msrp] = cells as string[];
    const ports = /:(\d+) -> .*:(\d+)$/.exec(ends!)!;
    const frames = (s: string): [number, Map<string, number>] => {
      const m = /^(\d+) \((.*)\)$/.exec(s)!;
      return [Number(m[1]), kv(m[2])];
    };
    const pair = (s: string) => s.split('/').map((x) => x.trim());
    const [cn, cm] = frames(cf!);
    const [sn, sm] = frames(sf!);
    rows.push({
      stream: Number(stream),
      clientPort: Number(ports[1]),
      serverPort: Number(ports[2]),
      request: request!.replace(/`/g, ''),
      status: status!.replace(/`/g, ''),
      protocols: pair(protos!) as [string, string],
      frames: [cn, sn],
      byOpcode: [cm, sm],
      masked: pair(masked!).map(Number) as [number, number],
      fragmented: pair(frag!).map(Number) as [number, number],
      unfinished: pair(unfinished!).map((x) => x === 'yes') as [boolean, boolean],
      msrpFrames: Number(msrp),
    });
  }
  return rows;
}

/** The truth's opcode names (cont, text, ...) as WsFrameCounts keys; zero counts omitted. */
function opcodes(c: WsFrameCounts): Map<string, number> {
  const m = new Map<string, number>();
  const names: [keyof WsFrameCounts, string][] = [
    ['binary', 'binary'],
    ['close', 'close'],
    ['continuation', 'cont'],
    ['ping', 'ping'],
    ['pong', 'pong'],
    ['text', 'text'],
  ];
  for (const [k, n] of names) if (c[k] > 0) m.set(n, c[k]);
  return m;
}

function msrpCount(run: CaptureRun, only?: (id: number) => boolean): MsrpCount {
  const total: MsrpCount = { requests: new Map(), responses: new Map(), unfinished: 0 };
  for (const [id, c] of run.conns) {
    if (only && !only(id)) continue;
    for (const dir of [0, 1] as const) countMsrp(Buffer.concat(c.streams[dir]), total);
  }
  return total;
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

/** A connection's WebSocket facts (demux.facts), failing the test when it has none. */
function wsFacts(run: CaptureRun, id: number): WebSocketFacts {
  const f = run.demux.facts.get(id)?.websocket;
  expect(f, `WebSocket facts of connection ${id}`).toBeTruthy();
  return f!;
}

/** A connection's TLS facts (demux.facts), failing the test when it has none. */
function tlsFacts(run: CaptureRun, id: number): TlsFacts {
  const f = run.demux.facts.get(id)?.tls;
  expect(f, `TLS facts of connection ${id}`).toBeTruthy();
  return f!;
}

describe.skipIf(!present)('transport layer on the corpus', () => {
  const captures = present ? readdirSync(CORPUS).filter((f) => existsSync(path.join(CORPUS, f + '.truth.md'))) : [];

  it('finds exactly the WebSocket and TLS streams of every truth file; plain streams pass through byte for byte', async () => {
    expect(captures.length).toBeGreaterThanOrEqual(20);
    for (const file of captures) {
      const run = await runCapture(path.join(CORPUS, file));
      const { kinds } = independent(file);
      for (const [id, kind] of kinds) {
        const c = run.conns.get(id);
        expect(c, `${file} s${id}`).toBeDefined();
        const expected = kind === 'ws' ? 'websocket' : kind === 'tls' ? 'tls' : undefined;
        expect(c!.conn.transport, `${file} s${id}`).toBe(expected);
      }
      for (const [id, c] of run.conns) {
        if (c.conn.transport !== undefined) continue;
        const raw = run.raw.get(id)!;
        for (const dir of [0, 1] as const) {
          expect(Buffer.concat(c.streams[dir]).equals(Buffer.concat(raw[dir])), `${file} s${id} dir ${dir}`).toBe(true);
        }
      }
      const ws = [...kinds.values()].filter((k) => k === 'ws').length;
      const tls = [...kinds.values()].filter((k) => k === 'tls').length;
      expect(run.demux.stats.websocket, file).toBe(ws);
      expect(run.demux.stats.tls, file).toBe(tls);
      expect(run.demux.stats.brokenWs, file).toBe(0);
      // No transport diagnostics on captures without WebSocket or TLS.
      if (ws + tls === 0) expect(run.diagnostics, file).toEqual([]);
    }
  });

  for (const file of ['ws_relay.pcap', 'ws_direct.pcapng']) {
    describe(file, () => {
      it('WebSocket handshake, frames by opcode, masking, fragmented and unfinished messages as the truth file says', async () => {
        const run = await runCapture(path.join(CORPUS, file));
        const rows = wsTruth(file);
        expect(rows.length).toBe(1);
        for (const row of rows) {
          const c = run.conns.get(row.stream)!;
          expect(c.conn.transport).toBe('websocket');
          expect([c.conn.client.port, c.conn.server.port]).toEqual([row.clientPort, row.serverPort]);
          const f = wsFacts(run, row.stream);
          expect(f.kind).toBe('websocket');
          expect(`GET ${f.path} HTTP/1.1`).toBe(row.request);
          expect(`HTTP/1.1 ${f.status} Switching Protocols`).toBe(row.status);
          expect([f.offeredProtocols.join(','), f.protocol]).toEqual(row.protocols);
          expect(f.acceptValid).toBe(true);
          expect(f.clientDir).toBe(0);
          for (const dir of [0, 1] as const) {
            const d = f.dirs[dir];
            expect(d.frames, `dir ${dir} frames`).toBe(row.frames[dir]);
            expect(sorted(opcodes(d.byOpcode)), `dir ${dir} opcodes`).toEqual(sorted(row.byOpcode[dir]));
            expect(d.masked, `dir ${dir} masked`).toBe(row.masked[dir]);
            expect(d.fragmentedMessages, `dir ${dir} fragmented`).toBe(row.fragmented[dir]);
            expect(d.unfinishedMessage, `dir ${dir} unfinished`).toBe(row.unfinished[dir]);
            expect(d.broken).toBe(false);
            // Kamailio and our server put one MSRP message in each WebSocket message.
            expect(d.msrpSplit + d.msrpMultiple).toBe(0);
            expect(d.msrpWhole).toBe(d.messages);
          }
          // MSRP frames in the deframed streams, counted by the test-only counter.
          const inWs = msrpCount(run, (id) => id === row.stream);
          const n = [...inWs.requests.values(), ...inWs.responses.values()].reduce((a, b) => a + b, 0);
          expect(n).toBe(row.msrpFrames);
          expect(inWs.unfinished).toBe(row.unfinished.filter((u) => u).length);
        }
        const frames = rows.reduce((a, r) => a + r.frames[0] + r.frames[1], 0);
        expect(run.demux.stats.wsFrames).toBe(frames);
        const unfinished = run.diagnostics.filter((d) => d.code === 'ws-unfinished-message');
        expect(unfinished.length).toBe(rows.reduce((a, r) => a + r.unfinished.filter((u) => u).length, 0));
        expect(run.diagnostics.filter((d) => d.code !== 'ws-unfinished-message')).toEqual([]);
      });

      it("MSRP requests by method and responses by code (every leg) equal the truth file's independent count", async () => {
        const run = await runCapture(path.join(CORPUS, file));
        const truth = independent(file);
        const got = msrpCount(run);
        expect(sorted(got.requests)).toEqual(sorted(truth.requests));
        expect(sorted(got.responses)).toEqual(sorted(truth.responses));
      });
    });
  }

  it('ws_direct.pcapng: close handshake codes and the 2 pings / 2 pongs between fragments', async () => {
    const run = await runCapture(path.join(CORPUS, 'ws_direct.pcapng'));
    const f = wsFacts(run, 0);
    expect(f.dirs[0].close).toEqual({ code: 1000, reason: 'bye' });
    expect(f.dirs[1].close).toEqual({ code: 1000, reason: '' });
    expect(f.dirs.map((d) => d.unfinishedMessage)).toEqual([false, false]);
  });

  // Record counts and bytes per direction cross-checked with tshark 4.0.17
  // (`-d tcp.port==2866,tls -d tcp.port==2872,tls -Y tls -e tcp.stream -e tcp.srcport -e tls.record.content_type
  // -e tls.record.opaque_type -e tls.record.length`); version and cipher from its handshake fields.
  const TLS_EXPECTED: Record<string, { id: number; records: [number, number]; bytes: [number, number]; handshake: boolean }[]> = {
    'relay_tls_mixed.pcap': [
      { id: 0, records: [9, 14], bytes: [2449, 3538], handshake: true },
      { id: 3, records: [5, 9], bytes: [1346, 2090], handshake: true },
    ],
    'relay_tls_all.pcap': [
      { id: 0, records: [9, 14], bytes: [2455, 3542], handshake: true },
      { id: 1, records: [9, 14], bytes: [2257, 3710], handshake: true },
      { id: 2, records: [5, 3], bytes: [1879, 636], handshake: false },
    ],
    'sip_msrps.pcap': [{ id: 0, records: [7, 15], bytes: [1648, 3221], handshake: true }],
  };

  for (const [file, expected] of Object.entries(TLS_EXPECTED)) {
    it(`${file}: TLS connections, version, cipher, records and bytes per direction`, async () => {
      const run = await runCapture(path.join(CORPUS, file));
      const streams = /streams with TLS records: (\d+) \(\[([\d, ]*)\]\)/.exec(truthOf(file))!;
      const ids = streams[2]!.split(',').filter((s) => s.trim() !== '').map(Number);
      expect(Number(streams[1])).toBe(expected.length);
      expect(expected.map((e) => e.id)).toEqual(ids);
      expect(run.demux.stats.tls).toBe(ids.length);
      for (const e of expected) {
        const c = run.conns.get(e.id)!;
        expect(c.conn.transport).toBe('tls');
        // Nothing encrypted is passed on.
        expect(c.calls).toBe(0);
        const f = tlsFacts(run, e.id);
        expect(f.dirs.map((d) => d.records)).toEqual(e.records);
        expect(f.dirs.map((d) => d.bytes)).toEqual(e.bytes);
        expect(f.dirs.map((d) => d.unframed)).toEqual([false, false]);
        if (e.handshake) {
          expect(f).toMatchObject({
            handshakeSeen: true,
            midStream: false,
            version: 'TLS 1.3',
            offeredVersions: ['TLS 1.3', 'TLS 1.2'],
            cipherSuite: 0x1302,
            cipher: 'TLS_AES_256_GCM_SHA384',
            sni: null,
            certSubject: null,
          });
          expect(f.clientRandom).toMatch(/^[0-9a-f]{64}$/);
        } else {
          expect(f).toMatchObject({ handshakeSeen: false, midStream: true, version: null, recordVersion: 'TLS 1.2' });
        }
      }
      // The client random is the key log lookup key (design of --keylog): every connection the key log has
      // secrets for (the Python clients; Kamailio's own TLS client writes none) is found by it.
      const logged = new Set(
        readFileSync(path.join(CORPUS, file + '.keys.txt'), 'utf8')
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('#'))
          .map((l) => l.split(' ')[1]),
      );
      const randoms = expected.map((e) => tlsFacts(run, e.id).clientRandom);
      expect(logged.size).toBeGreaterThan(0);
      for (const r of logged) expect(randoms).toContain(r);
      const codes = run.diagnostics.map((d) => d.code);
      expect(codes.filter((c) => c === 'tls-encrypted').length).toBe(expected.length);
      expect(codes.filter((c) => c === 'tls-midstream').length).toBe(expected.filter((e) => !e.handshake).length);
      expect(codes.filter((c) => c !== 'tls-encrypted' && c !== 'tls-midstream')).toEqual([]);
      // MSRP in the clear legs only, as the truth file's independent count.
      const truth = independent(file);
      const got = msrpCount(run);
      expect(sorted(got.requests)).toEqual(sorted(truth.requests));
      expect(sorted(got.responses)).toEqual(sorted(truth.responses));
    });
  }
});
