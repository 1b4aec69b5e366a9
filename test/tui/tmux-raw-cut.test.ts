/**
 * End to end under tmux (the real CLI, `node bin/msrpscope`, built in dist/): the raw view of a response cut
 * before its end-line shows the bytes received and why the frame did not parse, and the text summary counts
 * that response apart, as cut, on its Responses line and in its Transactions table. Every wait polls the pane.
 * Skipped when tmux or the build is missing; the corpus case also when ../shared is absent.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutCapture } from '../helpers/cut-capture.js';
import { corpusFile, HAVE_CORPUS } from './fixtures.js';
import { createTmuxHarness, HAVE_TMUX, haveBuild } from './tmux-harness.js';

const HAVE_BUILD = haveBuild('cli/main.js');

const h = createTmuxHarness('rawcut');
const { launch, keys, kill, waitForText, exitCode } = h;
let capture = '';

/** Session list → its last row (the connection whose AUTH has no session) → its last transaction → raw view. */
async function openLastRaw(name: string, ladderTitle: string): Promise<string> {
  await waitForText(name, 'Enter ladder');
  keys(name, 'End', 'Enter');
  await waitForText(name, ladderTitle);
  keys(name, 'End', 'r');
  return waitForText(name, 'msrpscope · Raw MSRP');
}

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('raw view and summary of cut frames under tmux', () => {
  beforeAll(() => {
    h.start();
    capture = h.file('cut.pcap');
    writeFileSync(capture, cutCapture());
  });
  afterAll(() => h.stop());

  it('80×24, generated capture: the 423 shows its received bytes escaped, then why it did not parse', async () => {
    const code = launch('gen', `node bin/msrpscope '${capture}'`, { width: 80, height: 24 });
    const screen = await openLastRaw('gen', 'connection 0 (no session)');
    const lines = screen.split('\n').map((l) => l.trimEnd());
    const at = lines.indexOf('MSRP au0002 423 Interval Out Of Bounds\\r\\n');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at, at + 6)).toEqual([
      'MSRP au0002 423 Interval Out Of Bounds\\r\\n',
      'To-Path: msrp://192.0.2.10:49733/auThCl1ent;tcp\\r\\n',
      'From-Path: msrp://198.51.100.20:2855;tcp\\r\\n',
      // The ESC [2J of the capture is shown, not obeyed (the screen was not cleared).
      'xyz\\x00\\x1b[2JÀí-------au0002$\\r\\n',
      '[not parsed: no end-line at the start of a line when the connection closes',
      '    (FIN), 157 bytes into the frame; "-------au0002$" appears inside a header',
    ]);
    expect(lines[at + 6]).toBe('    line at offset 141]');
    expect(screen).not.toContain('[cut: the capture ends before the end-line]');
    keys('gen', 'q', 'q', 'q');
    expect(await exitCode(code)).toBe(0);
  });

  it('the summary of the generated capture counts the cut 423 and the cut SEND apart, in both places', async () => {
    launch('sum', `node bin/msrpscope '${capture}' --summary; sleep 30`, { width: 120, height: 40 });
    const screen = await waitForText('sum', 'Diagnostics');
    const lines = screen.split('\n').map((l) => l.trimEnd());
    expect(lines).toContain('Requests: AUTH 2, SEND 1 (cut: SEND 1)');
    expect(lines).toContain('Responses: 200 1, 401 1 (cut: 423 1)');
    expect(lines).toContain('  AUTH → 423 (cut)        1  1.00 ms  1.00 ms  1.00 ms');
    expect(lines).toContain('  SEND (cut) → none       1        -        -        -');
    expect(lines).not.toContain('  AUTH → 423               1  1.00 ms  1.00 ms  1.00 ms');
    kill('sum');
  });

  it.skipIf(!HAVE_CORPUS)('160×40, relay_abort_fail.pcap: frame 20 (the 423) shows its bytes up to the end-line after the garbage', async () => {
    const code = launch('corpus', `node bin/msrpscope '${corpusFile('relay_abort_fail.pcap')}'`, { width: 160, height: 40 });
    const screen = await openLastRaw('corpus', 'connection 1 (no session)');
    const lines = screen.split('\n').map((l) => l.trimEnd());
    const at = lines.findIndex((l) => l.startsWith('── response · frame 20 · conn 1 tcp s2c'));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      'MSRP aaBjvWeDIK 423 Interval Out Of Bounds\\r\\n',
      'To-Path: msrp://127.0.0.1:57638/MxhXINyn9kN9;tcp\\r\\n',
      'From-Path: msrp://127.0.0.1:2865;tcp\\r\\n',
      'xyz123\\x00\\x00ÀÀÀÀ\\x00\\x00\\x00\\x00í-------aaBjvWeDIK$\\r\\n',
      '[not parsed: no end-line at the start of a line when the connection closes (FIN), 169 bytes into the frame; "-------aaBjvWeDIK$" appears inside a header line',
    ]);
    expect(lines[at + 6]).toBe('    at offset 149]');
    keys('corpus', 'q', 'q', 'q');
    expect(await exitCode(code)).toBe(0);
  });

  it.skipIf(!HAVE_CORPUS)('the summary of relay_abort_fail.pcap: the 423 is cut on the Responses line and in the table', async () => {
    launch('corpus-sum', `node bin/msrpscope '${corpusFile('relay_abort_fail.pcap')}' --summary; sleep 30`, { width: 160, height: 60 });
    const screen = await waitForText('corpus-sum', 'Diagnostics');
    const lines = screen.split('\n').map((l) => l.trimEnd());
    expect(lines).toContain('Responses: 200 20, 401 4, 415 1, 481 2, 501 1 (cut: 423 1)');
    expect(lines).toContain('  AUTH → 423 (cut)        1  0.10 ms  0.10 ms  0.10 ms');
    kill('corpus-sum');
  });
});
