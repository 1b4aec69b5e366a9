/**
 * The crypto core against real OpenSSL 3 sessions (../shared/corpus/tls, captured with their NSS key logs): the
 * test walks each connection's records itself (no demux), derives keys from the key log, and decrypts every
 * protected record. The MSRP inside must match the counts tshark found (CAPTURE.tls-truth.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FrameRef } from '../../src/capture/types.js';
import type { Dir, TcpConnection, TcpSink } from '../../src/tcp/types.js';
import { cipherSuiteInfo, type CipherSuiteInfo } from '../../src/transport/tls-cipher-suites.js';
import { trafficKeys13 } from '../../src/transport/tls-key-schedule.js';
import { KeyLog, type ConnectionSecrets } from '../../src/transport/tls-keylog.js';
import { keyBlock12 } from '../../src/transport/tls-prf.js';
import { RecordDecrypter } from '../../src/transport/tls-record-cipher.js';
import { feedTcp } from '../helpers/tcp-feed.js';
import { countMsrp, type MsrpCount } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIR = path.resolve(HERE, '../../../shared/corpus/tls');
const present = existsSync(path.join(DIR, 'tls13_aes128.pcap'));

/** Each connection's two byte streams, whole. */
class StreamSink implements TcpSink {
  readonly conns = new Map<number, [Buffer[], Buffer[]]>();
  open(conn: TcpConnection): void {
    this.conns.set(conn.id, [[], []]);
  }
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    void from;
    this.conns.get(conn.id)![dir].push(Buffer.from(bytes));
  }
  gap(): void {
    throw new Error('gap in a corpus stream');
  }
  close(): void {}
}

async function streams(file: string): Promise<[Buffer, Buffer][]> {
  const sink = new StreamSink();
  await feedTcp(file, sink);
  return [...sink.conns.values()].map(([c, s]) => [Buffer.concat(c), Buffer.concat(s)]);
}

interface Rec {
  type: number;
  version: number;
  body: Buffer;
}

function records(stream: Buffer): Rec[] {
  const out: Rec[] = [];
  let at = 0;
  while (at + 5 <= stream.length) {
    const len = stream.readUInt16BE(at + 3);
    expect(at + 5 + len).toBeLessThanOrEqual(stream.length);
    out.push({ type: stream[at]!, version: stream.readUInt16BE(at + 1), body: stream.subarray(at + 5, at + 5 + len) });
    at += 5 + len;
  }
  expect(at).toBe(stream.length);
  return out;
}

interface Hello {
  random: Buffer;
  suite: number;
  extensions: Set<number>;
}

/** ClientHello (random) or ServerHello (random, suite, extension types) from a plaintext handshake record. */
function hello(rec: Rec, server: boolean): Hello {
  const b = rec.body;
  expect(rec.type).toBe(22);
  expect(b[0]).toBe(server ? 2 : 1);
  const random = b.subarray(6, 38);
  let p = 38;
  p += 1 + b[p]!; // session id
  let suite = -1;
  if (server) {
    suite = b.readUInt16BE(p);
    p += 3;
  } else {
    p += 2 + b.readUInt16BE(p);
    p += 1 + b[p]!;
  }
  const extensions = new Set<number>();
  const end = p + 2 + b.readUInt16BE(p);
  for (p += 2; p < end; p += 4 + b.readUInt16BE(p + 2)) extensions.add(b.readUInt16BE(p));
  return { random, suite, extensions };
}

/** Handshake message types in a run of handshake bytes (which may end in the middle of one). */
class HandshakeTypes {
  private buf = Buffer.alloc(0);
  readonly seen: number[] = [];
  push(bytes: Buffer): void {
    this.buf = Buffer.concat([this.buf, bytes]);
    while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readUIntBE(1, 3)) {
      this.seen.push(this.buf[0]!);
      this.buf = this.buf.subarray(4 + this.buf.readUIntBE(1, 3));
    }
  }
}

interface DirResult {
  app: Buffer;
  decrypted: number;
  failures: string[];
  types: number[];
}

/**
 * Opens one direction: TLS 1.2 from its ChangeCipherSpec on; TLS 1.3 (ChangeCipherSpec ignored) with the handshake
 * keys up to this side's Finished, then the application keys.
 */
function decryptDir(
  recs: Rec[],
  suite: CipherSuiteInfo,
  first: RecordDecrypter,
  next: RecordDecrypter | undefined,
): DirResult {
  const out: DirResult = { app: Buffer.alloc(0), decrypted: 0, failures: [], types: [] };
  const app: Buffer[] = [];
  let d: RecordDecrypter | undefined;
  const hs = new HandshakeTypes();
  for (const rec of recs) {
    if (rec.type === 20) {
      if (!suite.tls13) d = first;
      continue;
    }
    if (suite.tls13 && rec.type === 23 && d === undefined) d = first;
    if (d === undefined) continue;
    const r = d.open(rec.type, rec.version, rec.body);
    if (!r.ok) {
      out.failures.push(r.reason);
      break;
    }
    out.decrypted++;
    out.types.push(r.type);
    if (r.type === 23) app.push(r.plaintext);
    if (r.type === 22 && d === first && next !== undefined) {
      hs.push(r.plaintext);
      if (hs.seen.includes(20)) d = next; // Finished: application keys from the next record on
    }
  }
  out.app = Buffer.concat(app);
  return out;
}

