/**
 * The session list end to end under tmux on ../shared/corpus/relay_abort_fail.pcap: three sessions that
 * share the left end and differ only by the session-id of the right end, and a connection whose AUTH
 * was rejected (401, then 423). At 160×40 the rows show whole session-ids and the relays, no empty
 * Call-ID column, and `AUTH ✗423` on the connection row; resized to 80×24 the session-ids are shortened
 * but still tell the sessions apart. Keys go in with `tmux send-keys`, every wait polls the pane.
 * Skipped when tmux, the build or ../shared is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, HAVE_CORPUS } from './fixtures.js';
import { createTmuxHarness, HAVE_BUILD, HAVE_TMUX } from './tmux-harness.js';

const CAPTURE = corpusFile('relay_abort_fail.pcap');

const h = createTmuxHarness('list', { width: 160, height: 40 });
const { launch, keys, resize, waitForLine, exitCode } = h;

/** The header line of the list and the rows under it (up to the first blank line). */
function table(lines: string[]): string[] {
  const head = lines.findIndex((l) => /^ +#/.test(l));
  if (head < 0) return [];
  const out: string[] = [];
  for (let i = head; i < lines.length && (lines[i] ?? '') !== ''; i++) out.push(lines[i] ?? '');
  return out;
}

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD || !HAVE_CORPUS)('TUI session list under tmux (relay_abort_fail)', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('tells the sessions apart by session-id and shows the rejected AUTH, at 160 and at 80 columns', async () => {
    const codeFile = launch('list', `node bin/msrpscope '${CAPTURE}'`);

    let lines = await waitForLine('list', 'the c1 row', (l) => l.startsWith(' c1 '));
    const ends = (s: string): string => s.padEnd(66);
    const blank = ''.padEnd(48);
    expect(table(lines)).toEqual([
      ` #▲ Start        ${ends('Ends')} ${'Relays'.padEnd(48)} Msgs Bytes Delivery  State`,
      `  0 17:23:02.195 ${ends('127.0.0.1:57624/uxXGfzsbyX5h ↔ 127.0.0.1:46588/6AGzy0DjrZxP')} ${'127.0.0.1:2865 127.0.0.1:2867'.padEnd(48)}    4   16k ✓1 ✗2 ?1  closed`,
      `  1 17:23:02.696 ${ends('127.0.0.1:57624/uxXGfzsbyX5h ↔ 127.0.0.1:2865/nosuchsession')} ${blank}    1    10 ✓0 ✗1 ?0  closed`,
      `  2 17:23:03.298 ${ends('127.0.0.1:57624/uxXGfzsbyX5h ↔ 127.0.0.1:2865/msrp-6b07195d-32c1-6')} ${blank}    0     0 ✓0 ✗0 ?0  closed`,
      ` c1 17:22:57.189 ${ends('127.0.0.1:57638/MxhXINyn9kN9 ↔ 127.0.0.1:2865')} ${blank}    -     - AUTH ✗423 closed`,
    ]);

    // Sorting walks the columns on screen: index → Start → Ends → Relays → Msgs → Bytes → Delivery.
    for (let i = 0; i < 6; i++) keys('list', 's');
    keys('list', 'S');
    lines = await waitForLine('list', 'Delivery▼', (l) => l.includes('Delivery▼'));
    expect(table(lines).slice(1).map((l) => l.slice(0, 3))).toEqual(['  0', '  1', ' c1', '  2']);

    // The filter finds a session by its session-id.
    keys('list', '/', 'nosuchsession', 'Enter');
    lines = await waitForLine('list', 'the filter line', (l) => l.startsWith('filter: nosuchsession'));
    expect(table(lines).slice(1).map((l) => l.slice(0, 3))).toEqual(['  1']);
    keys('list', 'Escape');
    await waitForLine('list', 'all rows again', (l) => l.startsWith(' c1 '));

    // At 80 columns the session-ids are shortened in the middle but still differ; the relays become a count.
    // (Delivery → State → index, then ascending again.)
    resize('list', 80, 24);
    keys('list', 's', 's');
    await waitForLine('list', 'the 80-column list sorted by index', (l) => l.startsWith(' #▼ Start    Ends'));
    keys('list', 'S');
    lines = await waitForLine('list', 'the 80-column list', (l) => l.startsWith(' #▲ Start    Ends'));
    expect(table(lines)).toEqual([
      ' #▲ Start    Ends                                 Rl Msgs Bytes Delivery  State',
      '  0 17:23:02 …:57624/uxX…X5h ↔ …:46588/6AGzy…rZxP  2    4   16k ✓1 ✗2 ?1  closed',
      '  1 17:23:02 …:57624/uxX…X5h ↔ …:2865/nosuc…ssion       1    10 ✓0 ✗1 ?0  closed',
      '  2 17:23:03 …:57624/uxX…X5h ↔ …:2865/msrp-…2c1-6       0     0 ✓0 ✗0 ?0  closed',
      ' c1 17:22:57 …:57638/Mxh…kN9 ↔ 127.0.0.1:2865           -     - AUTH ✗423 closed',
    ]);

    keys('list', 'q');
    expect(await exitCode(codeFile)).toBe(0);
  });
});
