/** Session list → screen lines: column widths for a terminal width, the header, rows, capture totals. */
import type { JsonDocument } from '../../export/json-types.js';
import { escapeText } from '../../util/escape.js';
import { clockTime, datePart, fmtBytesShort } from './format.js';
import { seg, type Line, type Style } from './line.js';
import type { SessionRow, Sort, SortKey } from './session-list.js';
import { displayWidth, fit, truncate, truncateMiddle } from './text-width.js';


export interface ListColumn {
  key: SortKey;
  title: string;
  width: number;
  align: 'left' | 'right';
}

interface ColumnSpec {
  key: SortKey;
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Share of the remaining width (0: fixed). */
  flex: number;
  min: number;
}

/** Column widths for a terminal width (80 columns and up; narrower still renders, cut). */
export function listColumns(width: number, rows: readonly SessionRow[] = []): ListColumn[] {
  const wide = width >= 120;
  let deliveryWidth = 9;
  for (const r of rows) deliveryWidth = Math.max(deliveryWidth, displayWidth(deliveryText(r)));
  deliveryWidth = Math.min(deliveryWidth, 17);
  const specs: ColumnSpec[] = [
    { key: 'index', title: '#', width: 3, align: 'right', flex: 0, min: 3 },
    { key: 'start', title: 'Start', width: wide ? 12 : 8, align: 'left', flex: 0, min: 8 },
    { key: 'ends', title: 'Ends', width: 0, align: 'left', flex: wide ? 45 : 70, min: 12 },
    { key: 'relays', title: 'Rl', width: wide ? 0 : 2, align: wide ? 'left' : 'right', flex: wide ? 20 : 0, min: 2 },
    { key: 'callId', title: 'Call-ID', width: 0, align: 'left', flex: wide ? 35 : 30, min: 7 },
    { key: 'messages', title: 'Msgs', width: 4, align: 'right', flex: 0, min: 4 },
    { key: 'bytes', title: 'Bytes', width: 5, align: 'right', flex: 0, min: 5 },
    { key: 'delivery', title: 'Delivery', width: deliveryWidth, align: 'left', flex: 0, min: 9 },
    { key: 'state', title: 'State', width: 6, align: 'left', flex: 0, min: 6 },
  ];
  if (wide) {
    const r = specs.find((s) => s.key === 'relays');
    if (r !== undefined) r.title = 'Relays';
  }
  const gaps = specs.length - 1;
  const fixed = specs.reduce((n, s) => n + (s.flex === 0 ? s.width : 0), 0);
  const flexTotal = specs.reduce((n, s) => n + s.flex, 0);
  const free = Math.max(0, width - fixed - gaps);
  let given = 0;
  const flexSpecs = specs.filter((s) => s.flex > 0);
  flexSpecs.forEach((s, i) => {
    s.width = i === flexSpecs.length - 1 ? Math.max(s.min, free - given) : Math.max(s.min, Math.floor((free * s.flex) / flexTotal));
    given += s.width;
  });
  return specs.map(({ key, title, width: w, align }) => ({ key, title, width: w, align }));
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

function deliveryText(r: SessionRow): string {
  return `✓${r.delivered} ✗${r.failed} ?${r.unknown}`;
}

/** `user@host` keeps the user (cut at the end); addresses and URIs keep both ends (cut in the middle). */
function shortEnd(s: string, width: number): string {
  return s.includes('@') ? truncate(s, width) : truncateMiddle(s, width);
}

/** The ends cell: both ends shortened in the middle so each stays recognisable. */
function endsText(r: SessionRow, width: number): string {
  const full = `${r.ends[0]} ↔ ${r.ends[1]}`;
  if (displayWidth(full) <= width) return full;
  const each = Math.max(3, Math.floor((width - 3) / 2));
  return `${shortEnd(r.ends[0], each)} ↔ ${shortEnd(r.ends[1], each)}`;
}

/** One list row, cut to the column widths. */
export function listRowLine(r: SessionRow, cols: ListColumn[]): Line {
  const cells = cols.map((c): { text: string; style?: Style } => {
    switch (c.key) {
      case 'index':
        return { text: r.label };
      case 'start':
        return { text: r.start === null ? '-' : clockTime(r.start.time, c.width >= 12 ? 3 : 0) };
      case 'ends':
        return { text: endsText(r, c.width) };
      case 'relays':
        return { text: c.width >= 10 ? r.relays.join(' ') : r.relays.length === 0 ? '' : String(r.relays.length) };
      case 'callId':
        return r.scope.kind === 'connection' ? { text: truncate(r.callId ?? 'no session', c.width), style: 'dim' } : { text: truncate(r.callId ?? '', c.width) };
      case 'messages':
        return { text: String(r.messages) };
      case 'bytes':
        return { text: fmtBytesShort(r.bytes) };
      case 'delivery':
        return r.failed > 0 ? { text: deliveryText(r), style: 'fail' } : { text: deliveryText(r) };
      case 'state':
        return r.state === 'active' ? { text: r.state, style: 'ok' } : { text: r.state, style: 'dim' };
    }
  });
  return joinColumns(cells, cols);
}

/** Capture totals above the list: file, packets, connections, sessions, diagnostics (the file name yields). */
export function listSummaryLines(doc: JsonDocument, shown: number, total: number, width = 80): Line[] {
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