interface ConnResult {
  suite: CipherSuiteInfo;
  client: DirResult;
  server: DirResult;
}

function decryptConnection(c2s: Buffer, s2c: Buffer, log: KeyLog): ConnResult {
  const crecs = records(c2s);
  const srecs = records(s2c);
  const ch = hello(crecs[0]!, false);
  const sh = hello(srecs[0]!, true);
  const suite = cipherSuiteInfo(sh.suite)!;
  expect(suite, `suite 0x${sh.suite.toString(16)}`).toBeDefined();
  const sec: ConnectionSecrets = log.get(ch.random)!;
  expect(sec).toBeDefined();
  if (suite.tls13) {
    const mk = (s: Buffer | undefined) => new RecordDecrypter(suite, trafficKeys13(suite, s!));
    return {
      suite,
      client: decryptDir(crecs, suite, mk(sec.clientHandshake), mk(sec.clientTraffic0)),
      server: decryptDir(srecs, suite, mk(sec.serverHandshake), mk(sec.serverTraffic0)),
    };
  }
  const etm = sh.extensions.has(22); // encrypt_then_mac (RFC 7366), only meaningful for CBC
  const kb = keyBlock12(suite, sec.masterSecret!, ch.random, sh.random);
  return {
    suite,
    client: decryptDir(crecs, suite, new RecordDecrypter(suite, kb.client, { encryptThenMac: etm }), undefined),
    server: decryptDir(srecs, suite, new RecordDecrypter(suite, kb.server, { encryptThenMac: etm }), undefined),
  };
}

interface Truth {
  requests: Record<string, number>;
  responses: Record<string, number>;
  tls_streams: number;
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort((a, b) => a[0].localeCompare(b[0]));
}

describe.skipIf(!present)('crypto core on the OpenSSL corpus (../shared/corpus/tls)', () => {
  it.each([
    ['tls12_gcm.pcap', 0xc02f],
    ['tls12_chacha.pcap', 0xcca8],
    ['tls12_cbc_etm.pcap', 0xc028],
    ['tls12_cbc_noetm.pcap', 0xc027],
    ['tls12_resume.pcap', 0xc030],
    ['tls13_aes128.pcap', 0x1301],
    ['tls13_chacha.pcap', 0x1303],
  ])('%s: every protected record opens and the MSRP inside matches tshark', async (file, suiteId) => {
    const full = path.join(DIR, file);
    const log = new KeyLog({ onProblem: (p) => expect.fail(`key log problem ${JSON.stringify(p)}`) });
    log.addText(readFileSync(full + '.keys.txt'), file + '.keys.txt');
    const truth = JSON.parse(readFileSync(full + '.tls-truth.json', 'utf8')) as Truth;
    const conns = await streams(full);
    expect(conns).toHaveLength(truth.tls_streams);
    const count: MsrpCount = { requests: new Map(), responses: new Map(), unfinished: 0 };
    for (const [c2s, s2c] of conns) {
      const r = decryptConnection(c2s, s2c, log);
      expect(r.suite.id).toBe(suiteId);
      expect(r.client.failures).toEqual([]);
      expect(r.server.failures).toEqual([]);
      // Finished (22) first in each direction; close_notify alerts (21) may end it.
      expect(r.client.types[0]).toBe(22);
      expect(r.server.types[0]).toBe(22);
      expect(r.client.decrypted).toBeGreaterThan(3);
      expect(r.server.decrypted).toBeGreaterThan(3);
      countMsrp(r.client.app, count);
      countMsrp(r.server.app, count);
    }
    expect(count.unfinished).toBe(0);
    expect(sorted(count.requests)).toEqual(sorted(new Map(Object.entries(truth.requests))));
    expect(sorted(count.responses)).toEqual(sorted(new Map(Object.entries(truth.responses))));
  });

  it('wss13.pcap (TLS_AES_256_GCM_SHA384): the WebSocket upgrade is readable', async () => {
    const full = path.join(DIR, 'wss13.pcap');
    const log = new KeyLog();
    log.addText(readFileSync(full + '.keys.txt'), 'wss13.keys');
    const [conn] = await streams(full);
    const r = decryptConnection(conn![0], conn![1], log);
    expect(r.suite.id).toBe(0x1302);
    expect(r.client.failures).toEqual([]);
    expect(r.server.failures).toEqual([]);
    expect(r.client.app.subarray(0, 4).toString('latin1')).toBe('GET ');
    expect(r.server.app.subarray(0, 12).toString('latin1')).toBe('HTTP/1.1 101');
    expect(r.client.app.toString('latin1')).toMatch(/Sec-WebSocket-Protocol: msrp/i);
  });

  it('a wrong key fails at the first protected record', async () => {
    const full = path.join(DIR, 'tls12_gcm.pcap');
    // One hex digit of the master secret changed.
    const text = readFileSync(full + '.keys.txt', 'latin1').replace(
      / ([0-9a-f])([0-9a-f]{95})$/m,
      (_m, a: string, rest: string) => ` ${a === '0' ? '1' : '0'}${rest}`,
    );
    expect(text).not.toBe(readFileSync(full + '.keys.txt', 'latin1'));
    const log = new KeyLog();
    log.addText(text, 'bad');
    const [conn] = await streams(full);
    const r = decryptConnection(conn![0], conn![1], log);
    expect(r.client.failures).toEqual(['authentication failed']);
    expect(r.client.decrypted).toBe(0);
  });
});
