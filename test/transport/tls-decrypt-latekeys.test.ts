/**
 * Keys that come late (a live key log that lags behind the capture), in process and without timing: the capture's
 * TCP data goes through TransportDemux with a key source that has nothing until the k-th capture record, then the
 * whole key log. For EVERY k: nothing throws; each direction hands on a suffix of its full plaintext that starts
 * at a record boundary, after one gap for what was passed over; its facts say how many records came before the
 * keys; TLS 1.2 opens every record after them (its sequence number is the count of records seen).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { TcpReassembler } from '../../src/tcp/reassembler.js';
import { TransportDemux } from '../../src/transport/demux.js';
import { KeyLog } from '../../src/transport/tls-keylog.js';
import type { KeySource } from '../../src/transport/tls-keys.js';
import type { TlsDecryptionFacts } from '../../src/transport/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { RecordingSink } from './helpers.js';
import { SAMPLES_TLS, TLS_CORPUS } from './tls-decrypt-helpers.js';

interface Run {
  facts: TlsDecryptionFacts;
  sink: RecordingSink;
  diagnostics: Diagnostic[];
}

/** Keys off until capture record `k` (0-based) is about to be read; `k` ≥ records: never. */
async function runLate(file: string, keys: KeyLog, k: number): Promise<Run> {
  let on = false;
  const src: KeySource = {
    get: (cr) => (on ? keys.get(cr) : undefined),
    get version() {
      return on ? 1 : 0;
    },
  };
  const sink = new RecordingSink();
  const diagnostics: Diagnostic[] = [];
  const demux = new TransportDemux(sink, { keys: src, onDiagnostic: (d) => diagnostics.push(d) });
  const tcp = new TcpReassembler(demux);
  const decoder = new PacketDecoder();
  const { records } = await readAllRecords(file);
  records.forEach((r, i) => {
    if (i === k) on = true;
    const s = decoder.decode(r);
    if (s?.proto === 'tcp') tcp.push(s);
  });
  tcp.end();
  // Connection 0 (tls12_ticket's second connection only adds more of the same).
  return { facts: demux.facts.get(0)!.tls!.decryption, sink, diagnostics };
}

/** The plaintext of each record of connection 0, per direction, in the order handed on (one data call per record). */
function recordsOf(sink: RecordingSink, dir: 0 | 1): Buffer[] {
  return sink.calls.filter((c) => c.kind === 'data' && c.dir === dir && c.conn === 0).map((c) => Buffer.from((c as { bytes: Buffer }).bytes));
}

interface Case {
  name: string;
  file: string;
  keylog: string;
  tls12: boolean;
  /** Capture records after which keys coming late no longer open anything (TLS 1.3 KeyUpdate: only generation-0 secrets are logged). */
  upTo?: number;
}

const CASES: Case[] = [
  { name: 'tls12_gcm', file: path.join(TLS_CORPUS, 'tls12_gcm.pcap'), keylog: path.join(TLS_CORPUS, 'tls12_gcm.pcap.keys.txt'), tls12: true },
  { name: 'tls12_cbc_noetm', file: path.join(TLS_CORPUS, 'tls12_cbc_noetm.pcap'), keylog: path.join(TLS_CORPUS, 'tls12_cbc_noetm.pcap.keys.txt'), tls12: true },
  { name: 'tls13_aes128', file: path.join(TLS_CORPUS, 'tls13_aes128.pcap'), keylog: path.join(TLS_CORPUS, 'tls13_aes128.pcap.keys.txt'), tls12: false },
  { name: 'samples/tls12_ticket', file: path.join(SAMPLES_TLS, 'tls12_ticket.pcap'), keylog: path.join(SAMPLES_TLS, 'tls12_ticket.keys.txt'), tls12: true },
  // The client's first KeyUpdate is in record 17 (tshark: tls.handshake.type == 24 at frame 17).
  { name: 'samples/tls13_keyupdate', file: path.join(SAMPLES_TLS, 'tls13_keyupdate.pcap'), keylog: path.join(SAMPLES_TLS, 'tls13_keyupdate.keys.txt'), tls12: false, upTo: 16 },
];

