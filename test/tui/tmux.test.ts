/**
 * End to end under tmux: the built viewer (dist/, via test/tui/launch-tui.mjs) in a real 80×24 terminal.
 * Keys go in with `tmux send-keys`, the screen comes back with `tmux capture-pane -p`; every wait polls
 * the pane instead of sleeping. Skipped when tmux or the build is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTmuxHarness, HAVE_BUILD, HAVE_TMUX } from './tmux-harness.js';

const h = createTmuxHarness('tui', { timeoutMs: 5000 });
const { launch, keys, waitForText, exitCode } = h;

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('TUI under tmux', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

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
