/**
 * The TUI filter against the filter table: every term the table (and so the README and the help) names is
 * understood; message-level terms (`state:aborted|incomplete|complete`, `delivery:...`) keep the sessions
 * having such a message; the help and the "not understood" text come from the table.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILTER_TERMS } from '../../src/export/filter-terms.js';
import { recordIndex } from '../../src/export/record-index.js';
import type { JsonDocument } from '../../src/export/json-types.js';
import { filterRows, invalidText, parseFilter } from '../../src/format/filter.js';
import { helpLines } from '../../src/format/help.js';
import { lineText } from '../../src/format/line.js';
import { rowHaystack, sessionRows } from '../../src/format/session-list.js';
import { TuiController, type Frame } from '../../src/tui/screens/controller.js';
import { built, CHAT, corpusFile, HAVE_CORPUS, ROOT, k, ENTER } from './fixtures.js';


function rows(f: Frame): string[] {
  return f.rows.map((r) => lineText(r.line));
}

function keep(doc: JsonDocument, text: string): string[] {
  return filterRows(sessionRows(doc), parseFilter(text), (r) => rowHaystack(doc, r)).map((r) => r.key);
}

/** Types `/TEXT` into the list and returns the frame (Enter when `enter`). */
function typeFilter(doc: JsonDocument, text: string, enter: boolean): Frame {
  const c = new TuiController({ getDocument: () => doc });
  c.key(k('/'));
  for (const ch of text) c.key(k(ch));
  if (enter) c.key(ENTER);
  return c.frame(80, 24);
}

