import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { filterRows, parseFilter, rowMatches } from '../../src/format/filter.js';
import { lineText } from '../../src/format/line.js';
import { rowHaystack, sessionRows, sortRows, type SessionRow } from '../../src/format/session-list.js';
import { fitEnd, listColumns, listHeaderLine, listRowLine, listSummaryLines } from '../../src/format/session-list-lines.js';
import { displayWidth } from '../../src/format/text-width.js';
import { buildLadder } from '../../src/format/ladder.js';
import { built, CHAT, clone, corpusFile, HAVE_CORPUS } from './fixtures.js';

let chat: JsonDocument;
beforeAll(async () => {
  chat = (await built(CHAT)).doc;
});

describe('session list rows (samples/chat.pcap)', () => {
  it('has one row with the real values of the chat session', () => {
    const rows = sessionRows(chat);
    expect(rows).toHaveLength(1);
    const r = rows[0] as SessionRow;
    expect(r.key).toBe('s0');
    expect(r.scope).toEqual({ kind: 'session', session: 0 });
    expect(r.label).toBe('0');
    expect(r.start?.frame).toBe(8);
    expect(r.ends).toEqual(['alice@example.com', 'bob@example.net']);
    expect(r.relays).toEqual([]);
    expect(r.callId).toBe('c7f3a9e2@192.0.2.10');
    expect(r.messages).toBe(4);
    expect(r.bytes).toBe(10326);
    expect([r.delivered, r.failed, r.unknown]).toEqual([4, 0, 0]);
    expect(r.state).toBe('closed');
    expect([...r.methods].sort()).toEqual(['REPORT', 'SEND']);
    expect(r.statuses).toEqual([200]);
  });

  it('renders the row and the header in 80 and 160 columns (no relays: no Relays column)', () => {
    const rows = sessionRows(chat);
    const cols = listColumns(80, rows);
    expect(cols.map((c) => c.key)).toEqual(['index', 'start', 'ends', 'callId', 'messages', 'bytes', 'delivery', 'state']);
    expect(cols.reduce((n, c) => n + c.width, 0) + cols.length - 1).toBe(80);
    expect(lineText(listHeaderLine(cols, { key: 'index', descending: false }))).toBe(' #▲ Start    Ends                         Call-ID     Msgs Bytes Delivery State ');
    expect(lineText(listRowLine(rows[0] as SessionRow, cols))).toBe('  0 09:46:43 alice@exampl… ↔ bob@example… c7f3a9e2@1…    4   10k ✓4 ✗0 ?0 closed');
    const wideCols = listColumns(160, rows);
    expect(lineText(listHeaderLine(wideCols, { key: 'index', descending: false }))).toBe(
      ` #▲ Start        ${'Ends'.padEnd(96)} Call-ID             Msgs Bytes Delivery State `,
    );
    expect(lineText(listRowLine(rows[0] as SessionRow, wideCols))).toBe(
      `  0 09:46:43.927 ${'alice@example.com ↔ bob@example.net'.padEnd(96)} c7f3a9e2@192.0.2.10    4   10k ✓4 ✗0 ?0 closed`,
    );
  });

  it('puts the capture totals above the list', () => {
    const named = clone(chat);
    named.capture.files = ['samples/chat.pcap'];
    const [l1, l2] = listSummaryLines(named, 1, 1, 80).map(lineText);
    expect(l1).toBe('samples/chat.pcap  47 packets  1 connections  1 sessions  0 diagnostics');
    expect(l2).toBe('2026-11-25 UTC  messages 4  delivery ✓4 ✗0 ?0  rows 1');
    const long = clone(chat);
    long.capture.files = [`/very/long/path/${'x'.repeat(100)}/chat.pcap`];
    const cut = lineText(listSummaryLines(long, 1, 1, 80)[0] ?? []);
    expect(displayWidth(cut)).toBeLessThanOrEqual(80);
    expect(cut).toMatch(/…x+\/chat\.pcap {2}47 packets {2}1 connections {2}1 sessions {2}0 diagnostics$/);
  });

  it('gives transactions of no session (an orphan response) a "(no session)" row and ladder', () => {
    const doc = clone(chat);
    const t = doc.transactions[0];
    if (t === undefined) throw new Error('no transaction');
    t.session = null;
    t.message = null;
    t.method = null;
    t.request = null;
    t.state = 'orphan-response';
    const rows = sessionRows(doc);
    expect(rows.map((r) => r.key)).toEqual(['s0', 'c0']);
    const c0 = rows[1] as SessionRow;
    expect(c0.ends).toEqual(['192.0.2.10:49733', '198.51.100.20:2855']);
    expect(c0.start?.frame).toBe(10);
    expect(c0.statuses).toEqual([200]);
    const ladder = buildLadder(doc, c0.scope);
    expect(ladder.entries.map((e) => lineText(e.label))).toEqual(['200 OK · 12 ms (request not seen)']);
    expect(ladder.entries.map((e) => [e.from, e.to])).toEqual([[1, 0]]);
  });

  it('reports an active session while its endpoint connection is open', () => {
    const live = clone(chat);
    const c = live.connections[0];
    if (c !== undefined) c.ended = null;
    const d = live.sip[0];
    if (d !== undefined) d.state = 'confirmed';
    expect(sessionRows(live)[0]?.state).toBe('active');
  });
});

