/** Session list → screen lines: column widths for a terminal width, the header, rows, capture totals. */
import type { JsonDocument } from '../export/json-types.js';
import { escapeText } from '../util/escape.js';
import { clockTime, datePart, fmtBytesShort } from './format.js';
import { seg, type Line, type Style } from './line.js';
import { rowFailed, SORT_KEYS, type SessionRow, type Sort, type SortKey } from './session-list.js';
import { displayWidth, fit, truncate, truncateMiddle } from './text-width.js';


export interface ListColumn {
  key: SortKey;
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Ends: the widest left and right end of the rows the widths came from (aligns the `↔`). */
  ends?: { left: number; right: number };
  /** Relays: the relay addresses, or only their number when they do not fit. */
  relays?: 'list' | 'count';
}

const ARROW = ' ↔ ';
/** Cells a session-id keeps at least (when the column has them) before the host gets any. */
const SID_MIN = 12;
/** A host cut shorter than this is shown as `…` alone. */
const HOST_MIN = 4;
/** Share of the width Ends leaves to Call-ID when both cannot be whole. */
const CALL_ID_SHARE = 0.3;
const CALL_ID_KEEP = 20;
const DELIVERY_MAX = 17;

/** The Delivery cell: `✓3 ✗1 ?0` for a session, how its AUTH went (`AUTH ✗401`) for a connection row. */
export function deliveryText(r: SessionRow): string {
  if (r.scope.kind === 'session') return `✓${r.delivered} ✗${r.failed} ?${r.unknown}`;
  // A connection row carries no message: its cell tells how its AUTH went.
  const a = r.auth;
  if (a === null) return '';
  if (a.result === 'authorized') return 'AUTH ✓';
  if (a.result === 'unanswered') return 'AUTH ?';
  return a.code === null ? 'AUTH ✗' : `AUTH ✗${a.code}`;
}

function startText(r: SessionRow, wide: boolean): string {
  return r.start === null ? '-' : clockTime(r.start.time, wide ? 3 : 0);
}

/** The text of a cell before it is fitted to its column (the relays as a list). */
function cellText(r: SessionRow, key: SortKey, wide: boolean): string {
  switch (key) {
    case 'index':
      return r.label;
    case 'start':
      return startText(r, wide);
    case 'ends':
      return `${r.ends[0]}${ARROW}${r.ends[1]}`;
    case 'relays':
      return r.relays.join(' ');
    case 'callId':
      return r.callId ?? '';
    case 'messages':
      return r.scope.kind === 'session' ? String(r.messages) : '-';
    case 'bytes':
      return r.scope.kind === 'session' ? fmtBytesShort(r.bytes) : '-';
    case 'delivery':
      return deliveryText(r);
    case 'unanswered':
      return r.unanswered > 0 ? String(r.unanswered) : '';
    case 'state':
      return r.state;
  }
}

const TITLES: Record<SortKey, string> = {
  index: '#',
  start: 'Start',
  ends: 'Ends',
  relays: 'Relays',
  callId: 'Call-ID',
  messages: 'Msgs',
  bytes: 'Bytes',
  delivery: 'Delivery',
  unanswered: 'Unanswered',
  state: 'State',
};

const RIGHT = new Set<SortKey>(['index', 'messages', 'bytes', 'unanswered']);
/** Columns shown even when every cell is empty. */
const ALWAYS = new Set<SortKey>(['index', 'ends', 'state']);

/**
 * Column widths for a terminal width from the rows shown: each column as wide as its widest cell (and
 * its title); a column whose cells are all empty (`''` or `-`) is left out. Ends, Call-ID and Relays
 * share what the fixed columns leave: Ends whole comes first, then the relays listed (else only their
 * number, `Rl`), then Call-ID; the surplus goes to Relays (or Ends). When Ends cannot be whole, Call-ID
 * keeps a share (CALL_ID_SHARE) and Ends gets the rest.
 */
