/**
 * The message-level filter end to end under tmux: the built viewer (bin/msrpscope → dist/) in an 80×24
 * terminal, `/state:aborted` typed and kept with Enter, the rows read back with `tmux capture-pane -p`. Every
 * wait polls the pane. Skipped when tmux or the build is missing; the relay capture when ../shared is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, HAVE_CORPUS } from './fixtures.js';
import { createTmuxHarness, HAVE_TMUX, haveBuild } from './tmux-harness.js';

const HAVE_BUILD = haveBuild('export/filter-terms.js');

const h = createTmuxHarness('filters');
const { launch, keys, type, pane, waitForText, exitCode } = h;

/** The session rows of the list screen (below the column header, above the status line). */
function listRows(screen: string): string[] {
  const lines = screen.split('\n');
  const header = lines.findIndex((l) => l.startsWith(' #'));
  return lines.slice(header + 1, 23).filter((l) => l.trim() !== '');
}

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('TUI filters under tmux', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it.skipIf(!HAVE_CORPUS)('/state:aborted Enter keeps only the session of the aborted image', async () => {
    const code = launch('relay', `node bin/msrpscope '${corpusFile('relay_abort_fail.pcap')}'`);
    let screen = await waitForText('relay', 'rows 4');
    expect(listRows(screen).map((r) => r.slice(0, 3))).toEqual(['  0', '  1', '  2', ' c1']);
    keys('relay', '/');
    type('relay', 'state:aborted');
    screen = await waitForText('relay', '/state:aborted█  Enter keep · Esc cancel');
    expect(screen).not.toContain('not understood');
    keys('relay', 'Enter');
    screen = await waitForText('relay', 'filter: state:aborted');
    expect(screen).toMatch(/rows 1\/4\n/);
    const rows = listRows(screen);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toBe('  0 17:23:02 …:57624/uxXG…yX5h ↔ …:46588/6AGz…rZxP  2    4   16k ✓1 ✗2 ?1 closed');
    // delivery:failed keeps the two sessions with a failed message; a wrong value says what the key takes.
    keys('relay', '/', 'C-u');
    type('relay', 'delivery:failed');
    keys('relay', 'Enter');
    screen = await waitForText('relay', 'filter: delivery:failed');
    expect(listRows(screen).map((r) => r.slice(0, 3))).toEqual(['  0', '  1']);
    keys('relay', '/', 'C-u');
    type('relay', 'state:gone');
    screen = await waitForText('relay', 'not understood');
    expect(screen).toContain('/state:gone█  not understood; state: active closed aborted incomplete complete');
    keys('relay', 'Escape');
    await waitForText('relay', 'filter: delivery:failed');
    keys('relay', 'q');
    expect(await exitCode(code)).toBe(0);
  });

  it('/state:aborted on samples/chat.pcap matches no session, and the help lists the term', async () => {
    const code = launch('chat', `node bin/msrpscope samples/chat.pcap`);
    await waitForText('chat', 'rows 1');
    keys('chat', '/');
    type('chat', 'state:aborted');
    keys('chat', 'Enter');
    let screen = await waitForText('chat', 'filter: state:aborted');
    expect(listRows(screen)).toEqual(['  no session matches the filter']);
    keys('chat', '?');
    await waitForText('chat', 'msrpscope · Help');
    // Page down until the filter part of the help is on screen (it is not the last part).
    const wanted = 'state:aborted   sessions where a message is: aborted incomplete complete';
    for (let page = 0; page < 6 && !pane('chat').includes(wanted); page++) {
      keys('chat', 'PageDown');
      await new Promise((r) => setTimeout(r, 150));
    }
    screen = await waitForText('chat', wanted);
    expect(screen).toContain('delivery:failed sessions where a message was: delivered failed unknown');
    keys('chat', 'q', 'q');
    expect(await exitCode(code)).toBe(0);
  });
});
