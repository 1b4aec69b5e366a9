import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { filterRows, parseFilter, rowMatches } from '../../src/tui/view-models/filter.js';
import { lineText } from '../../src/tui/view-models/line.js';
import { sessionRows, sortRows, type SessionRow } from '../../src/tui/view-models/session-list.js';
import { listColumns, listHeaderLine, listRowLine, listSummaryLines } from '../../src/tui/view-models/session-list-lines.js';
import { displayWidth } from '../../src/tui/view-models/text-width.js';
import { buildLadder } from '../../src/tui/view-models/ladder.js';
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

  it('renders the row and the header in 80 columns', () => {
    const rows = sessionRows(chat);
    const cols = listColumns(80, rows);
    expect(cols.reduce((n, c) => n + c.width, 0) + cols.length - 1).toBe(80);
    const header = lineText(listHeaderLine(cols, { key: 'index', descending: false }));
    expect(header).toMatch(/^ {1}#▲ Start +Ends +Rl Call-ID +Msgs Bytes Delivery +State $/);
    const row = lineText(listRowLine(rows[0] as SessionRow, cols));
    expect(displayWidth(row)).toBe(80);
    expect(row).toContain('  0 09:46:43 alice@exa… ↔ bob@examp…');
    expect(row).toContain('c7f3a9e2@1…');
    expect(row).toMatch(/ {3}4 +10k ✓4 ✗0 \?0 +closed$/);
    const wide = lineText(listRowLine(rows[0] as SessionRow, listColumns(160, rows)));
    expect(wide).toContain('09:46:43.927 alice@example.com ↔ bob@example.net');
    expect(wide).toContain('c7f3a9e2@192.0.2.10');
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
      invalid: ['state:bogus'],
    });
  });

  it('matches ends, Call-ID, Message-ID and content types of the chat session', () => {
    const r = sessionRows(chat)[0] as SessionRow;
    for (const yes of ['bob', 'ALICE@example', 'c7f3a9e2', 'm-file-0004', 'application/octet-stream', 'message/cpim', 'photo.bin', 'b0bS3ssi0n', 'bob m-hello']) {
      expect(rowMatches(r, parseFilter(yes)), yes).toBe(true);
    }
    for (const no of ['carol', 'm-file-0005', 'image/jpeg', 'bob carol']) expect(rowMatches(r, parseFilter(no)), no).toBe(false);
  });

  it('matches method, status, state and delivery terms', () => {
    const r = sessionRows(chat)[0] as SessionRow;
    const t = (f: string): boolean => rowMatches(r, parseFilter(f));
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
    const cols = listColumns(80, rows);
    expect(lineText(listRowLine(c1, cols))).toContain('no session');
    expect(lineText(listRowLine(s0, cols))).toMatch(/ 2 +4 +16k ✓1 ✗2 \?1 +closed$/);
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
    expect(filterRows(rows, parseFilter('status:481')).map((r) => r.key)).toEqual(['s0', 's1']);
    expect(filterRows(rows, parseFilter('status:415')).map((r) => r.key)).toEqual(['s0']);
    expect(filterRows(rows, parseFilter('method:NICKNAME')).map((r) => r.key)).toEqual(['s2']);
    expect(filterRows(rows, parseFilter('delivery:unknown')).map((r) => r.key)).toEqual(['s0']);
    expect(filterRows(rows, parseFilter('nosuchsession')).map((r) => r.key)).toEqual(['s1']);
    expect(filterRows(rows, parseFilter('method:AUTH')).map((r) => r.key)).toEqual(['c1']);
  });
});