export function listColumns(width: number, rows: readonly SessionRow[] = []): ListColumn[] {
  const wide = width >= 120;
  const natural = (key: SortKey): number => {
    let n = 0;
    for (const r of rows) n = Math.max(n, displayWidth(escapeText(cellText(r, key, wide))));
    return n;
  };
  const shown = (key: SortKey): boolean => ALWAYS.has(key) || rows.some((r) => !['', '-'].includes(cellText(r, key, wide)));
  const cols: ListColumn[] = [];
  for (const key of SORT_KEYS) {
    if (!shown(key)) continue;
    const title = key === 'unanswered' && !wide ? 'Unans' : TITLES[key];
    cols.push({ key, title, width: Math.max(displayWidth(title), natural(key)), align: RIGHT.has(key) ? 'right' : 'left' });
  }
  const col = (key: SortKey): ListColumn | undefined => cols.find((c) => c.key === key);
  const index = col('index');
  if (index !== undefined) index.width = Math.max(3, index.width);
  const delivery = col('delivery');
  if (delivery !== undefined) delivery.width = Math.min(delivery.width, DELIVERY_MAX);

  // Ends: the widest left end, the arrow, the widest right end.
  const ends = col('ends') as ListColumn;
  let left = 0;
  let right = 0;
  for (const r of rows) {
    left = Math.max(left, displayWidth(r.ends[0]));
    right = Math.max(right, displayWidth(r.ends[1]));
  }
  ends.ends = { left, right };
  const endsNatural = Math.max(displayWidth(ends.title), left + displayWidth(ARROW) + right);
  const callId = col('callId');
  const callNatural = callId?.width ?? 0;
  const relays = col('relays');
  const relaysNatural = relays?.width ?? 0;

  const fixed = cols.reduce((n, c) => (c === ends || c === callId || c === relays ? n : n + c.width), 0);
  const avail = Math.max(0, width - fixed - (cols.length - 1));
  const endsMin = 12;
  const callMin = 7;
  // Beside whole ends and listed relays, Call-ID keeps this much (a long TLS label gives way to the relays).
  const callKeep = Math.min(callNatural, CALL_ID_KEEP);
  const relaysList = relays !== undefined && endsNatural + callKeep + Math.min(relaysNatural, 12) <= avail;
  if (relays !== undefined) {
    relays.relays = relaysList ? 'list' : 'count';
    if (!relaysList) {
      relays.title = 'Rl';
      relays.align = 'right';
      relays.width = 2;
    }
  }
  if (relays !== undefined && relaysList) {
    ends.width = endsNatural;
    const room = avail - endsNatural;
    // The surplus goes to the relays (left-aligned: blank after them).
    relays.width = callNatural + relaysNatural <= room ? room - callNatural : Math.min(relaysNatural, room - callKeep);
    if (callId !== undefined) callId.width = room - relays.width;
    return cols;
  }
  const rest = avail - (relays !== undefined ? 2 : 0);
  if (endsNatural + callNatural <= rest) {
    if (callId !== undefined) callId.width = callNatural;
    ends.width = rest - callNatural;
  } else if (callId === undefined) {
    ends.width = Math.max(endsMin, rest);
  } else {
    // Ends first: Call-ID keeps a share of the width (more if Ends does not need it all).
    const share = Math.min(callNatural, Math.max(callMin, Math.floor(rest * CALL_ID_SHARE)));
    ends.width = Math.min(endsNatural, Math.max(endsMin, rest - share));
    callId.width = Math.max(callMin, rest - ends.width);
  }
  return cols;
}

function joinColumns(cells: Array<{ text: string; style?: Style }>, cols: ListColumn[]): Line {
  const out: Line = [];
  cols.forEach((c, i) => {
    const cell = cells[i] ?? { text: '' };
    if (i > 0) out.push({ text: ' ' });
    const t = fit(escapeText(cell.text), c.width, c.align);
    out.push(cell.style === undefined ? { text: t } : { text: t, style: cell.style });
  });
  return out;
}

export function listHeaderLine(cols: ListColumn[], sort: Sort): Line {
  const cells = cols.map((c) => {
    if (c.key !== sort.key) return { text: c.title };
    const mark = sort.descending ? '▼' : '▲';
    const t = displayWidth(c.title) + 1 <= c.width ? `${c.title}${mark}` : `${c.title.slice(0, Math.max(0, c.width - 1))}${mark}`;
    return { text: t };
  });
  return joinColumns(cells, cols).map((s) => ({ ...s, style: 'head' as const }));
}

/** `…` plus the last whole parts of an address (they differ), or the start of a name and `…`. */
function cutHost(host: string, width: number): string {
  if (displayWidth(host) <= width) return host;
  if (/^[0-9.]+$/.test(host) || host.startsWith('[')) {
    const parts = host.replace(/^\[|\]$/g, '').split(/(?<=[.:])/);
    let tail = '';
    for (let i = parts.length - 1; i >= 0 && displayWidth((parts[i] ?? '') + tail) + 1 <= width; i--) tail = (parts[i] ?? '') + tail;
    return `…${tail}`;
  }
  return truncate(host, width);
}

/**
 * One end in `width` cells. `host:port/session-id` keeps the port; the session-id keeps at least SID_MIN
 * cells (shortened in the middle, never dropped), the host gets what is left (its last address parts, or
 * `…` alone when under HOST_MIN), and the session-id the rest. `host:port` keeps the port, `user@host` the
 * user (cut at the end); anything else is shortened in the middle.
 */
