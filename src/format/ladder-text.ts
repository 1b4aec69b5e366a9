/**
 * The ladder as plain text (`--ladder`, and `W` in the TUI): the TUI's ladder lines (ladder-lines.ts) with every
 * message unfolded into its chunks, absolute times, no style. Lines are as wide as the widest one needs (the
 * legend on one line, no label cut, never narrower than 80 columns), so nothing depends on a terminal; trailing
 * spaces are dropped. Capture text is escaped by the view models (seg), so no control character gets through.
 */
import type { JsonTime } from '../export/json-types.js';
import { escapeText } from '../util/escape.js';
import { recordIndex, type RecordIndex, type RecordSource } from '../export/record-index.js';
import { clockTime, datePart, fmtBytes } from './format.js';
import { buildLadder, type Ladder } from './ladder.js';
import { flattenLadder, ladderFullWidth, ladderHeader, ladderLayout, ladderRowLine, type LadderRow } from './ladder-lines.js';
import { lineText, seg, type Line } from './line.js';
import { sessionRows, type Scope, type SessionRow } from './session-list.js';
import { displayWidth } from './text-width.js';

/** The narrowest text ladder. */
export const MIN_TEXT_WIDTH = 80;

/** Shown instead of rows when a ladder has none (as on the TUI's screen). */
export const EMPTY_LADDER_LINE: Line = [seg('  nothing on this ladder yet', 'dim')];

/** Every message of the ladder unfolded (the keys `x` opens in the TUI). */
export function allUnfolded(l: Ladder): Set<string> {
  return new Set(l.entries.filter((e) => e.expandable).map((e) => e.key));
}

function rowMarkerWidth(r: LadderRow): number {
  return r.depth === 1 ? 4 : 2;
}

/** A width in which no line of the ladder is cut: the legend on one line, every label whole. */
export function ladderTextWidth(l: Ladder, rows: readonly LadderRow[]): number {
  const n = Math.max(1, l.participants.length);
  const base = Math.max(MIN_TEXT_WIDTH, ladderFullWidth(n));
  const labelStart = ladderLayout(n, base).labelStart;
  let need = base;
  for (const r of rows) {
    let w = rowMarkerWidth(r);
    for (const s of r.entry.label) w += displayWidth(s.text);
    need = Math.max(need, labelStart + w);
  }
  const legend = l.participants.map((p) => `${p.short} ${p.label}`).join('  ');
  return Math.max(need, displayWidth(legend));
}

/** A line's text without trailing spaces. */
function plain(line: Line): string {
  return lineText(line).trimEnd();
}

/**
 * The text of one ladder: the TUI's lines (styles dropped) with every message unfolded, without trailing spaces.
 * Each line is made into text as soon as it is drawn, so that a large session's styled lines are not all alive at
 * once (they would outlive the young generation and be promoted, only to die).
 */
export function ladderText(l: Ladder): string[] {
  const rows = flattenLadder(l, allUnfolded(l));
  const layout = ladderLayout(l.participants.length, ladderTextWidth(l, rows));
  const out = ladderHeader(l, layout, 'absolute').map(plain);
  rows.forEach((r, i) => out.push(plain(ladderRowLine(r, rows[i - 1], layout, 'absolute'))));
  if (rows.length === 0) out.push(plain(EMPTY_LADDER_LINE));
  return out;
}

/** The header line of a list row's ladder: who, when, what it counts. */
export function ladderTitleLine(source: RecordSource, row: SessionRow, ladder: Ladder): string {
  const parts: string[] = [];
  // The span of what the ladder shows (its SIP rows too), not only the session's MSRP.
  let first: JsonTime | undefined;
  let last: JsonTime | undefined;
  for (const e of ladder.entries) {
    if (e.at.time === '') continue;
    if (first === undefined || e.at.epoch < first.epoch) first = e.at;
    if (last === undefined || e.at.epoch > last.epoch) last = e.at;
    for (const c of e.expandable ? e.children : []) if (c.at.time !== '' && c.at.epoch > last.epoch) last = c.at;
  }
  const span = first === undefined || last === undefined ? undefined : `${datePart(first.time)} ${clockTime(first.time)}–${clockTime(last.time)} UTC`;
  if (row.scope.kind === 'session') {
    const id = row.scope.session;
    const s = recordIndex(source).session(id);
    parts.push(`session ${id}: ${row.ends[0]} ↔ ${row.ends[1]}`);
    if (s !== undefined) {
      parts.push(`${s.endpoints[0].uri} ↔ ${s.endpoints[1].uri}`);
      if (s.relays.length > 0) parts.push(`relays ${s.relays.join(' ')}`);
      const requests = Object.values(s.requests).reduce((a, b) => a + b, 0);
      if (span !== undefined) parts.push(span);
      parts.push(`${s.messages} messages (${fmtBytes(s.bytes)})`, `delivered ${row.delivered} failed ${row.failed} unknown ${row.unknown}`);
      parts.push(`${requests} requests${row.unanswered > 0 ? ` (${row.unanswered} unanswered)` : ''}`);
      parts.push(`connections ${s.connections.join(' ')}`);
      if (s.sip !== null) parts.push(`Call-ID ${s.sip.callId}`);
    }
  } else {
    parts.push(`connection ${row.scope.connection} (no session): ${row.ends[0]} ↔ ${row.ends[1]}`);
    if (span !== undefined) parts.push(span);
    if (row.unanswered > 0) parts.push(`${row.unanswered} unanswered`);
  }
  parts.push(`state ${row.state}`);
  return escapeText(`=== ${parts.join(' · ')}`);
}

/** The list rows (sessions, then connections outside any session) whose ladders `scopes` name, or all. */
function rowsOf(ix: RecordIndex, scopes: readonly Scope[] | undefined): SessionRow[] {
  const rows = sessionRows(ix);
  if (scopes === undefined) return rows;
  const same = (a: Scope, b: Scope): boolean =>
    a.kind === 'session' ? b.kind === 'session' && a.session === b.session : b.kind === 'connection' && a.connection === b.connection;
  return rows.filter((r) => scopes.some((s) => same(s, r.scope)));
}

/**
 * The ladders of the document (or of `scopes`) one after another, in the session list's order: a header
 * line per ladder, its lines, an empty line between ladders. Ends with a newline ('' when there is none).
 */
export function documentLadderText(source: RecordSource, scopes?: readonly Scope[]): string {
  const blocks = [...ladderTextBlocks(recordIndex(source), scopes)];
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

/**
 * The blocks of documentLadderText (a header line and the ladder's lines, no newline at the end) one at a time:
 * from a model index, only the records of the ladder being drawn are made and held.
 */
export function* ladderTextBlocks(ix: RecordIndex, scopes?: readonly Scope[]): Generator<string, void, undefined> {
  for (const row of rowsOf(ix, scopes)) {
    const ladder = buildLadder(ix, row.scope);
    yield [ladderTitleLine(ix, row, ladder), ...ladderText(ladder)].join('\n');
  }
}
