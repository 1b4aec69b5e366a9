/**
 * End to end under tmux: the built viewer (dist/, via test/tui/launch-tui.mjs) in a real 80×24 terminal.
 * Keys go in with `tmux send-keys`, the screen comes back with `tmux capture-pane -p`; every wait polls
 * the pane instead of sleeping. Skipped when tmux or the build is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './fixtures.js';

const HAVE_TMUX = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const HAVE_BUILD = existsSync(path.join(ROOT, 'dist', 'tui', 'app.js')) && existsSync(path.join(ROOT, 'dist', 'cli', 'pipeline.js'));
const LAUNCHER = path.join(ROOT, 'test', 'tui', 'launch-tui.mjs');

const socket = `msrpscope-tui-${process.pid}`;
let dir = '';
let conf = '';

function tmux(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync('tmux', ['-L', socket, '-f', conf, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

function pane(name: string): string {
  return tmux('capture-pane', '-p', '-t', name).stdout;
}

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

async function waitForText(name: string, text: string): Promise<string> {
  let last = '';
  await waitFor(`"${text}"`, () => {
    last = pane(name);
    return last.includes(text);
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- pane ---\n${last}`);
  });
  return last;
}

function keys(name: string, ...k: string[]): void {
  expect(tmux('send-keys', '-t', name, ...k).status).toBe(0);
}

/** Starts a shell command in a detached 80×24 session; its exit code lands in a file. */
function launch(name: string, command: string): string {
  const codeFile = path.join(dir, `${name}.code`);
  const r = tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', `cd '${ROOT}' && ${command}; echo $? > '${codeFile}'`);
  expect(r.status).toBe(0);
  return codeFile;
}

async function exitCode(codeFile: string): Promise<number> {
  await waitFor('exit', () => existsSync(codeFile) && readFileSync(codeFile, 'utf8').trim() !== '');
  return Number(readFileSync(codeFile, 'utf8').trim());
}

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('TUI under tmux', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'msrpscope-tmux-'));
    conf = path.join(dir, 'tmux.conf');
    writeFileSync(conf, 'set -g status off\nset -g default-terminal "tmux-256color"\n');
  });
  afterAll(() => {
    tmux('kill-server');
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('opens a session, then a message, shows its detail, and quits with q (exit 0)', async () => {
    const code = launch('file', `node bin/msrpscope samples/chat.pcap`);
    let screen = await waitForText('file', 'msrpscope · Sessions');
    expect(screen).toMatch(/samples\/chat\.pcap {2}47 packets {2}1 connections {2}1 sessions {2}0 diagnostics/);
    expect(screen).toContain('\n  0 09:46:43 alice@exampl… ↔ bob@example… c7f3a9e2@1…    4   10k ✓4 ✗0 ?0 closed\n');
    keys('file', 'Enter');
    screen = await waitForText('file', 'session 0: alice@example.com ↔ bob@example.net');
    expect(screen).toContain('09:46:43.927 │════════>│  ▸ SEND 25 B ✓ 200 · REPORT 000 200 OK · 12 ms');
    keys('file', 'Down', 'Down', 'Enter');
    screen = await waitForText('file', 'Message 0: m-hello-0001');
    expect(screen).toContain('Message-ID        m-hello-0001');
    keys('file', 'PageDown');
    screen = await waitForText('file', 'Hello Bob! Are you there?');
    expect(screen).toContain('── Body');
    keys('file', 'q');
    await waitForText('file', 'Request / response');
    keys('file', 'q');
    await waitForText('file', 'Enter ladder');
    keys('file', 'q');
    expect(await exitCode(code)).toBe(0);
  });

  it('takes keys from the terminal when the capture comes on stdin', async () => {
    const code = launch('pipe', `cat samples/chat.pcap | node bin/msrpscope -`);
    await waitForText('pipe', 'msrpscope · Sessions  [LIVE follow]');
    // A pipe is live: the viewer opens at once and fills as the capture is read.
    const screen = await waitForText('pipe', '47 packets');
    expect(screen).toContain('(stdin)  47 packets');
    keys('pipe', 'Enter');
    await waitForText('pipe', 'SIP INVITE alice@example.com → bob@example.net');
    keys('pipe', 'd');
    await waitForText('pipe', 'Diagnostics (0)');
    keys('pipe', 'Escape');
    await waitForText('pipe', 'Request / response');
    keys('pipe', 'q', 'q');
    expect(await exitCode(code)).toBe(0);
  });
});