export function fitEnd(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  const slash = s.indexOf('/');
  const authority = slash > 0 ? s.slice(0, slash) : s;
  const colon = authority.lastIndexOf(':');
  const port = colon > 0 ? authority.slice(colon + 1) : '';
  // `user@host` (a SIP or CPIM identity) keeps the user.
  if (s.includes('@') && slash < 0) return truncate(s, width);
  if (colon <= 0 || !/^[0-9]+$/.test(port)) return truncateMiddle(s, width);
  const host = authority.slice(0, colon);
  if (slash < 0) return width > port.length + 2 ? `${cutHost(host, width - port.length - 1)}:${port}` : truncateMiddle(s, width);
  const sid = s.slice(slash + 1);
  const avail = width - port.length - 2;
  if (avail < 3) return truncateMiddle(s, width);
  const hostLen = displayWidth(host);
  const sidLen = displayWidth(sid);
  // The session-id gets what the host leaves, at least SID_MIN cells; the host at least HOST_MIN or just `…`.
  let sidW = Math.min(sidLen, Math.max(SID_MIN, avail - hostLen), avail - 1);
  let hostW = avail - sidW;
  if (hostW < hostLen && hostW < HOST_MIN) {
    hostW = 1;
    sidW = Math.min(sidLen, avail - 1);
  }
  return `${cutHost(host, hostW)}:${port}/${truncateMiddle(sid, sidW)}`;
}

/** The ends cell: the left ends padded to one width so the arrows line up; each end cut by fitEnd. */
function endsText(r: SessionRow, c: ListColumn): string {
  const arrow = displayWidth(ARROW);
  const inner = c.width - arrow;
  const natural = c.ends ?? { left: displayWidth(r.ends[0]), right: displayWidth(r.ends[1]) };
  const { left: l, right: rt } = natural;
  let a: number;
  if (l + rt <= inner) a = l;
  else {
    const half = Math.floor(inner / 2);
    if (l <= half) a = l;
    else if (rt <= inner - half) a = inner - rt;
    else a = Math.round((inner * l) / (l + rt));
  }
  a = Math.max(1, Math.min(a, inner - 1));
  const leftText = fitEnd(r.ends[0], a);
  return `${leftText}${' '.repeat(Math.max(0, a - displayWidth(leftText)))}${ARROW}${fitEnd(r.ends[1], inner - a)}`;
}

/** One list row, cut to the column widths. */
export function listRowLine(r: SessionRow, cols: ListColumn[]): Line {
  const wide = cols.some((c) => c.key === 'start' && c.width >= 12);
  const cells = cols.map((c): { text: string; style?: Style } => {
    switch (c.key) {
      case 'ends':
        return { text: endsText(r, c) };
      case 'relays':
        return { text: c.relays === 'count' ? (r.relays.length === 0 ? '' : String(r.relays.length)) : r.relays.join(' ') };
      case 'callId':
        // A connection row has no Call-ID: its TLS label, or "no session" (the column is shown only for others).
        if (r.scope.kind === 'connection') return { text: r.callId ?? 'no session', style: 'dim' };
        return { text: r.callId ?? '' };
      case 'delivery':
        return rowFailed(r) ? { text: deliveryText(r), style: 'fail' } : { text: deliveryText(r) };
      case 'unanswered':
        return r.unanswered > 0 ? { text: String(r.unanswered), style: 'warn' } : { text: '' };
      case 'state':
        return r.state === 'active' ? { text: r.state, style: 'ok' } : { text: r.state, style: 'dim' };
      default:
        return { text: cellText(r, c.key, wide) };
    }
  });
  return joinColumns(cells, cols);
}

/** Capture totals above the list: file, packets, connections, sessions, diagnostics (the file name yields). */
export function listSummaryLines(doc: Pick<JsonDocument, 'capture' | 'summary'>, shown: number, total: number, width = 80): Line[] {
  const files = doc.capture.files.length === 0 ? '(live)' : doc.capture.files.map((f) => (f === '-' ? '(stdin)' : f)).join(', ');
  let diags = 0;
  for (const v of Object.values(doc.summary.diagnostics)) diags += v;
  const totals = `  ${doc.capture.packets} packets  ${doc.summary.connections.total} connections  ${doc.summary.sessions} sessions  `;
  const diagText = `${diags} diagnostics`;
  const room = Math.max(8, width - displayWidth(totals) - displayWidth(diagText));
  const date = datePart(doc.capture.first);
  const l1: Line = [seg(truncateMiddle(escapeText(files), room), 'accent'), seg(totals), seg(diagText, diags > 0 ? 'warn' : undefined)];
  const d = doc.summary.delivery;
  const l2: Line = [
    seg(`${date}${date === '' ? '' : ' UTC  '}messages ${doc.summary.messages.total}  delivery ✓${d.delivered} `),
    seg(`✗${d.failed}`, d.failed > 0 ? 'fail' : undefined),
    seg(` ?${d.unknown}  rows ${shown === total ? String(total) : `${shown}/${total}`}`),
  ];
  return [l1, l2];
}
