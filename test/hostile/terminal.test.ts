import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIL, hostileCapture } from './terminal-capture.js';

// Terminal safety of every non-TUI output: no byte of a capture (or of a file name or option value) may reach
// stdout or stderr as a raw control: C0 (except LF), DEL, C1 (U+0080-U+009F, and raw bytes 0x80-0x9f, which
// would make the output invalid UTF-8), bidi overrides / isolates / marks. The CLI runs from dist/ (npm test
// builds first, as the CLI tests do).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'msrpscope');

function run(args: string[]): { code: number | null; stdout: Buffer; stderr: Buffer } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Unsafe code points in `b` as "U+XXXX xN", or ['invalid UTF-8']. */
function unsafe(b: Buffer): string[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return ['invalid UTF-8'];
  }
  const found = new Map<string, number>();
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const bad =
      (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || c === 0x061c || (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff;
    if (bad) {
      const k = `U+${c.toString(16).padStart(4, '0')}`;
      found.set(k, (found.get(k) ?? 0) + 1);
    }
  }
  return [...found].map(([k, n]) => `${k} x${n}`);
}

function expectSafe(r: { stdout: Buffer; stderr: Buffer }): void {
  expect(unsafe(r.stdout), 'stdout').toEqual([]);
  expect(unsafe(r.stderr), 'stderr').toEqual([]);
}

let dir = '';
let capture = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msrpscope-hostile-'));
  capture = join(dir, 'hostile.pcap');
  writeFileSync(capture, hostileCapture());
});

describe('terminal safety: a capture full of ESC, CSI, OSC, BEL, C1 and bidi controls', () => {
  it('the unsafe text does reach the outputs (escaped): the checks below are not vacuous', () => {
    const r = run([capture, '--summary']);
    expect(r.code).toBe(0);
    const out = r.stdout.toString('utf8');
    expect(out).toContain('m1-\\x1b[31mRED\\x1b[2J\\x1b]0;pwned\\x07\\x07\\x9b6n');
    expect(out).toContain('call-\\x1b[31mRED');
    expect(out).toMatch(/\\u202eevil\\u2066\\u2067\\u2068\\u2069/);
    // And the raw text is in the data: JSON keeps it (as data) for programs.
    const doc = JSON.parse(run([capture, '--json']).stdout.toString('utf8')) as { messages: Array<{ messageId: string }> };
    expect(doc.messages.map((m) => m.messageId)).toContain(`m1-${EVIL}`);
  });

  it('--summary', () => {
    const r = run([capture, '--summary', '--no-color']);
    expect(r.code).toBe(0);
    expectSafe(r);
  });

  it('default mode (stdout not a terminal: the summary)', () => {
    const r = run([capture]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(1000);
    expectSafe(r);
  });

  it('--summary with filters (session and method)', () => {
    const r = run([capture, '--summary', '--method', 'SEND', '--session', '0']);
    expect(r.code).toBe(0);
    expectSafe(r);
  });

  // JSON.stringify escapes C0 but leaves DEL, C1, U+200F, U+202E and U+2066-U+2069 raw: the writers escape
  // them as \u0085, \u202e ... (still valid JSON, same data after parsing).
  it('--json escapes C1, DEL and bidi controls', () => {
    const r = run([capture, '--json']);
    expect(r.code).toBe(0);
    expectSafe(r);
  });

  // Standard output as a file is written by another path (the text encoded once into a reused buffer and checked
  // there; NDJSON a batch of lines at a time) than a pipe (the pooled writer): both give the same escaped bytes.
  it.each(['--json', '--ndjson'])('%s into a file (standard output redirected) escapes them too, the same bytes as into a pipe', (mode) => {
    const out = join(dir, `out${mode}`);
    const fd = openSync(out, 'w');
    const r = spawnSync(process.execPath, [BIN, capture, mode], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(r.status).toBe(0);
    const bytes = readFileSync(out);
    expect(unsafe(bytes)).toEqual([]);
    expect(bytes.toString('utf8')).toContain('\\u202eevil');
    expect(bytes.equals(run([capture, mode]).stdout)).toBe(true);
  });

  it('--ndjson escapes C1, DEL and bidi controls', () => {
    const r = run([capture, '--ndjson']);
    expect(r.code).toBe(0);
    expectSafe(r);
  });

  it('--json and --ndjson: no raw C0 control (JSON escapes those), valid UTF-8, data intact', () => {
    for (const mode of ['--json', '--ndjson']) {
      const r = run([capture, mode]);
      expect(r.code).toBe(0);
      const c0 = unsafe(r.stdout).filter((u) => u === 'invalid UTF-8' || (u < 'U+0020' && u !== 'U+000a'));
      expect(c0, mode).toEqual([]);
      expect(unsafe(r.stderr)).toEqual([]);
    }
  });
});

describe('terminal safety of error messages', () => {
  it('a file name with controls that does not exist', () => {
    const r = run([join(dir, '\x1b[31mno\x07such\u202e\u009b.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr.toString('utf8')).toContain('\\x1b[31mno\\x07such\\u202e');
    expectSafe(r);
  });

  it('a file with controls in its name that is not a capture', () => {
    const name = join(dir, 'not\x1b]0;x\x07a capture\u202e');
    writeFileSync(name, 'hello, not a capture');
    const r = run([name]);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
    expectSafe(r);
  });

  it('option values with controls (--port, --method, --address)', () => {
    for (const args of [['--port', '\x1b[31m\u202e'], ['--method', '\x1b[2J'], ['--address', '\x1b]0;x\x07']]) {
      const r = run([capture, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.length).toBeGreaterThan(0);
      expectSafe(r);
    }
  });

  // Commander quotes the option as typed; its output hook escapes it.
  it('an unknown option with controls', () => {
    const r = run(['--\x1b[31mevil\u202e']);
    expect(r.code).toBe(1);
    expect(r.stderr.toString('utf8')).toContain("unknown option '--\\x1b[31mevil\\u202e'");
    expectSafe(r);
  });
});
