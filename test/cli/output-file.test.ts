import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTarget, OutputFile } from '../../src/cli/output-file.js';
import { CliError } from '../../src/cli/errors.js';

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'msrpscope-outfile-'));
}

function errorOf(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('OutputFile', () => {
  it('writes under a temporary name and renames on commit', () => {
    const d = dir();
    const target = path.join(d, 'out.txt');
    const f = OutputFile.open(target, { force: false });
    f.write('héllo ');
    f.write(Buffer.from([0x41, 0x42]));
    expect(readdirSync(d)).toHaveLength(1);
    expect(readdirSync(d)[0]).not.toBe('out.txt');
    f.commit();
    expect(readdirSync(d)).toEqual(['out.txt']);
    expect(readFileSync(target, 'utf8')).toBe('héllo AB');
  });

  it('leaves nothing behind on abort, and the old target untouched', () => {
    const d = dir();
    const target = path.join(d, 'keep.txt');
    writeFileSync(target, 'old');
    const f = OutputFile.open(target, { force: true });
    f.write('new');
    f.abort();
    expect(readdirSync(d)).toEqual(['keep.txt']);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('refuses an existing file without --force and replaces it with --force', () => {
    const d = dir();
    const target = path.join(d, 'x.csv');
    writeFileSync(target, 'old');
    const e = errorOf(() => OutputFile.open(target, { force: false }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`cannot write ${target}: it exists (use --force to overwrite)`);
    const f = OutputFile.open(target, { force: true });
    f.write('new');
    f.commit();
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('gives one line and exit 2 for a directory, a missing folder, an unwritable folder', () => {
    const d = dir();
    expect(errorOf(() => checkTarget(d, { force: true })).message).toBe(`cannot write ${d}: it is a directory`);
    const missing = path.join(d, 'no', 'such.pcapng');
    const e = errorOf(() => OutputFile.open(missing, { force: false }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`cannot write ${missing}: no such directory`);
    const ro = path.join(d, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    // root may write anywhere: then the check cannot be made here.
    if (process.getuid?.() !== 0) {
      expect(errorOf(() => OutputFile.open(path.join(ro, 'f.html'), { force: false })).message).toBe(`cannot write ${path.join(ro, 'f.html')}: permission denied`);
    }
    chmodSync(ro, 0o700);
  });

  it('reports a full disk at commit and removes the partial file', () => {
    const d = dir();
    const target = path.join(d, 'full.bin');
    const f = OutputFile.open(target, { force: false });
    // Stand-in for ENOSPC: the first flush fails as a full disk would.
    (f as unknown as { error: unknown }).error = Object.assign(new Error('nospace'), { code: 'ENOSPC' });
    f.write('x');
    const e = errorOf(() => f.commit());
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`cannot write ${target}: no space left on device`);
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('--json FILE (a stream, replaced without asking)', () => {
  const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const BIN = path.join(ROOT, 'bin', 'msrpscope');
  const CHAT = path.join(ROOT, 'samples', 'chat.pcap');
  const run = (target: string): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [BIN, CHAT, '--json', target], { encoding: 'utf8' });

  it('refuses a directory and a missing folder before reading, in one line, exit 2', () => {
    const d = dir();
    for (const [target, why] of [
      [d, 'it is a directory'],
      [path.join(d, 'no', 'such.json'), 'no such directory'],
    ] as const) {
      const r = run(target);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`msrpscope: cannot write ${target}: ${why}\n`);
      expect(r.stdout).toBe('');
    }
  });

  it('a write that fails (a full disk) is one line and exit 2, not a stack trace', () => {
    const r = run('/dev/full');
    expect(r.stderr).toBe('msrpscope: cannot write /dev/full: no space left on device\n');
    expect(r.status).toBe(2);
  });

  it('standard output on a full disk (> /dev/full) is one line and exit 2, for every streamed output', () => {
    for (const mode of ['--json', '--ndjson', '--summary']) {
      const full = openSync('/dev/full', 'w');
      const r = spawnSync(process.execPath, [BIN, CHAT, mode], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
      closeSync(full);
      expect(r.stderr).toBe('msrpscope: cannot write standard output: no space left on device\n');
      expect(r.status).toBe(2);
    }
  });

  it('replaces a file that exists, with the document', () => {
    const target = path.join(dir(), 'out.json');
    writeFileSync(target, 'old');
    expect(run(target).status).toBe(0);
    expect((JSON.parse(readFileSync(target, 'utf8')) as { summary: { requests: Record<string, number> } }).summary.requests).toEqual({ REPORT: 2, SEND: 6 });
  });
});
