/**
 * Key logs on the command line (bin/msrpscope, which runs dist/: build first): --keylog, tshark's
 * `-o tls.keylog_file:FILE`, errors, the --summary TLS line, and key logs followed while a capture arrives on
 * standard input. Plus the KeyRing that follows them (src/cli/keylog.ts), driven with fake timers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { writePcap, type WriteRecord } from '../../src/capture/writer.js';
import { KeyRing } from '../../src/cli/keylog.js';
import type { JsonDocument } from '../../src/export/json-types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { BIN, HAVE_TLS_CORPUS, HAVE_TSHARK, ROOT, SAMPLES_TLS, TLS_CORPUS, tmpFile, tsharkDecrypt, scanMsrp, entries } from '../transport/tls-decrypt-helpers.js';

function run(args: string[], input?: Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

const json = (s: string): JsonDocument => JSON.parse(s) as JsonDocument;

const KU = path.join(SAMPLES_TLS, 'tls13_keyupdate');
const SKO = path.join(SAMPLES_TLS, 'tls13_server_keys_only');
const NOKEYS = path.join(SAMPLES_TLS, 'tls13_nokeys');
const MID = path.join(SAMPLES_TLS, 'tls12_midstart');
const GCM = path.join(TLS_CORPUS, 'tls12_gcm.pcap');
const RESUME = path.join(TLS_CORPUS, 'tls12_resume.pcap');

describe('--keylog and -o tls.keylog_file on the command line', () => {
  it('a missing key log: exit 2, one line on stderr naming it, no stack trace, nothing on stdout', () => {
    const missing = path.join(ROOT, 'no-such-dir', 'keys.txt');
    for (const args of [
      [`${KU}.pcap`, '--keylog', missing, '--json'],
      [`${KU}.pcap`, '-o', `tls.keylog_file:${missing}`, '--summary'],
      [`${KU}.pcap`, '--keylog', `${KU}.keys.txt`, '--keylog', missing, '--ndjson'],
    ]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`msrpscope: cannot read key log ${missing}: no such file\n`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('the name of a missing key log is escaped (no terminal controls reach stderr)', () => {
    const r = run([`${KU}.pcap`, '--keylog', '/nonexistent/\x1b[31mred', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('msrpscope: cannot read key log /nonexistent/\\x1b[31mred: no such file\n');
  });

  it('-o tls.keylog_file:K (and --pref, ssl.keylog_file) gives the same document as --keylog K', () => {
    const ref = run([`${KU}.pcap`, '--keylog', `${KU}.keys.txt`, '--json']);
    expect(ref.code).toBe(0);
    const doc = json(ref.stdout);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('decrypted');
    for (const opt of [['-o', `tls.keylog_file:${KU}.keys.txt`], [`--pref=tls.keylog_file:${KU}.keys.txt`], ['-o', `ssl.keylog_file:${KU}.keys.txt`]]) {
      const r = run([`${KU}.pcap`, ...opt, '--json']);
      expect(r.code, opt.join(' ')).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(ref.stdout);
    }
  });

  it('an unknown -o preference (or an empty file name) is a usage error: exit 1, one line', () => {
    for (const pref of ['tcp.desegment_tcp_streams:TRUE', 'tls.keylog_file:', 'keylog']) {
      const r = run([`${KU}.pcap`, '-o', pref, '--json']);
      expect(r.code, pref).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`msrpscope: unsupported preference "${pref}" (only -o tls.keylog_file:FILE is understood)\n`);
    }
  });

  it.skipIf(!HAVE_TLS_CORPUS)('several key logs together: each connection of tls12_resume finds its keys in its own file', () => {
    const lines = readFileSync(`${RESUME}.keys.txt`, 'latin1').split('\n').filter((l) => l.startsWith('CLIENT_RANDOM'));
    expect(lines).toHaveLength(2);
    const k1 = tmpFile('resume1.keys', `${lines[0]}\n`);
    const k2 = tmpFile('resume2.keys', `${lines[1]}\n`);
    const one = json(run([RESUME, '--keylog', k1, '--json']).stdout);
    expect(one.connections.map((c) => c.tls!.decryption.state).sort()).toEqual(['decrypted', 'no-keys']);
    const both = run([RESUME, '--keylog', k1, '-o', `tls.keylog_file:${k2}`, '--json']);
    expect(both.code).toBe(0);
    const doc = json(both.stdout);
    expect(doc.connections.map((c) => c.tls!.decryption.state)).toEqual(['decrypted', 'decrypted']);
    expect(entries(doc.summary.requests)).toEqual([['REPORT', 2], ['SEND', 14]]);
  });

  it('bad key log lines are diagnostics (keylog-bad-line), not errors: exit 0 and the rest is decrypted', () => {
    const k = tmpFile('mixed.keys', `garbage line\n${readFileSync(`${KU}.keys.txt`, 'latin1')}`);
    const r = run([`${KU}.pcap`, '--keylog', k, '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.summary.diagnostics['keylog-bad-line']).toBe(1);
    expect(doc.diagnostics.find((d) => d.code === 'keylog-bad-line')!.detail).toBe(`${k} line 1: not a key log line: "garbage line"`);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('decrypted');
  });
});

describe('--summary: the TLS decryption line (src/export/summary.ts tlsLine)', () => {
  const line = (args: string[]): string | undefined => run([...args, '--summary']).stdout.split('\n').find((l) => l.startsWith('TLS: '));

  it('decrypted, partly decrypted, not decrypted with the reason', () => {
    expect(line([`${KU}.pcap`, '--keylog', `${KU}.keys.txt`])).toBe('TLS: 1 connection, 1 decrypted, 0 partly, 0 not decrypted');
    expect(line([`${SKO}.pcap`, '--keylog', `${SKO}.keys.txt`])).toBe('TLS: 1 connection, 0 decrypted, 1 partly, 0 not decrypted');
    expect(line([`${NOKEYS}.pcap`, '--keylog', `${NOKEYS}.keys.txt`])).toBe('TLS: 1 connection, 0 decrypted, 0 partly, 1 not decrypted (no keys for this client random: 1)');
    expect(line([`${MID}.pcap`, '--keylog', `${MID}.keys.txt`])).toBe('TLS: 1 connection, 0 decrypted, 0 partly, 1 not decrypted (handshake not in the capture: 1)');
  });

  it('without any key log it says how to get one', () => {
    expect(line([`${KU}.pcap`])).toBe('TLS: 1 connection, not decrypted: no key log given (--keylog FILE, an SSLKEYLOGFILE of the client or server, decrypts them)');
  });

  it('no TLS connection, no TLS line', () => {
    const out = run([path.join(ROOT, 'samples', 'chat.pcap'), '--summary']).stdout;
    expect(out).toContain('Requests: ');
    expect(out).not.toMatch(/^TLS: /m);
  });

  it('the decrypted MSRP is in the summary counts and the connection row says so', () => {
    const out = run([`${KU}.pcap`, '--keylog', `${KU}.keys.txt`, '--summary']).stdout;
    expect(out).toMatch(/^Requests: REPORT 1, SEND 6$/m);
    expect(out).toMatch(/^Responses: 200 6$/m);
    expect(out).toMatch(/MSRP over TLS \(decrypted\) TLS 1\.3 SNI msrp\.test/);
  });
});

/**
 * Following a key log while the capture arrives on standard input.
 *
 * Why this is deterministic: the capture is tls12_gcm.pcap (TLS 1.2 AES-GCM), cut after frame 11: by then each
 * side has sent its Finished and one application record (the first SEND, its 200), i.e. 2 encrypted records per
 * direction. Behind that cut come ~1 MiB of non-IP Ethernet frames (skipped by the decoder): the write of this
 * first part only completes once the child has read all but a pipe buffer (64 KiB) and a stream buffer of it —
 * and it reads on only after processing what it read (the pipeline pulls batches with back-pressure). So when the
 * write completes, both directions have met their first encrypted records with an empty key log ("waiting", one
 * tls-no-keys). Then the key lines are appended, and only after 300 ms (more than the 50 ms refresh limit; the
 * 250 ms poll may also read them first) is the rest written: the first encrypted record of the rest finds the keys.
 * TLS 1.2 record sequence numbers are the count of records seen, so every later record opens: exactly 2 records
 * per direction are lost whatever the timing. (A TLS 1.3 capture would need trial decryption and the handshake
 * keys could not be used any more.)
 */
