/**
 * The command line folds settled messages on a long capture (more than FOLD_AFTER messages): into counts for
 * --summary and --ndjson, into records written before the document for --json; with a filter, never. The counts
 * agree, and a REPORT that comes after its message was folded is the one difference (a note when folded,
 * applied when not).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLD_AFTER } from '../../src/model/message-fold.js';
import { FROM, TO, buildMsrpCapture, msrpRequest, msrpResponse, type Exchange } from '../hostile/build-capture.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const N = FOLD_AFTER + 4000;

/** Message i: 0 delivered by REPORT, 1 failed by a 481, 2 delivered by the 200 (the next hop is the receiver), 3 failed by a 415 REPORT. */
function capture(): Buffer {
  const ex: Exchange[] = [];
  const back: Array<[string, string]> = [['To-Path', FROM], ['From-Path', TO]];
  const report = (i: number, status: string, tid = `rp${i}abcd`): string =>
    msrpRequest(tid, 'REPORT', [['To-Path', FROM], ['From-Path', TO], ['Message-ID', `msg-${i}`], ['Byte-Range', `1-${`hi ${i}`.length}/${`hi ${i}`.length}`], ['Status', status]]);
  for (let i = 0; i < N; i++) {
    const body = `hi ${i}`;
    const kind = i % 4;
    const sr: Array<[string, string]> = kind === 0 || kind === 3 ? [['Success-Report', 'yes']] : [];
    ex.push({ from: 'c', bytes: msrpRequest(`tx${i}abcd`, 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', `msg-${i}`], ['Byte-Range', `1-${body.length}/${body.length}`], ...sr, ['Content-Type', 'text/plain']], body) });
    ex.push({ from: 's', bytes: msrpResponse(`tx${i}abcd`, kind === 1 ? '481 Session does not exist' : '200 OK', back) });
    if (kind === 0) ex.push({ from: 's', bytes: report(i, '000 200 OK') });
    if (kind === 3) ex.push({ from: 's', bytes: report(i, '000 415 Unsupported media type') });
  }
  // Message 400 (delivered) long after it was settled: a 408 REPORT.
  ex.push({ from: 's', bytes: report(400, '000 408 Request Timeout', 'late408abcd') });
  return buildMsrpCapture(ex);
}

let dir = '';
let file = '';
const run = (...args: string[]): string => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'msrpscope'), file, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msrpscope-fold-'));
  file = join(dir, 'long.pcap');
  writeFileSync(file, capture());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('folding on the command line', () => {
  it('--ndjson and --summary count what --json counts; the late REPORT is a note in each', () => {
    const doc = JSON.parse(run('--json'));
    const json = doc.summary;
    // Every record is in the document, those written while the capture was read at their places.
    expect(doc.messages).toHaveLength(N);
    expect(doc.messages.map((m: { id: number }) => m.id)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(doc.transactions).toHaveLength(N + N / 2 + 1);
    expect(doc.transactions.map((t: { id: number }) => t.id)).toEqual(Array.from({ length: N + N / 2 + 1 }, (_, i) => i));
    expect(doc.messages[400].delivery.state).toBe('delivered');
    expect(doc.messages[401].delivery).toMatchObject({ state: 'failed', code: 481 });
    expect(doc.messages[N - 1].delivery).toMatchObject({ state: 'failed', code: 415 });
    const lines = run('--ndjson').trimEnd().split('\n');
    const last = JSON.parse(lines[lines.length - 1] as string);
    expect(last.type).toBe('summary');
    expect(last.messages).toEqual({ total: N, complete: N, aborted: 0, incomplete: 0 });
    expect(json.messages).toEqual(last.messages);
    expect(last.requests).toEqual(json.requests);
    expect(last.responses).toEqual(json.responses);
    expect(last.requests).toEqual({ SEND: N, REPORT: N / 2 + 1 });
    // Message 400 was folded before the 408 came: each output notes it.
    expect(json.delivery).toEqual({ delivered: N / 2, failed: N / 2, unknown: 0 });
    expect(last.delivery).toEqual({ delivered: N / 2, failed: N / 2, unknown: 0 });
    expect(json.diagnostics).toEqual({ 'message-after-fold': 1 });
    expect(last.diagnostics).toEqual({ 'message-after-fold': 1 });
    expect(lines.filter((l) => l.includes('"code":"message-after-fold"'))).toHaveLength(1);

    const text = run('--summary', '--no-color');
    expect(text).toContain(`Messages: ${N} (${N} complete, 0 aborted, 0 incomplete)`);
    expect(text).toMatch(/message-after-fold\s+note\s+1\s/);
    // The session's row: its messages, and those whose delivery failed (folded ones included).
    expect(text).toMatch(new RegExp(`\\s${N}\\s+[0-9.]+ kB\\s+${N / 2}\\n`));
    // The first 200 messages are rows; the rest are counted.
    expect(text).toContain(`… ${N - 200} more`);
  });

  it('--extract writes every body as the model lets it go, alone and beside --json', () => {
    const out = join(dir, 'bodies');
    expect(run('--extract', out)).toBe(`extracted ${N} files into ${out} (manifest manifest.json)\n`);
    const check = (folder: string): void => {
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { files: Array<{ message: number; file: string; sha256: string }> };
      expect(manifest.files.map((f) => f.message)).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(manifest.files[400]).toMatchObject({ file: 'msg-400.txt', sha256: createHash('sha256').update('hi 400').digest('hex') });
      expect(readdirSync(folder)).toHaveLength(N + 1);
      expect(readFileSync(join(folder, `msg-${N - 1}.txt`), 'utf8')).toBe(`hi ${N - 1}`);
    };
    check(out);
    const both = join(dir, 'both');
    const doc = JSON.parse(run('--json', '--extract', both));
    expect(doc.messages).toHaveLength(N);
    expect(doc.messages.map((m: { id: number }) => m.id)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(doc.summary.diagnostics).toEqual({ 'message-after-fold': 1 });
    check(both);
  });

  it('--ladder and --html draw the records written ahead: the ladder is the filtered one\'s but for the late REPORT', () => {
    // The capture's one session: with a filter nothing is let go, and the late 408 is applied to message 400.
    const folded = run('--ladder').split('\n');
    const held = run('--ladder', '--session', '0').split('\n');
    expect(folded).toHaveLength(49005);
    expect(held).toHaveLength(49005);
    const differ = folded.flatMap((l, i) => (l === held[i] ? [] : [i]));
    expect(differ).toEqual([0, 1403, 49003]);
    expect(folded[0]).toContain(`${N} messages (100.9 kB) · delivered ${N / 2} failed ${N / 2} unknown 0 · ${N + N / 2 + 1} requests`);
    expect(held[0]).toContain(`delivered ${N / 2 - 1} failed ${N / 2 + 1} unknown 0`);
    expect(folded[1403]).toBe('08:00:01.004 │════════>│  ▾ SEND 6 B ✓ 200 · REPORT 000 200 OK · 2.00 ms');
    expect(held[1403]).toBe('08:00:01.004 │════════>│  ▾ SEND 6 B ✓ 200 · 2 REPORTs, last 000 408 Request Timeout · 34.0 s');
    expect(folded[49003]).toBe('08:00:35.004 │<────────│    REPORT 000 408 Request Timeout 1-6/6');
    const report = join(dir, 'report.html');
    expect(run('--html', report)).toBe(`wrote report ${report} (1 session, ${N} messages)\n`);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain(`<h2>Messages (${N})</h2>`);
    // The first message's row and the last's, one read back from the spill, one held to the end.
    expect(html).toContain('"msg-0"');
    expect(html).toContain(`"msg-${N - 1}"`);
  });

  it('--csv reads the records written ahead of the kind it writes: the filtered rows but for the late REPORT', () => {
    const differ = (kind: string): number[] => {
      const folded = run('--csv', kind).split('\n');
      const held = run('--csv', kind, '--session', '0').split('\n');
      expect(folded).toHaveLength(held.length);
      return folded.flatMap((l, i) => (l === held[i] ? [] : [i]));
    };
    // Message 400 (its row after the header): delivered by its REPORT when folded, failed by the late 408 when held.
    expect(differ('messages')).toEqual([401]);
    // The late REPORT, the last transaction: not linked to its message once that was folded.
    expect(differ('transactions')).toEqual([N + N / 2 + 1]);
    expect(differ('sessions')).toEqual([]);
    const rows = run('--csv', 'messages').trimEnd().split('\n');
    expect(rows).toHaveLength(N + 1);
    expect(rows[401]).toMatch(/^400,msg-400,0,.*,delivered,200,report,/);
    expect(rows[N]).toMatch(new RegExp(`^${N - 1},msg-${N - 1},0,`));
  });

  it('-w without a filter folds messages (it reads only sessions, connections and SIP dialogs) and writes every frame', () => {
    const out = join(dir, 'all.pcapng');
    expect(run('-w', out)).toBe(`wrote ${2 * N + N / 2 + 1 + 6} frames of 1 connection to ${out}\n`);
    const held = join(dir, 'session.pcapng');
    run('--session', '0', '-w', held);
    expect(readFileSync(out).equals(readFileSync(held))).toBe(true);
  });

  it('a filtered --json reads every record: nothing is folded and the late REPORT is applied', () => {
    const doc = JSON.parse(run('--json', '--session', '0'));
    expect(doc.messages).toHaveLength(N);
    expect(doc.messages[400].delivery).toMatchObject({ state: 'failed', code: 408 });
    expect(doc.diagnostics.filter((d: { code: string }) => d.code === 'message-after-fold')).toHaveLength(0);
  });

  it('a filtered summary reads every record: nothing is folded and the late REPORT is applied', () => {
    const text = run('--summary', '--no-color', '--delivery', 'failed');
    expect(text).not.toContain('message-after-fold');
    // The failed ones: a quarter by the 481, a quarter by the 415 REPORT, and message 400 by the late 408.
    expect(text).toContain(`Messages: ${N / 2 + 1} (${N / 2 + 1} complete, 0 aborted, 0 incomplete)`);
  });
});
