/**
 * End to end under tmux: `W` on the ladder of samples/chat.pcap asks for a file name in the status line, writes
 * the file (what `--ladder` writes for the session), asks before replacing it, and shows the result. Skipped
 * without tmux or the build.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT, ROOT } from './fixtures.js';
import { createTmuxHarness, HAVE_TMUX, haveBuild } from './tmux-harness.js';

const HAVE_BUILD = haveBuild('cli/main.js');
const h = createTmuxHarness('save', { width: 120, height: 30, timeoutMs: 5000 });
const { launch, keys, type, waitForText, exitCode } = h;

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('W saves the ladder (tmux)', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('prompts, writes, asks before overwriting, reports in the status line', async () => {
    const target = h.file('ladder.txt');
    const expected = spawnSync(process.execPath, [join(ROOT, 'bin', 'msrpscope'), CHAT, '--ladder', '--session', '0'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    const codeFile = launch('save', `node bin/msrpscope '${CHAT}'`);
    await waitForText('save', 'msrpscope · Sessions');
    keys('save', 'Enter');
    await waitForText('save', 'msrpscope · session 0:');
    keys('save', 'W');
    await waitForText('save', 'save the ladder of session 0 to: session-0-ladder.txt█');
    keys('save', 'C-u');
    type('save', target);
    keys('save', 'Enter');
    await waitForText('save', `saved the ladder of session 0 to ${target} (`);
    expect(readFileSync(target, 'utf8')).toBe(expected);

    writeFileSync(target, 'old');
    keys('save', 'W', 'C-u');
    type('save', target);
    keys('save', 'Enter');
    await waitForText('save', `${target} exists: replace it? y/n`);
    keys('save', 'y');
    await waitForText('save', `saved the ladder of session 0 to ${target} (`);
    expect(readFileSync(target, 'utf8')).toBe(expected);

    keys('save', 'q', 'q');
    expect(await exitCode(codeFile)).toBe(0);
  });
});