const KEYS_LATE = /^keys found after (\d+) records$/;

describe('keys that come late, at every point of the capture', () => {
  for (const c of CASES) {
    it.skipIf(!existsSync(c.file))(`${c.name}: a suffix of each direction, after one gap; the facts count what was passed over`, async () => {
      const keys = new KeyLog();
      keys.addText(readFileSync(c.keylog), 'keys');
      const n = (await readAllRecords(c.file)).records.length;
      const full = await runLate(c.file, keys, 0);
      const fullFacts = full.facts;
      expect(fullFacts.state).toBe('decrypted');
      const fullRecs = [recordsOf(full.sink, 0), recordsOf(full.sink, 1)] as const;
      let lateSeen = 0;
      for (let k = 1; k <= Math.min(n, c.upTo ?? n); k++) {
        const r = await runLate(c.file, keys, k);
        const f = r.facts;
        let late = false;
        for (const dir of [0, 1] as const) {
          const d = f.dirs[dir];
          const got = Buffer.concat(recordsOf(r.sink, dir));
          const all = fullRecs[dir];
          // A suffix at a record boundary of the full plaintext (possibly empty).
          const j = all.findIndex((_, i) => Buffer.concat(all.slice(i)).equals(got));
          expect(j >= 0 || got.length === 0, `${c.name} k=${k} dir ${dir}: not a suffix`).toBe(true);
          const m = KEYS_LATE.exec(d.reason ?? '');
          if (d.state === 'decrypted' && m !== null) {
            late = true;
            const skipped = Number(m[1]);
            expect(skipped).toBeGreaterThan(0);
            // One gap handed on for this direction, before its first plaintext.
            const calls = r.sink.calls.filter((x) => (x.kind === 'data' || x.kind === 'gap') && x.dir === dir && x.conn === 0);
            const gaps = calls.filter((x) => x.kind === 'gap');
            expect(gaps, `${c.name} k=${k} dir ${dir}`).toHaveLength(1);
            expect(calls[0]!.kind).toBe('gap');
            if (c.tls12) expect(d.records + skipped, `${c.name} k=${k} dir ${dir}`).toBe(fullFacts.dirs[dir].records);
          } else if (d.state === 'decrypted') {
            expect(d.reason).toBeNull();
          }
        }
        if (late) {
          lateSeen++;
          expect(f.state).toBe('partial');
          expect(f.reason).toMatch(/keys found after \d+ records/);
        }
        expect(r.diagnostics.filter((x) => x.code === 'tls-decrypt-failed')).toEqual([]);
      }
      expect(lateSeen).toBeGreaterThan(3);
    });
  }

  it.skipIf(!existsSync(path.join(TLS_CORPUS, 'tls12_gcm.pcap')))('tls12_gcm, keys just before the first binary chunk: exactly the records from there on, and the MSRP in them', async () => {
    const file = path.join(TLS_CORPUS, 'tls12_gcm.pcap');
    const keys = new KeyLog();
    keys.addText(readFileSync(`${file}.keys.txt`), 'keys');
    // Capture record 15 (frame 16) is the client's first binary chunk; by then each side sent Finished + 2 records.
    const r = await runLate(file, keys, 15);
    const f = r.facts;
    expect(f.dirs.map((d) => [d.state, d.reason, d.records])).toEqual([
      ['decrypted', 'keys found after 3 records', 6],
      ['decrypted', 'keys found after 3 records', 7],
    ]);
    expect(f.state).toBe('partial');
    expect(f.reason).toBe('client->server: keys found after 3 records; server->client: keys found after 3 records');
    expect(r.diagnostics.filter((d) => d.code === 'tls-no-keys')).toHaveLength(1);
    expect(r.sink.stream(0).subarray(0, 5).toString('latin1')).toBe('MSRP ');
  });
});
