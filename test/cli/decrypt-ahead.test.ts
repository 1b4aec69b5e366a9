/**
 * TLS records opened ahead by a worker (src/cli/decrypt-ahead.ts), through the command line: the outputs are
 * byte-identical to those of records opened in place, the worker did open the records (MSRPSCOPE_TIMING's count),
 * and a worker is started only where it should be. MSRPSCOPE_DECRYPT_AHEAD=1 starts one for a small capture.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, HAVE_TLS_CORPUS, ROOT, SAMPLES_TLS, TLS_CORPUS } from '../transport/tls-decrypt-helpers.js';

interface Run {
  status: number | null;
  stdout: string;
  /** "N records opened by the worker, M here", or undefined when no worker was started. */
  ahead: string | undefined;
}

function run(args: string[], env: Record<string, string>, entry: string[] = [BIN]): Run {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, MSRPSCOPE_TIMING: '1', ...env },
  });
  const ahead = /decrypt-ahead: (.*)\n/.exec(r.stderr)?.[1];
  return { status: r.status, stdout: r.stdout, ahead };
}

const SAMPLE = path.join(SAMPLES_TLS, 'sip_tls_msrps.pcap');
const SAMPLE_KEYS = path.join(SAMPLES_TLS, 'sip_tls_msrps.keys.txt');

describe('decrypt-ahead', () => {
  it('gives the same JSON as records opened in place, every record opened by the worker (also with poisoned reuse)', () => {
    const args = [SAMPLE, '--keylog', SAMPLE_KEYS, '--json'];
    const here = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '0' });
    expect(here.status).toBe(0);
    expect(here.ahead).toBeUndefined();
    expect(here.stdout).toContain('"method": "SEND"');
    const ahead = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '1' });
    expect(ahead.ahead).toBe('23 records opened by the worker, 0 here');
    expect(ahead.stdout).toBe(here.stdout);
    // Ring memory filled with 0xEE when released, reads of 333 bytes: a stage keeping plaintext past its batch shows.
    const poisoned = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '1', MSRPSCOPE_READ_CHECK: '333' });
    expect(poisoned.ahead).toBe('23 records opened by the worker, 0 here');
    expect(poisoned.stdout).toBe(here.stdout);
  });

  it('starts no worker from dist/ (msrpscope without its bundle): the records are opened in place', () => {
    const entry = ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(ROOT, 'dist/cli/main.js'))}); await m.main(['node', 'msrpscope', ...process.argv.slice(1)]);`];
    const args = [SAMPLE, '--keylog', SAMPLE_KEYS, '--summary'];
    const here = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '0' });
    const modules = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '1' }, entry);
    expect(modules.status).toBe(0);
    expect(modules.ahead).toBeUndefined();
    expect(modules.stdout).toBe(here.stdout);
    expect(here.stdout).toMatch(/Requests: .*SEND/);
  });

  it('starts no worker for a small capture, without a key log, or for standard input', () => {
    expect(run([SAMPLE, '--keylog', SAMPLE_KEYS, '--summary'], {}).ahead).toBeUndefined();
    expect(run([SAMPLE, '--summary'], { MSRPSCOPE_DECRYPT_AHEAD: '1' }).ahead).toBeUndefined();
    const r = spawnSync(process.execPath, [BIN, '-', '--keylog', SAMPLE_KEYS, '--summary'], {
      cwd: ROOT,
      encoding: 'utf8',
      input: readFileSync(SAMPLE),
      env: { ...process.env, MSRPSCOPE_TIMING: '1', MSRPSCOPE_DECRYPT_AHEAD: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Requests: .*SEND/);
    expect(r.stderr).not.toContain('decrypt-ahead');
  });

  it.skipIf(!HAVE_TLS_CORPUS)('starts at the first pcapng Decryption Secrets Block (the worker reads the block too)', () => {
    const args = [path.join(TLS_CORPUS, 'tls12_gcm_dsb.pcapng'), '--json'];
    const here = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '0' });
    const ahead = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '1' });
    expect(ahead.ahead).toBe('19 records opened by the worker, 0 here');
    expect(ahead.stdout).toBe(here.stdout);
    expect(here.stdout).toContain('"state": "decrypted"');
  });

  it.skipIf(!HAVE_TLS_CORPUS)('gives the same outputs on every TLS corpus capture with a key log', () => {
    const captures = readdirSync(TLS_CORPUS).filter((f) => /\.pcap(ng)?$/.test(f) && existsSync(path.join(TLS_CORPUS, `${f}.keys.txt`)));
    expect(captures.length).toBe(8);
    for (const f of captures) {
      for (const mode of ['--json', '--ndjson', '--summary']) {
        const args = [path.join(TLS_CORPUS, f), '--keylog', path.join(TLS_CORPUS, `${f}.keys.txt`), mode];
        const here = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '0' });
        const ahead = run(args, { MSRPSCOPE_DECRYPT_AHEAD: '1' });
        expect([f, mode, ahead.stdout === here.stdout]).toEqual([f, mode, true]);
        expect([f, mode, ahead.ahead]).toEqual([f, mode, expect.stringMatching(/^[1-9]\d* records opened by the worker, 0 here$/)]);
      }
    }
  });
});
