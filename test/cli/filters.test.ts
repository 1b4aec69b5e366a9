/**
 * The message-level filters on the command line (--state, --delivery), run through bin/msrpscope (the build),
 * with exact counts; the README's filter section and the --help text made from the one filter table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FILTER_TERMS, filtersMarkdown } from '../../src/export/filter-terms.js';
import { section } from '../../scripts/markers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'msrpscope');
const CHAT = join(ROOT, 'samples', 'chat.pcap');
const RELAY = join(ROOT, '..', 'shared', 'corpus', 'relay_abort_fail.pcap');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 << 20, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Doc {
  summary: {
    requests: Record<string, number>;
    responses: Record<string, number>;
    messages: { total: number; complete: number; aborted: number; incomplete: number };
    sessions: number;
    transactions: { total: number };
    delivery: { delivered: number; failed: number; unknown: number };
    auth: number;
  };
  connections: Array<{ id: number }>;
  sessions: Array<{ id: number }>;
  messages: Array<{ messageId: string; state: string; delivery: { state: string } }>;
  transactions: Array<{ id: number; method: string | null }>;
  auth: unknown[];
}

function json(args: string[]): Doc {
  const r = run([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Doc;
}

function ndjson(args: string[]): Array<{ type: string; messageId?: string; state?: string }> {
  const r = run([...args, '--ndjson']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; messageId?: string; state?: string });
}

describe('filter table', () => {
  it('is the README filter section (node scripts/filters-table.mjs --write)', () => {
    const table = section(README, 'filters');
    expect(table).toBeDefined();
    expect(table).toBe(filtersMarkdown());
  });

  it('gives --help every command-line filter option with its values', () => {
    const help = run(['--help']).stdout.replace(/\s+/g, ' ');
    const options = FILTER_TERMS.filter((t) => t.cli !== null).map((t) => t.cli);
    expect(options).toEqual(['--method <method>', '--state <list>', '--delivery <list>', '--session <id>', '--message <id>', '--address <ip[:port]>', '--connection <n>']);
    for (const o of options) expect(help).toContain(o as string);
    expect(help).toContain('--state <list> only messages in this state, their transactions and sessions (aborted, incomplete, complete; comma separated)');
    expect(help).toContain('--delivery <list> only messages of this delivery outcome, their transactions and sessions (delivered, failed, unknown; comma separated)');
  });
});

describe('--state and --delivery on samples/chat.pcap (4 complete messages, all delivered)', () => {
  it('keeps every message for complete / delivered and nothing for aborted / failed', () => {
    const complete = json([CHAT, '--state', 'complete']);
    expect(complete.messages.map((m) => m.messageId)).toEqual(['m-hello-0001', 'm-reply-0002', 'm-cpim-0003', 'm-file-0004']);
    expect(complete.summary.requests).toEqual({ SEND: 6, REPORT: 2 });
    expect(complete.sessions.map((s) => s.id)).toEqual([0]);
    for (const args of [['--state', 'aborted'], ['--state', 'incomplete'], ['--delivery', 'failed'], ['--state', 'complete', '--delivery', 'unknown']]) {
      const d = json([CHAT, ...args]);
      expect([d.messages.length, d.sessions.length, d.transactions.length, d.connections.length, d.summary.messages.total], args.join(' ')).toEqual([0, 0, 0, 0, 0]);
    }
    expect(json([CHAT, '--delivery', 'delivered,failed']).summary.delivery).toEqual({ delivered: 4, failed: 0, unknown: 0 });
  });

  it('refuses values the table does not have (exit 1)', () => {
    const bad = run([CHAT, '--json', '--state', 'aborted,gone']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('msrpscope: invalid --state "gone" (expected aborted, incomplete, complete; comma separated)\n');
    const active = run([CHAT, '--json', '--state', 'active']);
    expect(active.code).toBe(1);
    expect(run([CHAT, '--json', '--delivery', 'lost']).stderr).toBe('msrpscope: invalid --delivery "lost" (expected delivered, failed, unknown; comma separated)\n');
  });
});

describe.skipIf(!existsSync(RELAY))('--state and --delivery on relay_abort_fail.pcap', () => {
  it('--state aborted keeps only the aborted image, its 12 chunk transactions and its session (JSON)', () => {
    const d = json([RELAY, '--state', 'aborted']);
    expect(d.messages.map((m) => [m.messageId, m.state])).toEqual([['obcyQL5omCx5Vh', 'aborted']]);
    expect(d.sessions.map((s) => s.id)).toEqual([0]);
    expect(d.transactions.map((t) => t.id)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(d.connections.map((c) => c.id)).toEqual([0, 2, 3]);
    expect(d.auth).toEqual([]);
    expect(d.summary.messages).toEqual({ total: 1, complete: 0, aborted: 1, incomplete: 0 });
    expect(d.summary.requests).toEqual({ SEND: 12 });
    expect(d.summary.responses).toEqual({ '200': 12 });
    expect(d.summary.transactions.total).toBe(12);
    expect(d.summary.delivery).toEqual({ delivered: 0, failed: 0, unknown: 1 });
    expect([d.summary.sessions, d.summary.auth]).toEqual([1, 0]);
  });

  it('--delivery failed keeps the three failed messages and their sessions (JSON)', () => {
    const d = json([RELAY, '--delivery', 'failed']);
    expect(d.messages.map((m) => [m.messageId, m.delivery.state])).toEqual([
      ['NyV4Y0HKlE5pOM', 'failed'],
      ['n7dcsbIRNihSRr', 'failed'],
      ['KQM8QYjyYLAlUv', 'failed'],
    ]);
    expect(d.sessions.map((s) => s.id)).toEqual([0, 1]);
    expect(d.summary.requests).toEqual({ SEND: 6 });
    expect(d.summary.responses).toEqual({ '200': 3, '415': 1, '481': 2 });
    expect(d.summary.delivery).toEqual({ delivered: 0, failed: 3, unknown: 0 });
    const both = json([RELAY, '--state', 'complete', '--delivery', 'delivered']);
    expect(both.messages.map((m) => m.messageId)).toEqual(['vTqtsdheBEI3pQ']);
    expect(both.summary.requests).toEqual({ SEND: 3, REPORT: 3 });
  });

  it('--state aborted in the text summary', () => {
    const r = run([RELAY, '--summary', '--state', 'aborted']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Messages: 1 (0 complete, 1 aborted, 0 incomplete)\n');
    expect(r.stdout).toContain('Requests: SEND 12\n');
    expect(r.stdout).toMatch(/\n {2}0 {2}obcyQL5omCx5Vh {2}image\/jpeg {2}60\.0 kB {7}4 {5}3 {2}aborted {2}\?/);
    for (const other of ['NyV4Y0HKlE5pOM', 'n7dcsbIRNihSRr', 'KQM8QYjyYLAlUv', 'vTqtsdheBEI3pQ', 'AUTH', 'NICKNAME']) expect(r.stdout).not.toContain(other);
  });

  it('--state and --delivery in NDJSON select message and delivery records', () => {
    const aborted = ndjson([RELAY, '--state', 'aborted']);
    expect(aborted.filter((x) => x.type === 'message').map((x) => x.messageId)).toEqual(['obcyQL5omCx5Vh']);
    expect(aborted.filter((x) => x.type === 'delivery')).toEqual([]);
    expect(aborted.at(-1)?.type).toBe('summary');
    const complete = ndjson([RELAY, '--state', 'complete']);
    expect(complete.filter((x) => x.type === 'message').map((x) => x.messageId)).toEqual(['NyV4Y0HKlE5pOM', 'n7dcsbIRNihSRr', 'KQM8QYjyYLAlUv', 'vTqtsdheBEI3pQ']);
    expect(complete.filter((x) => x.type === 'delivery').map((x) => `${x.messageId ?? ''} ${x.state ?? ''}`)).toEqual([
      'NyV4Y0HKlE5pOM failed',
      'n7dcsbIRNihSRr failed',
      'KQM8QYjyYLAlUv failed',
      'vTqtsdheBEI3pQ delivered',
    ]);
    const failed = ndjson([RELAY, '--delivery', 'failed']);
    expect(failed.filter((x) => x.type === 'delivery').map((x) => x.messageId)).toEqual(['NyV4Y0HKlE5pOM', 'n7dcsbIRNihSRr', 'KQM8QYjyYLAlUv']);
    // Each message is written before its outcome is known: none of them is "failed" yet.
    expect(failed.filter((x) => x.type === 'message')).toEqual([]);
  });
});

describe('--session', () => {
  it('a number is the session index only, not every URI holding that digit; a word is part of a URI or session-id', () => {
    expect(json([CHAT, '--session', '0']).sessions.map((s) => s.id)).toEqual([0]);
    // Both URIs of session 0 hold a 2 (port 2855): before, --session 2 kept it.
    expect(json([CHAT, '--session', '2']).sessions.map((s) => s.id)).toEqual([]);
    expect(json([CHAT, '--session', 'b0bS3ss']).sessions.map((s) => s.id)).toEqual([0]);
    expect(json([CHAT, '--session', 'a1iceS3ss']).sessions.map((s) => s.id)).toEqual([0]);
  });
});