describe('list filter', () => {
  it('parses words and structured terms', () => {
    expect(parseFilter('  Bob  method:send status:4xx state:Active delivery:failed type:text/plain state:bogus')).toEqual({
      words: ['bob', 'text/plain'],
      methods: ['SEND'],
      statuses: ['4xx'],
      states: ['active'],
      messageStates: [],
      delivery: ['failed'],
      connections: [],
      invalid: ['state:bogus'],
    });
  });

  it('matches ends, Call-ID, Message-ID and content types of the chat session', () => {
    const r = sessionRows(chat)[0] as SessionRow;
    for (const yes of ['bob', 'ALICE@example', 'c7f3a9e2', 'm-file-0004', 'application/octet-stream', 'message/cpim', 'photo.bin', 'b0bS3ssi0n', 'bob m-hello']) {
      expect(rowMatches(r, parseFilter(yes), (x) => rowHaystack(chat, x)), yes).toBe(true);
    }
    for (const no of ['carol', 'm-file-0005', 'image/jpeg', 'bob carol']) expect(rowMatches(r, parseFilter(no), (x) => rowHaystack(chat, x)), no).toBe(false);
  });

  it('matches method, status, state and delivery terms', () => {
    const r = sessionRows(chat)[0] as SessionRow;
    const t = (f: string): boolean => rowMatches(r, parseFilter(f), () => {
      throw new Error('no free text: the haystack is not asked for');
    });
    expect(t('method:SEND')).toBe(true);
    expect(t('method:AUTH')).toBe(false);
    expect(t('method:AUTH method:REPORT')).toBe(true);
    expect(t('status:200')).toBe(true);
    expect(t('status:2xx')).toBe(true);
    expect(t('status:481')).toBe(false);
    expect(t('state:closed')).toBe(true);
    expect(t('state:active')).toBe(false);
    expect(t('delivery:delivered')).toBe(true);
    expect(t('delivery:failed')).toBe(false);
  });
});

