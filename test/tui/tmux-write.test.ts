/**
 * `w` end to end under tmux: the built viewer (bin/msrpscope) on samples/chat.pcap, `w` on the session list,
 * a file name typed into the prompt, the file written (read back: every frame of the session's connection and
 * SIP), then `w` again on the same name: the overwrite question. From standard input `w` says it cannot.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { createTmuxHarness, HAVE_TMUX, haveBuild } from './tmux-harness.js';

const HAVE_BUILD = haveBuild('cli/capture-write.js', 'tui/screens/write-scope.js');

const h = createTmuxHarness('write', { width: 120, height: 24 });
const { launch, keys, type, waitForText, exitCode } = h;

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('TUI w under tmux', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('writes the selected session to the file typed, and asks before replacing it', async () => {
    const out = h.file('chat-s0.pcapng');
    const code = launch('w', `node bin/msrpscope samples/chat.pcap`);
    await waitForText('w', 'rows 1');
    keys('w', 'w');
    await waitForText('w', 'write the frames of session 0 to: session-0.pcapng█');
    keys('w', 'C-u');
    type('w', out);
    keys('w', 'Enter');
    await waitForText('w', `wrote 47 frames of 1 connection and 1 SIP dialog to ${out}`);
    expect(existsSync(out)).toBe(true);
    const recs = await readAllRecords(out);
    expect(recs.records.map((r) => r.frame)).toEqual(Array.from({ length: 47 }, (_, i) => i + 1));
    const before = statSync(out).mtimeMs;
    keys('w', 'w', 'C-u');
    type('w', out);
    keys('w', 'Enter');
    await waitForText('w', `${out} exists: replace it? y/n`);
    keys('w', 'n', 'Escape');
    await new Promise((r) => setTimeout(r, 200));
    expect(statSync(out).mtimeMs).toBe(before);
    keys('w', 'w', 'C-u');
    type('w', out);
    keys('w', 'Enter', 'y');
    await waitForText('w', `wrote 47 frames of 1 connection and 1 SIP dialog to ${out}`);
    expect(readFileSync(out).length).toBeGreaterThan(0);
    keys('w', 'q');
    expect(await exitCode(code)).toBe(0);
  });

  it('-w with the viewer: the file is written when the viewer is closed', async () => {
    const out = h.file('with-tui.pcapng');
    const code = launch('tui-w', `node bin/msrpscope samples/chat.pcap --tui -w '${out}'`);
    await waitForText('tui-w', 'rows 1');
    expect(existsSync(out)).toBe(false);
    keys('tui-w', 'q');
    expect(await exitCode(code)).toBe(0);
    expect((await readAllRecords(out)).records).toHaveLength(47);
  });

  it('from standard input: w says the capture cannot be read again', async () => {
    const code = launch('pipe', `cat samples/chat.pcap | node bin/msrpscope -`);
    await waitForText('pipe', 'rows 1');
    keys('pipe', 'w');
    await waitForText('pipe', 'w: cannot write frames: the capture came from a pipe or an interface and cannot be read again');
    keys('pipe', 'q');
    expect(await exitCode(code)).toBe(0);
  });
});
