/**
 * Helpers of the report tests: a report written by bin/msrpscope (the bundle: the page's script is made from
 * its functions' source text, which vitest would rewrite in-process), Chromium run headless on it, and
 * captures made with the project's writer (many messages; hostile strings).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildMsrpCapture, FROM, msrpRequest, msrpResponse, TO, type Exchange } from '../hostile/build-capture.js';
import { ROOT } from '../tui/fixtures.js';

export const BIN = join(ROOT, 'bin', 'msrpscope');

export function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The Chromium binary, or undefined when there is none. */
export function chromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return undefined;
}

function chromiumArgs(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
}

function withProfile<T>(f: (profile: string) => T): T {
  const profile = mkdtempSync(join(tmpdir(), 'msrpscope-chromium-'));
  try {
    return f(profile);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * The DOM of a page after its scripts ran (`hash` like `#session-0`). The page's console is logged to stderr:
 * an uncaught error or a Content-Security-Policy refusal fails the call.
 */
export function dumpDom(file: string, hash = ''): string {
  const bin = chromium();
  if (bin === undefined) throw new Error('no chromium');
  return withProfile((profile) => {
    const args = [...chromiumArgs(profile), '--enable-logging=stderr', '--v=0', '--dump-dom', `${pathToFileURL(file).href}${hash}`];
    const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 512 << 20, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const bad = r.stderr.split('\n').filter((l) => /CONSOLE.*(Uncaught|Refused to|Content Security Policy)/i.test(l));
    if (bad.length > 0) throw new Error(`the page logged errors:\n${bad.join('\n')}`);
    return r.stdout;
  });
}

export function screenshot(file: string, hash: string, png: string): void {
  const bin = chromium();
  if (bin === undefined) throw new Error('no chromium');
  withProfile((profile) => {
    const r = spawnSync(bin, [...chromiumArgs(profile), '--hide-scrollbars', `--screenshot=${png}`, '--window-size=1280,2000', `${pathToFileURL(file).href}${hash}`], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.slice(-2000)}`);
  });
}

/** How many times a pattern occurs. */
export function count(text: string, re: RegExp): number {
  return [...text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))].length;
}

/** One MSRP session of `n` single-chunk text messages, each answered 200. */
export function manyMessagesCapture(n: number): Buffer {
  const ex: Exchange[] = [];
  for (let i = 0; i < n; i++) {
    const tid = `t${i.toString(36).padStart(6, '0')}`;
    const body = `message number ${i}`;
    ex.push({
      from: 'c',
      bytes: msrpRequest(tid, 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', `m${i}`], ['Byte-Range', `1-${body.length}/${body.length}`], ['Content-Type', 'text/plain']], body),
    });
    ex.push({ from: 's', bytes: msrpResponse(tid, '200 OK', [['To-Path', FROM], ['From-Path', TO]]) });
  }
  return buildMsrpCapture(ex);
}

/** Strings a hostile capture could carry into the page. */
export const HOSTILE_BODY = `</script><script>document.title='pwned'</script><img src=x onerror="document.title='pwned'"> & "q" 'a' \u2028\u2029 <!-- \x1b[31m`;

/** One session whose message body, Content-Type and a failure comment carry markup. */
export function hostileCapture(): Buffer {
  const body = HOSTILE_BODY;
  return buildMsrpCapture([
    {
      from: 'c',
      bytes: msrpRequest('evil0001', 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', 'evil<b>x</b>'], ['Byte-Range', `1-${Buffer.byteLength(body)}/${Buffer.byteLength(body)}`], ['Content-Type', 'text/plain']], body),
    },
    { from: 's', bytes: msrpResponse('evil0001', '415 <img src=x onerror=alert(1)>', [['To-Path', FROM], ['From-Path', TO]]) },
  ]);
}