describe.skipIf(!HAVE_CORPUS)('session list over the relay corpus', () => {
  let doc: JsonDocument;
  beforeAll(async () => {
    doc = (await built(corpusFile('relay_abort_fail.pcap'))).doc;
  });

  it('lists the sessions and one "(no session)" row for the AUTH no session shows', () => {
    const rows = sessionRows(doc);
    expect(rows.map((r) => r.key)).toEqual(['s0', 's1', 's2', 'c1']);
    const s0 = rows[0] as SessionRow;
    expect(s0.relays).toEqual(['127.0.0.1:2865', '127.0.0.1:2867']);
    expect([s0.messages, s0.bytes, s0.delivered, s0.failed, s0.unknown]).toEqual([4, 16430, 1, 2, 1]);
    expect(s0.statuses).toEqual([200, 415, 481]);
    const c1 = rows[3] as SessionRow;
    expect(c1.scope).toEqual({ kind: 'connection', connection: 1 });
    expect(c1.ends).toEqual(['127.0.0.1:57638/MxhXINyn9kN9', '127.0.0.1:2865']);
    expect(c1.methods).toEqual(['AUTH']);
    expect(c1.start?.frame).toBe(15);
    expect(c1.auth).toEqual({ result: 'rejected', code: 423 });
    expect(rows.map((r) => r.unanswered)).toEqual([0, 0, 0, 0]);
  });

  it('tells the sessions apart by session-id and shows the failed AUTH, in 80 columns', () => {
    const rows = sessionRows(doc);
    expect(rows.map((r) => r.ends[1])).toEqual(['127.0.0.1:46588/6AGzy0DjrZxP', '127.0.0.1:2865/nosuchsession', '127.0.0.1:2865/msrp-6b07195d-32c1-6', '127.0.0.1:2865']);
    const cols = listColumns(80, rows);
    // No SIP: no Call-ID column; the relays do not fit: their number.
    expect(cols.map((c) => c.key)).toEqual(['index', 'start', 'ends', 'relays', 'messages', 'bytes', 'delivery', 'state']);
    expect([lineText(listHeaderLine(cols, { key: 'index', descending: false })), ...rows.map((r) => lineText(listRowLine(r, cols)))]).toEqual([
      ' #▲ Start    Ends                                 Rl Msgs Bytes Delivery  State ',
      '  0 17:23:02 …:57624/uxX…X5h ↔ …:46588/6AGzy…rZxP  2    4   16k ✓1 ✗2 ?1  closed',
      '  1 17:23:02 …:57624/uxX…X5h ↔ …:2865/nosuc…ssion       1    10 ✓0 ✗1 ?0  closed',
      '  2 17:23:03 …:57624/uxX…X5h ↔ …:2865/msrp-…2c1-6       0     0 ✓0 ✗0 ?0  closed',
      ' c1 17:22:57 …:57638/Mxh…kN9 ↔ 127.0.0.1:2865           -     - AUTH ✗423 closed',
    ]);
    // The failed AUTH is drawn as a failure.
    expect(listRowLine(rows[3] as SessionRow, cols).find((s) => s.text.startsWith('AUTH'))).toEqual({ text: 'AUTH ✗423', style: 'fail' });
  });

  it('shows whole session-ids and the relays in 160 columns, the arrows lined up', () => {
    const rows = sessionRows(doc);
    const cols = listColumns(160, rows);
    expect(cols.reduce((n, c) => n + c.width, 0) + cols.length - 1).toBe(160);
    const pad = (s: string): string => s.padEnd(66);
    expect([lineText(listHeaderLine(cols, { key: 'index', descending: false })), ...rows.map((r) => lineText(listRowLine(r, cols)))]).toEqual([
      ` #▲ Start        ${pad('Ends')} ${'Relays'.padEnd(48)} Msgs Bytes Delivery  State `,
      `  0 17:23:02.195 ${pad('127.0.0.1:57624/uxXGfzsbyX5h ↔ 127.0.0.1:46588/6AGzy0DjrZxP')} ${'127.0.0.1:2865 127.0.0.1:2867'.padEnd(48)}    4   16k ✓1 ✗2 ?1  closed`,
      `  1 17:23:02.696 ${pad('127.0.0.1:57624/uxXGfzsbyX5h ↔ 127.0.0.1:2865/nosuchsession')} ${''.padEnd(48)}    1    10 ✓0 ✗1 ?0  closed`,
      `  2 17:23:03.298 ${pad('127.0.0.1:57624/uxXGfzsbyX5h ↔ 127.0.0.1:2865/msrp-6b07195d-32c1-6')} ${''.padEnd(48)}    0     0 ✓0 ✗0 ?0  closed`,
      ` c1 17:22:57.189 ${pad('127.0.0.1:57638/MxhXINyn9kN9 ↔ 127.0.0.1:2865')} ${''.padEnd(48)}    -     - AUTH ✗423 closed`,
    ]);
  });

  it('sorts and filters on the AUTH failure', () => {
    const rows = sessionRows(doc);
    // Delivery failures: s0 has 2 failed messages, s1 one, c1 its failed AUTH.
    expect(sortRows(rows, { key: 'delivery', descending: true }).map((r) => r.key)).toEqual(['s0', 's1', 'c1', 's2']);
    expect(filterRows(rows, parseFilter('status:423'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['c1']);
    expect(filterRows(rows, parseFilter('nosuchsession'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s1']);
    expect(filterRows(rows, parseFilter('msrp-6b07195d-32c1-6'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s0', 's2']);
  });

  it('sorts by any column, both ways', () => {
    const rows = sessionRows(doc);
    const keys = (key: Parameters<typeof sortRows>[1]['key'], descending = false): string[] => sortRows(rows, { key, descending }).map((r) => r.key);
    expect(keys('index')).toEqual(['s0', 's1', 's2', 'c1']);
    expect(keys('index', true)).toEqual(['c1', 's2', 's1', 's0']);
    expect(keys('start')).toEqual(['c1', 's0', 's1', 's2']);
    expect(keys('bytes', true)).toEqual(['s0', 's1', 's2', 'c1']);
    expect(keys('messages')).toEqual(['s2', 'c1', 's1', 's0']);
    expect(keys('delivery', true)[0]).toBe('s0');
    expect(keys('relays', true)[0]).toBe('s0');
  });

  it('filters by status and delivery', () => {
    const rows = sessionRows(doc);
    expect(filterRows(rows, parseFilter('status:481'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s0', 's1']);
    expect(filterRows(rows, parseFilter('status:415'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s0']);
    expect(filterRows(rows, parseFilter('method:NICKNAME'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s2']);
    expect(filterRows(rows, parseFilter('delivery:unknown'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s0']);
    expect(filterRows(rows, parseFilter('nosuchsession'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s1']);
    expect(filterRows(rows, parseFilter('method:AUTH'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['c1']);
  });
});

describe('session list: unanswered requests, empty columns, ends that differ only by session-id', () => {
  it('counts unanswered requests of a session and shows them in a column of their own', () => {
    const doc = clone(chat);
    const t = doc.transactions.find((x) => x.method === 'SEND');
    if (t === undefined) throw new Error('no SEND');
    t.state = 'unanswered';
    t.response = null;
    const rows = sessionRows(doc);
    expect(rows.map((r) => [r.key, r.unanswered])).toEqual([['s0', 1]]);
    const cols = listColumns(80, rows);
    expect(cols.map((c) => c.key)).toEqual(['index', 'start', 'ends', 'callId', 'messages', 'bytes', 'delivery', 'unanswered', 'state']);
    expect(lineText(listHeaderLine(cols, { key: 'unanswered', descending: false }))).toBe('  # Start    Ends                     Call-ID   Msgs Bytes Delivery Unan▲ State ');
    expect(lineText(listRowLine(rows[0] as SessionRow, cols))).toBe('  0 09:46:43 alice@exam… ↔ bob@examp… c7f3a9e2…    4   10k ✓4 ✗0 ?0     1 closed');
    expect(listRowLine(rows[0] as SessionRow, cols).find((s) => s.text.trim() === '1')?.style).toBe('warn');
    expect(lineText(listHeaderLine(listColumns(160, rows), { key: 'index', descending: false }))).toMatch(/ Delivery Unanswered State $/);
  });

  it('shows the unanswered requests of a connection row, and sorts by them', () => {
    const doc = clone(chat);
    const t = doc.transactions[0];
    if (t === undefined) throw new Error('no transaction');
    t.session = null;
    t.message = null;
    t.state = 'unanswered';
    t.response = null;
    const rows = sessionRows(doc);
    expect(rows.map((r) => [r.key, r.unanswered, r.auth])).toEqual([
      ['s0', 0, null],
      ['c0', 1, null],
    ]);
    const cols = listColumns(80, rows);
    const c0 = lineText(listRowLine(rows[1] as SessionRow, cols));
    expect(c0).toBe(' c0 09:46:43 …10:49733  ↔ …20:2855    no sessi…    -     -              1 closed');
    expect(sortRows(rows, { key: 'unanswered', descending: true }).map((r) => r.key)).toEqual(['c0', 's0']);
    expect(sortRows(rows, { key: 'unanswered', descending: false }).map((r) => r.key)).toEqual(['s0', 'c0']);
  });

  it('keeps the session-id of an end when it is cut, so ends that differ only there still differ', () => {
    const a = '127.0.0.1:2865/nosuchsession';
    const b = '127.0.0.1:2865/msrp-6b07195d-32c1-6';
    expect(fitEnd(a, 40)).toBe(a);
    expect(fitEnd(b, 28)).toBe('127.0.0.1:2865/msrp-6…32c1-6');
    expect(fitEnd(b, 20)).toBe('…:2865/msrp-6…32c1-6');
    expect(fitEnd(a, 20)).toBe('…:2865/nosuchsession');
    for (let w = 12; w <= 40; w++) {
      const [x, y] = [fitEnd(a, w), fitEnd(b, w)];
      expect(displayWidth(x), `${w}`).toBeLessThanOrEqual(w);
      expect(displayWidth(y), `${w}`).toBeLessThanOrEqual(w);
      expect(x, `${w}`).not.toBe(y);
      expect(x, `${w}`).toMatch(/:2865\/n.*n$/);
    }
    // Names keep their start, addresses their last parts, host:port its port, user@host its user.
    expect(fitEnd('relay.example.com:2855/abcdefghijkl', 28)).toBe('relay.exa…:2855/abcdefghijkl');
    expect(fitEnd('192.0.2.10:49733', 12)).toBe('…2.10:49733');
    expect(fitEnd('alice@example.com', 10)).toBe('alice@exa…');
  });

  it('leaves out columns whose cells are all empty, with their header', () => {
    const doc = clone(chat);
    for (const s of doc.sessions) s.sip = null;
    doc.sip = [];
    const rows = sessionRows(doc);
    expect(rows[0]?.callId).toBeNull();
    const cols = listColumns(80, rows);
    expect(cols.map((c) => c.title)).toEqual(['#', 'Start', 'Ends', 'Msgs', 'Bytes', 'Delivery', 'State']);
    expect(lineText(listRowLine(rows[0] as SessionRow, cols))).toBe(
      '  0 09:46:43 alice@example.com ↔ …20:2855/b0bS3ssi0n     4   10k ✓4 ✗0 ?0 closed',
    );
  });
});

describe.skipIf(!HAVE_CORPUS)('session list: unanswered requests in a real capture (relay_chunked_gap)', () => {
  it('shows the two unanswered SEND chunks on the session row', async () => {
    const doc = (await built(corpusFile('relay_chunked_gap.pcap'))).doc;
    const rows = sessionRows(doc);
    expect(rows.map((r) => [r.key, r.unanswered, r.auth?.result ?? null])).toEqual([
      ['s0', 2, null],
      ['c0', 0, 'authorized'],
      ['c1', 0, 'authorized'],
    ]);
    const cols = listColumns(80, rows);
    expect([lineText(listHeaderLine(cols, { key: 'index', descending: false })), ...rows.map((r) => lineText(listRowLine(r, cols)))]).toEqual([
      ' #▲ Start    Ends                            Rl Msgs Bytes Delivery Unans State ',
      '  0 17:22:51 …:38676/fnL…Hl ↔ …:39930/8vs…93  2    3  140k ✓3 ✗0 ?0     2 closed',
      ' c0 17:22:51 …:38676/fnL…Hl ↔ 127.0.0.1:2865       -     - AUTH ✓         closed',
      ' c1 17:22:51 …:39930/8vs…93 ↔ 127.0.0.1:2867       -     - AUTH ✓         closed',
    ]);
    expect(filterRows(rows, parseFilter('8vsl2OBdRU93'), (x) => rowHaystack(doc, x)).map((r) => r.key)).toEqual(['s0', 'c1']);
  });
});