describe('filter terms of the table', () => {
  it('understands every value of every term the table gives the TUI', () => {
    let checked = 0;
    for (const t of FILTER_TERMS) {
      if (t.tui === null || t.key === '') continue;
      // `status:481|4xx` shows two forms.
      for (const form of t.tui.split('|')) {
        const term = form.includes(':') ? form : `${t.key}:${form}`;
        expect(parseFilter(term).invalid, term).toEqual([]);
        checked++;
      }
      for (const v of t.values) {
        expect(parseFilter(`${t.key}:${v}`).invalid, `${t.key}:${v}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBe(8 + 8);
  });

  it('understands every `key:value` term the README shows', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const terms = [...readme.matchAll(/`((?:state|delivery|method|status|connection):[^`\s|\\]+)`/g)].map((m) => m[1] as string);
    // The TUI section names state:aborted; the filter table names every term.
    expect(terms).toContain('state:aborted');
    expect(terms).toContain('delivery:failed');
    for (const t of terms) expect(parseFilter(t).invalid, t).toEqual([]);
  });

  it('parses message states apart from session states', () => {
    const f = parseFilter('state:Aborted state:closed state:incomplete state:COMPLETE delivery:unknown state:aborted');
    expect(f.states).toEqual(['closed']);
    expect(f.messageStates).toEqual(['aborted', 'incomplete', 'complete']);
    expect(f.delivery).toEqual(['unknown']);
    expect(f.invalid).toEqual([]);
    expect(parseFilter('state:gone delivery:lost').invalid).toEqual(['state:gone', 'delivery:lost']);
  });

  it('says what a key takes when a value is not understood, from the table', () => {
    expect(invalidText(parseFilter('state:gone'))).toBe('not understood; state: active closed aborted incomplete complete');
    expect(invalidText(parseFilter('delivery:lost state:x state:y'))).toBe(
      'not understood; delivery: delivered failed unknown; state: active closed aborted incomplete complete',
    );
    expect(invalidText(parseFilter('status:abc'))).toBe('not understood; status: 481|4xx');
  });

  it('lists every TUI term of the table in the help, with its values', () => {
    const lines = helpLines().map(lineText);
    const at = lines.indexOf('Filter prompt');
    expect(at).toBeGreaterThan(0);
    const section = lines.slice(at + 1, lines.indexOf('', at));
    expect(section).toEqual([
      '  text            filters as you type; all words must match (terms below too)',
      '  type:TYPE       the same as the word TYPE (content types are words)',
      '  method:SEND     sessions with a request of that method',
      '  status:481|4xx  sessions with that response or REPORT status, or class',
      '  state:closed    sessions open or ended: active closed',
      '  state:aborted   sessions where a message is: aborted incomplete complete',
      '  delivery:failed sessions where a message was: delivered failed unknown',
      '  connection:3    sessions with that connection (0-based, as connections[].id), or its own row',
      '  Enter           keep the filter',
      '  Esc             cancel (restore the previous filter)',
      '  Backspace C-u   delete a character / the whole text',
    ]);
    for (const t of FILTER_TERMS) if (t.tui !== null && t.key !== '') expect(section.some((l) => l.includes(t.tui as string)), t.tui).toBe(true);
  });
});

describe('message-level filters on samples/chat.pcap (4 complete messages, all delivered)', () => {
  let chat: JsonDocument;
  beforeAll(async () => {
    chat = (await built(CHAT)).doc;
  });

  it('keeps the session for the states and outcomes it has, none for the others', () => {
    expect(sessionRows(chat)[0]?.messageStates).toEqual(['complete']);
    expect(keep(chat, 'state:complete')).toEqual(['s0']);
    expect(keep(chat, 'state:aborted')).toEqual([]);
    expect(keep(chat, 'state:incomplete')).toEqual([]);
    expect(keep(chat, 'state:aborted state:complete')).toEqual(['s0']);
    expect(keep(chat, 'delivery:delivered')).toEqual(['s0']);
    expect(keep(chat, 'delivery:failed')).toEqual([]);
    expect(keep(chat, 'delivery:unknown')).toEqual([]);
    expect(keep(chat, 'state:closed state:complete')).toEqual(['s0']);
    expect(keep(chat, 'state:active state:complete')).toEqual([]);
  });

  it('reads the messages for the free-text filter only when words are typed, once per row', () => {
    // The index the list reads, counting the calls for a session's messages.
    const ix = recordIndex(chat);
    let calls = 0;
    const counted = new Proxy(ix, {
      get: (t, p) => (p === 'rowMessages' ? (id: number) => (calls++, t.rowMessages(id)) : (Reflect.get(t, p) as unknown)),
    });
    const c = new TuiController({ getDocument: () => counted });
    c.frame(80, 24);
    const rowsMade = calls;
    expect(rowsMade).toBeGreaterThan(0);
    // Redrawn without a filter: no haystack.
    c.frame(80, 24);
    expect(calls).toBe(rowsMade);
    // Words: the row's haystack is made once (it reads the session's messages), then reused as the text grows.
    c.key(k('/'));
    for (const ch of 'bob') c.key(k(ch));
    const shown = (): string[] => rows(c.frame(80, 24)).filter((r) => /^ +0 /.test(r) || r.includes('no session matches'));
    expect(shown()).toEqual(['  0 09:46:43 alice@exampl… ↔ bob@example… c7f3a9e2@1…    4   10k ✓4 ✗0 ?0 closed']);
    const withHaystack = calls;
    expect(withHaystack).toBe(rowsMade + 1);
    for (const ch of ' m-file-0004') c.key(k(ch));
    expect(shown()).toHaveLength(1);
    expect(calls).toBe(withHaystack);
    for (const ch of 'x') c.key(k(ch));
    expect(shown()).toEqual(['  no session matches the filter']);
    expect(calls).toBe(withHaystack);
  });

  it('shows "no session matches" for state:aborted, not "not understood"', () => {
    const f = typeFilter(chat, 'state:aborted', false);
    expect(lineText(f.bottom)).toBe('/state:aborted█  Enter keep · Esc cancel');
    expect(rows(f).slice(3).filter((r) => r.trim() !== '')).toEqual(['  no session matches the filter']);
  });
});

describe.skipIf(!HAVE_CORPUS)('message-level filters on relay_abort_fail.pcap', () => {
  let doc: JsonDocument;
  beforeAll(async () => {
    doc = (await built(corpusFile('relay_abort_fail.pcap'))).doc;
  });

  it('keeps the sessions having a message in that state or with that delivery', () => {
    // s0 holds the aborted image and three complete messages (1 delivered, 2 failed, the image unknown);
    // s1 the SEND answered 481 (complete, failed); s2 only the NICKNAME; c1 the failed AUTH.
    expect(sessionRows(doc).map((r) => [r.key, r.messageStates])).toEqual([
      ['s0', ['aborted', 'complete']],
      ['s1', ['complete']],
      ['s2', []],
      ['c1', []],
    ]);
    expect(keep(doc, 'state:aborted')).toEqual(['s0']);
    expect(keep(doc, 'state:incomplete')).toEqual([]);
    expect(keep(doc, 'state:complete')).toEqual(['s0', 's1']);
    expect(keep(doc, 'delivery:delivered')).toEqual(['s0']);
    expect(keep(doc, 'delivery:failed')).toEqual(['s0', 's1']);
    expect(keep(doc, 'delivery:unknown')).toEqual(['s0']);
    expect(keep(doc, 'state:closed')).toEqual(['s0', 's1', 's2', 'c1']);
    expect(keep(doc, 'state:aborted delivery:failed')).toEqual(['s0']);
    expect(keep(doc, 'state:complete status:481 nosuchsession')).toEqual(['s1']);
  });

  it('lists only session 0 after /state:aborted Enter', () => {
    const f = typeFilter(doc, 'state:aborted', true);
    const listed = rows(f).slice(3).filter((r) => r.trim() !== '');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(/^ {2}0 17:23:02 /);
    expect(rows(f)[1]).toMatch(/rows 1\/4$/);
    expect(lineText(f.bottom)).toBe('filter: state:aborted  / edit · Esc clear · ? help');
  });
});
