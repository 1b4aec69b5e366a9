import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureCommand } from '../../src/cli/live.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'msrpscope');
const CHAT = join(ROOT, 'samples', 'chat.pcap');

describe('reading a live pipe', () => {
  it('writes NDJSON records before the writer closes the pipe', async () => {
    const whole = readFileSync(CHAT);
    const child = spawn(process.execPath, [BIN, '-', '--ndjson'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
    });
    // The first ~60% of the file: the SIP call and the first MSRP transactions.
    const cut = Math.floor(whole.length * 0.6);
    child.stdin.write(whole.subarray(0, cut));
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.includes('"type":"request"')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const early = lines.length;
    expect(lines.some((l) => (JSON.parse(l) as { type: string }).type === 'request')).toBe(true);
    expect(lines.some((l) => (JSON.parse(l) as { type: string }).type === 'summary')).toBe(false);
    child.stdin.end(whole.subarray(cut));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (buf) lines.push(buf);
    expect(code).toBe(0);
    expect(lines.length).toBeGreaterThan(early);
    const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types[types.length - 1]).toBe('summary');
    expect(types.filter((t) => t === 'request')).toHaveLength(8);
    expect(types.filter((t) => t === 'response')).toHaveLength(6);
  });
});

describe('msrpscope live', () => {
  it('says in one line that tcpdump is missing (exit 2)', () => {
    const r = spawnSync(process.execPath, [BIN, 'live', '-i', 'lo', '--json'], {
      cwd: ROOT,
      env: { ...process.env, PATH: '/nonexistent' },
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    const err = r.stderr.toString();
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/tcpdump not found/);
  });

  it('builds the tcpdump / dumpcap command line', () => {
    expect(captureCommand({ iface: 'eth0', filter: 'tcp port 2855' }, () => false)).toEqual({
      cmd: 'tcpdump',
      args: ['-U', '-w', '-', '-i', 'eth0', 'tcp port 2855'],
    });
    expect(captureCommand({ iface: 'any' }, (c) => c === 'dumpcap')).toEqual({ cmd: 'dumpcap', args: ['-q', '-i', 'any', '-w', '-'] });
  });

  it('requires an interface', () => {
    const r = spawnSync(process.execPath, [BIN, 'live'], { cwd: ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/required option '-i, --interface <iface>'/);
  });
});
