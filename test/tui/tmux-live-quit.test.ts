/**
 * The live viewer on standard input, closed with `q` while the writer still holds the pipe open
 * (`tcpdump -U -w - | msrpscope -` before tcpdump is stopped): the program ends at once with exit code 0, instead of
 * reading on until the writer closes. The keys come from the terminal (/dev/tty), the capture from the pipe.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTmuxHarness, HAVE_BUILD, HAVE_TMUX } from './tmux-harness.js';

const h = createTmuxHarness('live-quit', { width: 120, height: 24 });
const { launch, keys, waitForText, waitFor } = h;

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('live viewer closed while its input is still open', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('q ends the program, exit 0, though the writer still writes', async () => {
    const code = h.file('viewer.code');
    // The writer sends the capture, then holds the pipe open for a minute.
    launch('lq', `{ cat samples/chat.pcap; sleep 60; } | { node bin/msrpscope -; echo $? > '${code}'; }`);
    await waitForText('lq', '47 packets', 'rows 1');
    expect(existsSync(code)).toBe(false);
    keys('lq', 'q');
    await waitFor('the viewer to exit', () => existsSync(code) && readFileSync(code, 'utf8').trim() !== '', 5000);
    expect(readFileSync(code, 'utf8').trim()).toBe('0');
    h.kill('lq');
  });
});
