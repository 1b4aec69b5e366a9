import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAllRecords } from '../../src/capture/reader.js';
import { writePcap } from '../../src/capture/writer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'msrpscope');
const CHAT = join(ROOT, 'samples', 'chat.pcap');
const CHAT_NG = join(ROOT, 'samples', 'chat.pcapng');

function run(args: string[], input?: Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

interface Doc {
  schema: string;
  capture: { files: string[]; format: string; packets: number; linkTypes: string[]; truncated: boolean };
  connections: unknown[];
  summary: { requests: Record<string, number>; responses: Record<string, number>; messages: { total: number; complete: number } };
}

describe('msrpscope command line', () => {
  it('prints the text summary by default when stdout is not a terminal', () => {
    const r = run([CHAT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('47 packets');
    expect(r.stdout).toMatch(/Requests: REPORT 2, SEND 6\n/);
    expect(r.stdout).toMatch(/Messages: 4 \(4 complete, 0 aborted, 0 incomplete\)/);
    expect(r.stdout).toMatch(/m-file-0004\s+application\/octet-stream\s+10\.0 kB\s+3/);
    expect(r.stderr).toBe('');
  });

  it('writes the JSON document with the contract keys', () => {
    const r = run([CHAT_NG, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.schema).toBe('msrpscope/1');
    expect(doc.capture.format).toBe('pcapng');
    expect(doc.capture.packets).toBe(47);
    expect(doc.capture.linkTypes).toEqual(['EN10MB']);
    expect(doc.summary.requests).toEqual({ SEND: 6, REPORT: 2 });
    expect(doc.summary.responses).toEqual({ '200': 6 });
    expect(doc.summary.messages.complete).toBe(4);
  });

  it('writes JSON to a file with --json FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-e2e-'));
    const out = join(dir, 'out.json');
    const r = run([CHAT, '--json', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as Doc).capture.packets).toBe(47);
  });

  it('reads several files in order as one capture, like rotated tcpdump -G files (and -r as an alias)', async () => {
    const { records } = await readAllRecords(CHAT);
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-e2e-'));
    const parts = [records.slice(0, 20), records.slice(20)].map((recs, i) => {
      const file = join(dir, `part${i}.pcap`);
      writeFileSync(file, writePcap(recs, { linkType: 1 }));
      return file;
    });
    const r = run(['-r', parts[0] ?? '', parts[1] ?? '', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.capture.files).toEqual(parts);
    expect(doc.capture.packets).toBe(47);
    expect(doc.summary.requests).toEqual({ SEND: 6, REPORT: 2 });
    expect(doc.summary.messages.complete).toBe(4);
    expect(doc.connections).toHaveLength(1);
  });

  it('reads a capture from standard input with -', () => {
    const r = run(['-', '--json'], readFileSync(CHAT));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.capture.files).toEqual(['-']);
    expect(doc.summary.requests['REPORT']).toBe(2);
  });

  it('writes NDJSON: one record per line, summary last', () => {
    const r = run([CHAT, '--ndjson']);
    expect(r.code).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; method?: string });
    expect(recs.filter((x) => x.type === 'request').map((x) => x.method)).toEqual(['SEND', 'REPORT', 'SEND', 'SEND', 'SEND', 'SEND', 'SEND', 'REPORT']);
    expect(recs.filter((x) => x.type === 'connection').length).toBeGreaterThanOrEqual(1);
    expect(recs[recs.length - 1]?.type).toBe('summary');
  });

  it('applies --method, --message and --address in every output mode', () => {
    const bySend = JSON.parse(run([CHAT, '--json', '--method', 'send']).stdout) as Doc;
    expect(bySend.summary.requests).toEqual({ SEND: 6 });
    const byMsg = JSON.parse(run([CHAT, '--json', '--message', 'm-file-0004']).stdout) as Doc & { messages: Array<{ messageId: string; chunks: number }> };
    expect(byMsg.messages.map((m) => [m.messageId, m.chunks])).toEqual([['m-file-0004', 3]]);
    expect(byMsg.summary.requests).toEqual({ SEND: 3, REPORT: 1 });
    const none = JSON.parse(run([CHAT, '--json', '--address', '203.0.113.9']).stdout) as Doc;
    expect(none.connections).toHaveLength(0);
    expect(none.summary.messages.total).toBe(0);
    const both = JSON.parse(run([CHAT, '--json', '--address', '198.51.100.20:2855']).stdout) as Doc;
    expect(both.connections).toHaveLength(1);
    const text = run([CHAT, '--summary', '--message', 'm-hello-0001']).stdout;
    expect(text).toContain('m-hello-0001');
    expect(text).not.toContain('m-file-0004');
    const nd = run([CHAT, '--ndjson', '--method', 'REPORT']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; method?: string });
    expect(nd.filter((x) => x.type === 'request').map((x) => x.method)).toEqual(['REPORT', 'REPORT']);
    expect(run([CHAT, '--json', '--address', 'not-an-ip']).code).toBe(1);
  });

  it('reads Linux cooked v2 and pcapng samples to the same analysis', () => {
    const a = JSON.parse(run([CHAT, '--json']).stdout) as Doc;
    for (const f of ['chat.pcapng', 'chat-sll2.pcap']) {
      const b = JSON.parse(run([join(ROOT, 'samples', f), '--json']).stdout) as Doc;
      expect(b.summary).toEqual(a.summary);
    }
  });

  it('exits 2 with one line for a missing file', () => {
    const r = run(['/nonexistent/x.pcap']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no such file/);
  });

  it('exits 2 with one line for a file that is not a capture', () => {
    const r = run([join(ROOT, 'package.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('msrpscope: not a pcap or pcapng capture');
  });

  it('exits 1 for a usage error', () => {
    expect(run([]).code).toBe(1);
    const r = run([CHAT, '--no-such-option']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option/);
    expect(run([CHAT, '--port', 'x']).code).toBe(1);
  });

  it('exits 3 and still prints results for a capture cut short', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-e2e-'));
    const cut = join(dir, 'cut.pcap');
    const whole = readFileSync(CHAT);
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    const r = run([cut, '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.capture.truncated).toBe(true);
    expect(doc.capture.packets).toBe(46);
    expect(r.stderr).toMatch(/capture cut short after frame 46/);
  });

  it('--help shows usage with examples; --version the version', () => {
    const h = run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Usage: msrpscope/);
    expect(h.stdout).toMatch(/--json \[file\]/);
    expect(h.stdout).toMatch(/Examples:/);
    const v = run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('ends quietly with 0 when stdout closes early (| head)', async () => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" "${CHAT}" "${CHAT}" "${CHAT}" --json | head -c 100 >/dev/null; echo "rc=\${PIPESTATUS:-}"`], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(err).toBe('');
  });
});
