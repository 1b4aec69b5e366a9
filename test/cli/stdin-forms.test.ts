/**
 * `msrpscope -` with standard input in each of its forms: a socket (a parent process's pipe), a pipe a shell makes,
 * a regular file (`- < file`), gzip'd through a pipe. Each gives the JSON of the file read by its path (but for the
 * file's name). The first Ctrl-C while the writer still holds the pipe open ends the input: what was read is
 * written, exit 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'msrpscope');
const SAMPLES = ['chat.pcap', 'chat.pcapng', 'chat-sll2.pcap'].map((f) => join(ROOT, 'samples', f));
const HAVE_SH = spawnSync('sh', ['-c', 'command -v gzip'], { encoding: 'utf8' }).status === 0;
const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The JSON document with the capture's name left out (it is '-' from standard input), and whether it was gzip'd. */
function jsonOf(stdout: Buffer, compressed = false): unknown {
  const doc = JSON.parse(stdout.toString('utf8')) as { capture: { files: string[]; compressed: boolean } };
  expect(doc.capture.compressed).toBe(compressed);
  doc.capture.files = [];
  doc.capture.compressed = false;
  return doc;
}

function byPath(file: string): unknown {
  const r = spawnSync(process.execPath, [BIN, file, '--json'], { cwd: ROOT, maxBuffer: 64 << 20 });
  expect(r.status).toBe(0);
  return jsonOf(r.stdout);
}

describe('standard input as the capture', () => {
  for (const file of SAMPLES) {
    const name = file.split('/').pop() as string;

    it(`${name}: from a parent's pipe (a socket) as by its path`, () => {
      const r = spawnSync(process.execPath, [BIN, '-', '--json'], { cwd: ROOT, input: readFileSync(file), maxBuffer: 64 << 20 });
      expect(r.stderr.toString()).toBe('');
      expect(r.status).toBe(0);
      expect(jsonOf(r.stdout)).toEqual(byPath(file));
    });

    it(`${name}: redirected from the file (a regular file) as by its path`, () => {
      const fd = openSync(file, 'r');
      try {
        const r = spawnSync(process.execPath, [BIN, '-', '--json'], { cwd: ROOT, stdio: [fd, 'pipe', 'pipe'], maxBuffer: 64 << 20 });
        expect(r.status).toBe(0);
        expect(jsonOf(r.stdout)).toEqual(byPath(file));
      } finally {
        closeSync(fd);
      }
    });

    it.skipIf(!HAVE_SH)(`${name}: through a shell's pipe, plain and gzip'd, as by its path`, () => {
      for (const [cmd, compressed] of [[`cat ${quote(file)}`, false], [`gzip -c ${quote(file)}`, true]] as const) {
        const r = spawnSync('sh', ['-c', `${cmd} | ${quote(process.execPath)} ${quote(BIN)} - --json`], { cwd: ROOT, maxBuffer: 64 << 20 });
        expect(r.stderr.toString()).toBe('');
        expect(r.status).toBe(0);
        expect(jsonOf(r.stdout, compressed)).toEqual(byPath(file));
      }
    });
  }

  it.skipIf(!HAVE_MKFIFO)('the first Ctrl-C ends the input while its writer still holds it open: the summary of what was read, exit 0', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'msrpscope-stdin-')), 'capture');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Opened for reading and writing (an open that does not wait for a writer); the capture fits the pipe's buffer,
    // and the descriptor the child inherits writes too: its input never ends by itself.
    const fd = openSync(fifo, 'r+');
    writeSync(fd, readFileSync(SAMPLES[0] as string));
    const child = spawn(process.execPath, [BIN, '-', '--summary'], { cwd: ROOT, stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    // Time to start and read what was written; then Ctrl-C.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still running'), 10_000))]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('47 packets');
    expect(out).toContain('Requests: REPORT 2, SEND 6');
  }, 30_000);
});
