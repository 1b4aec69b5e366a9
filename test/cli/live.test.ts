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

const CAN_CAPTURE = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v tcpdump']).status === 0;

describe.skipIf(!CAN_CAPTURE)('msrpscope live on loopback (root with tcpdump)', () => {
  it('captures real MSRP over a loopback socket and prints the results when --duration ends', async () => {
    const net = await import('node:net');
    const server = net.createServer((sock) => {
      sock.on('data', () => sock.write('MSRP a1b2c3d4 200 OK\r\nTo-Path: msrp://127.0.0.1:40999/c1;tcp\r\nFrom-Path: msrp://127.0.0.1:40998/s1;tcp\r\n-------a1b2c3d4$\r\n'));
    });
    await new Promise<void>((r) => server.listen(40998, '127.0.0.1', r));
    const child = spawn(process.execPath, [BIN, 'live', '-i', 'lo', '-f', 'tcp port 40998', '--duration', '4', '--json'], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    const sock = net.connect(40998, '127.0.0.1');
    await new Promise<void>((r) => sock.on('connect', r));
    sock.write('MSRP a1b2c3d4 SEND\r\nTo-Path: msrp://127.0.0.1:40998/s1;tcp\r\nFrom-Path: msrp://127.0.0.1:40999/c1;tcp\r\nMessage-ID: live-1\r\nByte-Range: 1-2/2\r\nContent-Type: text/plain\r\n\r\nhi\r\n-------a1b2c3d4$\r\n');
    await new Promise((r) => setTimeout(r, 300));
    sock.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    server.close();
    expect(err).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { capture: { files: string[] }; summary: { requests: Record<string, number>; responses: Record<string, number> } };
    expect(doc.capture.files).toEqual(['live:lo']);
    expect(doc.summary.requests).toEqual({ SEND: 1 });
    expect(doc.summary.responses).toEqual({ '200': 1 });
  }, 20_000);
});
