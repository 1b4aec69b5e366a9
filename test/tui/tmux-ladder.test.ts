/**
 * End to end under tmux, on the corpus capture relay_abort_fail.pcap (an image aborted with `#` on chunk 4
 * after 16384 of 60000 bytes, relayed over three hops): the ladder's folded line of the aborted message,
 * the time order of unfolded chunks, and the message detail (Delivery, hex dump counts, Hops, Chunks)
 * as a user sees them in a 160×40 terminal. Every wait polls the pane. Skipped without tmux, the build or
 * ../shared.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, HAVE_CORPUS } from './fixtures.js';
import { createTmuxHarness, HAVE_TMUX, haveBuild } from './tmux-harness.js';

const HAVE_BUILD = haveBuild('cli/main.js');
const CAPTURE = corpusFile('relay_abort_fail.pcap');

const h = createTmuxHarness('ladder', { width: 160, height: 40, timeoutMs: 5000 });
const { launch, keys, waitForText, exitCode } = h;

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD || !HAVE_CORPUS || !existsSync(CAPTURE))('aborted message on screen (tmux)', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('shows the abort on the ladder, unfolded chunks in time order, and the abort, bytes and chunks in the detail', async () => {
    const codeFile = launch('abort', `node bin/msrpscope '${CAPTURE}'`);
    await waitForText('abort', 'msrpscope · Sessions');
    keys('abort', 'Enter');

    // The folded line: who aborted, where, which chunk and frame; the responses neutral, no ✓.
    let screen = await waitForText('abort', 'msrpscope · session 0:');
    const folded = screen.split('\n').filter((l) => l.includes('▸ SEND aborted'));
    expect(folded).toEqual([
      '17:23:02.195 │════════>│         │         │  ▸ SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 52) · 4×200 · 0.99 ms',
      '17:23:02.195 │         │════════>│         │  ▸ SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 55) · 4×200 · 1.02 ms',
      '17:23:02.195 │         │         │════════>│  ▸ SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 61) · 4×200 · 43 ms',
    ]);
    expect(screen).not.toMatch(/aborted.*✓/);

    // Everything unfolded, delta time: rows in time order, the three hops' chunks interleaved.
    keys('abort', 'x', 't');
    screen = await waitForText('abort', '[Δt]', '▾ SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 61)');
    const rows = screen.split('\n');
    expect(rows.filter((l) => /^-\d/.test(l))).toEqual([]);
    const at = rows.findIndex((l) => l.includes('▾ SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 55)'));
    expect(rows.slice(at, at + 4)).toEqual([
      '+0.000075    │         │════════>│         │  ▾ SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 55) · 4×200 · 1.02 ms',
      '+0.000000    │         │────────>│         │    └ SEND 1-4096/60000 4096 B +',
      '+0.000080    │         │<────────│         │    └ 200 OK · 0.08 ms',
      '+0.000006    │────────>│         │         │    └ SEND 4097-8192/60000 4096 B +',
    ]);

    // Back to folded rows in clock time; open the first hop's message.
    keys('abort', 'x', 't', 'g');
    await waitForText('abort', 'Time (UTC)');
    for (let i = 0; i < 10; i++) keys('abort', 'Down');
    keys('abort', 'Enter');
    screen = await waitForText('abort', 'msrpscope · Message 0: obcyQL5omCx5Vh', '── Delivery');
    expect(screen).toContain('  delivery          # aborted at 16384 of 60000 B by the sender (chunk 4, frame 52)');
    expect(screen).toContain('  aborted on        hop 0  127.0.0.1:57624 → 127.0.0.1:2865  conn 0; passed on by hops 1, 2');
    expect(screen).not.toContain('? unknown');

    // The end of the detail: hops in words, and every chunk of every hop with the # ones.
    keys('abort', 'G');
    screen = await waitForText('abort', '── Chunks', '── Diagnostics');
    expect(screen).toContain('        +0.13 ms since previous hop · +0.32 ms since first hop');
    expect(screen).toContain('        4 chunks, 16.4 kB, aborted · no final response (aborted)');
    const hashRows = screen.split('\n').filter((l) => / # {2}frame /.test(l));
    expect(hashRows).toEqual([
      '      4  w5ifSSjHN1  12289-16384/60000 #  frame 52  200 OK · 0.06 ms (frame 54)',
      '      4  w5ifSSjHN1  12289-16384/60000 #  frame 55  200 OK · 0.13 ms (frame 60)',
      '      4  w5ifSSjHN1  12289-16384/60000 #  frame 61  200 OK · 42 ms (frame 66)',
    ]);

    // A page up: the hex dump counts what the capture holds, and says what never was sent.
    keys('abort', 'PPage');
    screen = await waitForText('abort', '── Body (hex)', '… 43616 bytes never sent (aborted by the sender)');
    expect(screen).toContain('  … 768 more bytes kept (not shown)\n  … 15360 more bytes on the wire (not kept)\n  … 43616 bytes never sent (aborted by the sender)\n');
    expect(screen).not.toContain('59744');

    keys('abort', 'q', 'q', 'q');
    expect(await exitCode(codeFile)).toBe(0);
  });
});