describe.skipIf(!HAVE_TLS_CORPUS)('a key log followed while the capture comes on standard input', () => {
  async function feed(keyLines: string, wait: number, exists = true): Promise<{ code: number | null; doc: JsonDocument; stderr: string }> {
    const { records } = await readAllRecords(GCM);
    const w = (r: { tsSec: number; tsNsec: number; data: Buffer }): WriteRecord => ({ tsSec: r.tsSec, tsNsec: r.tsNsec, data: r.data });
    const filler = Buffer.alloc(1400, 0x55);
    filler.writeUInt16BE(0x88b5, 12); // IEEE local experimental EtherType: not IP
    const first = records.slice(0, 11).map(w);
    const fill = Array.from({ length: 800 }, () => ({ tsSec: records[10]!.tsSec, tsNsec: records[10]!.tsNsec, data: filler }));
    const rest = records.slice(11).map(w);
    const whole = writePcap([...first, ...fill, ...rest], { linkType: 1 });
    const split = writePcap([...first, ...fill], { linkType: 1 }).length;
    let K = tmpFile('live.keys.txt', '');
    if (!exists) K = `${K}.not-yet`;
    const child = spawn(process.execPath, [BIN, '-', '--json', '--keylog', K], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => child.stdin.write(whole.subarray(0, split), (e) => (e ? reject(e) : resolve())));
    appendFileSync(K, keyLines);
    await new Promise((r) => setTimeout(r, wait));
    child.stdin.end(whole.subarray(split));
    const code = await closed;
    return { code, doc: json(Buffer.concat(out).toString('utf8')), stderr: Buffer.concat(err).toString('utf8') };
  }

  it('K starts empty, the keys are appended after the first part: every record after them is decrypted', async () => {
    const { code, doc, stderr } = await feed(readFileSync(`${GCM}.keys.txt`, 'latin1'), 300);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const d = doc.connections[0]!.tls!.decryption;
    // Each direction: its Finished and first application record were skipped, everything after decrypted.
    expect(d.dirs.map((x) => [x.state, x.reason])).toEqual([
      ['decrypted', 'keys found after 2 records'],
      ['decrypted', 'keys found after 2 records'],
    ]);
    // The undamaged file has 9 and 10 encrypted records (tls-decrypt-corpus); 2 each were before the keys.
    expect(d.dirs.map((x) => x.records)).toEqual([7, 8]);
    // What was passed over makes the connection partly decrypted (or, by an older reading, decrypted).
    expect(['decrypted', 'partial']).toContain(d.state);
    if (d.state === 'partial') expect(d.reason).toBe('client->server: keys found after 2 records; server->client: keys found after 2 records');
    expect(doc.summary.diagnostics['tls-no-keys']).toBe(1);
    expect(doc.summary.diagnostics['tls-decrypt-failed']).toBeUndefined();
    // Of tshark's 7 client and 8 server records, the first of each (SEND text, its 200) came before the keys.
    expect(entries(doc.summary.requests)).toEqual([['REPORT', 1], ['SEND', 6]]);
    expect(entries(doc.summary.responses)).toEqual([['200', 6]]);
    expect(doc.messages.map((m) => m.size).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([21, 20000]);
    expect(doc.messages.every((m) => m.state === 'complete')).toBe(true);
  });

  it('a key log that does not exist when the capture starts is waited for (a live capture may start first)', async () => {
    const { code, doc, stderr } = await feed(readFileSync(`${GCM}.keys.txt`, 'latin1'), 300, false);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(doc.connections[0]!.tls!.decryption.dirs.map((x) => [x.state, x.reason])).toEqual([
      ['decrypted', 'keys found after 2 records'],
      ['decrypted', 'keys found after 2 records'],
    ]);
    expect(entries(doc.summary.requests)).toEqual([['REPORT', 1], ['SEND', 6]]);
  });

  it('with nothing appended, the same input decrypts nothing (the keys above really came late)', async () => {
    const { code, doc } = await feed('', 0);
    expect(code).toBe(0);
    expect(doc.connections[0]!.tls!.decryption.state).toBe('no-keys');
    expect(doc.summary.requests).toEqual({});
  });

  it.skipIf(!HAVE_TSHARK)('the counts above are tshark’s records minus the first one of each direction', () => {
    const [s] = tsharkDecrypt(GCM, `${GCM}.keys.txt`);
    const scan = scanMsrp(Buffer.concat(s!.c2s.slice(1)));
    scanMsrp(Buffer.concat(s!.s2c.slice(1)), scan);
    expect(entries(scan.requests)).toEqual([['REPORT', 1], ['SEND', 6]]);
    expect(entries(scan.responses)).toEqual([['200', 6]]);
  });
});

describe('KeyRing (src/cli/keylog.ts): following key log files', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const line = (n: number): string => `CLIENT_RANDOM ${n.toString(16).padStart(64, '0')} ${'ab'.repeat(48)}\n`;
  const cr = (n: number): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');

  it('not following: read once (the last line even without a newline), later growth ignored', () => {
    const f = tmpFile('once.keys', line(1) + line(2).trimEnd());
    const ring = new KeyRing(() => undefined);
    expect(ring.active).toBe(false);
    ring.addFile(f, false);
    expect(ring.active).toBe(true);
    expect(ring.get(cr(1))).toBeDefined();
    expect(ring.get(cr(2))).toBeDefined();
    appendFileSync(f, `\n${line(3)}`);
    ring.refresh();
    expect(ring.get(cr(3))).toBeUndefined();
    ring.close();
  });

  it('following: a refresh takes in appended lines, at most every 50 ms; the poll every 250 ms does too', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const f = tmpFile('follow.keys', line(1));
    const problems: Diagnostic[] = [];
    const ring = new KeyRing((d) => problems.push(d));
    ring.addFile(f, true);
    expect(ring.version).toBe(1);
    appendFileSync(f, line(2));
    ring.refresh();
    expect(ring.get(cr(2))).toBeDefined();
    const v = ring.version;
    appendFileSync(f, line(3));
    vi.setSystemTime(1_000_000 + 20);
    ring.refresh(); // within 50 ms of the last refresh: not read yet
    expect(ring.get(cr(3))).toBeUndefined();
    expect(ring.version).toBe(v);
    vi.setSystemTime(1_000_000 + 80);
    ring.refresh();
    expect(ring.get(cr(3))).toBeDefined();
    // The timer alone.
    appendFileSync(f, line(4));
    vi.advanceTimersByTime(250);
    expect(ring.get(cr(4))).toBeDefined();
    expect(problems).toEqual([]);
    ring.close();
    appendFileSync(f, line(5));
    vi.advanceTimersByTime(1000);
    ring.refresh();
    expect(ring.get(cr(5))).toBeUndefined();
  });

  it('following: a line written in two steps is taken when it is complete, not before', () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const f = tmpFile('half.keys', '');
    const problems: Diagnostic[] = [];
    const ring = new KeyRing((d) => problems.push(d));
    ring.addFile(f, true);
    const l = line(7);
    appendFileSync(f, l.slice(0, 50));
    vi.advanceTimersByTime(250);
    expect(ring.get(cr(7))).toBeUndefined();
    appendFileSync(f, l.slice(50));
    vi.advanceTimersByTime(250);
    expect(ring.get(cr(7))).toBeDefined();
    expect(problems).toEqual([]);
    ring.close();
  });

  it('following: a file truncated and rewritten is read again from its start', () => {
    vi.useFakeTimers({ now: 3_000_000 });
    const f = tmpFile('trunc.keys', line(1) + line(2));
    const ring = new KeyRing(() => undefined);
    ring.addFile(f, true);
    truncateSync(f, 0);
    writeFileSync(f, line(9));
    vi.advanceTimersByTime(250);
    expect(ring.get(cr(9))).toBeDefined();
    expect(ring.get(cr(1))).toBeDefined(); // what was read stays known
    ring.close();
  });

  it('bad lines become keylog-bad-line diagnostics naming the file and line', () => {
    const f = tmpFile('bad.keys', `${line(1)}nonsense here\n`);
    const seen: Diagnostic[] = [];
    const ring = new KeyRing((d) => seen.push(d));
    ring.addFile(f, false);
    expect(seen).toEqual([{ code: 'keylog-bad-line', severity: 'warning', frame: 0, connection: -1, detail: `${f} line 2: not a key log line: "nonsense here"` }]);
  });

  it('a missing file is a CliError with exit code 2', () => {
    const ring = new KeyRing(() => undefined);
    const p = path.join(ROOT, 'missing-dir', 'k');
    expect(existsSync(p)).toBe(false);
    expect(() => ring.addFile(p, false)).toThrow(expect.objectContaining({ exitCode: 2, message: `cannot read key log ${p}: no such file` }));
  });

  it('following: a key log that does not exist yet is opened when it appears', () => {
    vi.useFakeTimers({ now: 4_000_000 });
    const p = path.join(path.dirname(tmpFile('anchor', '')), 'later.keys');
    expect(existsSync(p)).toBe(false);
    const ring = new KeyRing(() => undefined);
    ring.addFile(p, true);
    vi.advanceTimersByTime(250);
    expect(ring.get(cr(11))).toBeUndefined();
    writeFileSync(p, line(11));
    vi.advanceTimersByTime(250);
    expect(ring.get(cr(11))).toBeDefined();
    ring.close();
  });
});
