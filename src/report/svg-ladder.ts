/**
 * A session's sequence diagram as inline SVG, from its ladder data (ladder-data.ts, made from the ladder view
 * model of src/format): one column per endpoint and relay, one arrow per request/response, a message leg's
 * chunks folded into one double arrow (clicked open: its chunks at their own times), failures red, round-trip
 * times in each arrow's `<title>`. Rows are paged so that a session of any length draws at most `perPage`.
 *
 * The browser runs these functions too (client.ts embeds their source text): each stays self-contained,
 * calling only escapeHtml and the other functions listed in client.ts, with no module-level names.
 */
import { escapeHtml } from './escape.js';
import type { LadderData, LadderRowData } from './types.js';

/** A row as drawn: depth 1 is a chunk of an unfolded message. */
export interface DrawnRow {
  row: LadderRowData;
  depth: 0 | 1;
  open: boolean;
}

export interface LadderView {
  svg: string;
  /** Rows in all pages, and pages. */
  rows: number;
  pages: number;
  /** The page drawn (clamped). */
  page: number;
}

/**
 * Rows in time order: every entry and the chunks of the unfolded ones at their own times (an unfolded
 * message's row stays above its chunks at equal times), as the TUI's flattenLadder.
 */
export function ladderRows(d: LadderData, open: Readonly<Record<string, boolean>>): DrawnRow[] {
  const out: DrawnRow[] = [];
  let opened = false;
  for (const r of d.r) {
    const isOpen = r.c !== undefined && r.k !== undefined && open[r.k] === true;
    out.push({ row: r, depth: 0, open: isOpen });
    if (isOpen && r.c !== undefined) {
      opened = true;
      for (const c of r.c) out.push({ row: c, depth: 1, open: false });
    }
  }
  if (opened) out.sort((a, b) => a.row.e - b.row.e || a.row.n - b.row.n);
  return out;
}

/** The SVG of one page of a ladder; `open` holds the keys of unfolded messages. */
export function ladderSvg(d: LadderData, open: Readonly<Record<string, boolean>>, page: number, perPage: number): LadderView {
  const TIME_W = 96;
  const ROW_H = 24;
  const HEAD_H = 58;
  const n = Math.max(1, d.p.length);
  const gap = n <= 3 ? 150 : n <= 5 ? 124 : 110;
  const x0 = TIME_W + Math.max(60, gap / 2);
  const xOf = (i: number): number => x0 + i * gap;
  const labelX = xOf(n - 1) + 50;
  const all = ladderRows(d, open);
  const pages = Math.max(1, Math.ceil(all.length / perPage));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const rows = all.slice(p * perPage, (p + 1) * perPage);
  let longest = 0;
  for (const r of rows) {
    let len = 0;
    for (const s of r.row.l) len += s[0].length;
    longest = Math.max(longest, len + (r.depth === 1 ? 3 : 2));
  }
  const width = Math.ceil(labelX + Math.max(320, longest * 7.2) + 16);
  const top = HEAD_H + 18;
  const height = top + Math.max(1, rows.length) * ROW_H;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" class="ladder-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(d.title)}">`);
  // Participants: a box with the column's name and who it is (in full in the box's title).
  d.p.forEach((pt, i) => {
    const x = xOf(i);
    const w = gap - 14;
    const max = Math.floor(w / 6.4);
    const label = pt.l.length > max ? `${pt.l.slice(0, Math.max(1, max - 1))}…` : pt.l;
    o.push(`<g class="part ${pt.k}"><title>${escapeHtml(`${pt.s}: ${pt.l} (${pt.k})`)}</title>`);
    o.push(`<rect x="${x - w / 2}" y="6" width="${w}" height="${HEAD_H - 12}" rx="5"/>`);
    o.push(`<text class="short" x="${x}" y="24" text-anchor="middle">${escapeHtml(pt.s)}${pt.k === 'relay' ? ' (relay)' : ''}</text>`);
    o.push(`<text class="who" x="${x}" y="41" text-anchor="middle">${escapeHtml(label)}</text></g>`);
    o.push(`<line class="life ${pt.k}" x1="${x}" y1="${HEAD_H - 6}" x2="${x}" y2="${height}"/>`);
  });
  o.push(`<text class="colhead" x="6" y="${HEAD_H + 10}">Time (UTC)</text>`);
  rows.forEach((dr, i) => {
    const r = dr.row;
    const y = top + i * ROW_H + ROW_H / 2;
    const cls = ['arrow', r.x === 1 ? 'fail' : 'ok', r.s === 1 ? 'folded' : r.s === 2 ? 'sip' : 'plain', dr.depth === 1 ? 'child' : ''].join(' ').trim();
    const foldable = r.c !== undefined && r.k !== undefined;
    const fold = foldable ? ` data-fold="${escapeHtml(r.k ?? '')}" tabindex="0" role="button" aria-expanded="${dr.open ? 'true' : 'false'}"` : '';
    const title = foldable ? `${r.h}\n(click to ${dr.open ? 'fold' : 'unfold'} the chunks)` : r.h;
    o.push(`<g class="${cls}" data-tx="${r.q.join(' ')}"${fold}><title>${escapeHtml(title)}</title>`);
    o.push(`<rect class="hit" x="0" y="${y - ROW_H / 2}" width="${width}" height="${ROW_H}"/>`);
    o.push(`<text class="time" x="6" y="${y + 4}">${escapeHtml(r.t)}</text>`);
    const x1 = xOf(r.f);
    const x2 = xOf(r.o);
    if (x1 === x2) {
      o.push(`<path class="shaft" d="M${x1} ${y - 6} h24 v12 h-18"/><path class="head" d="M${x1} ${y + 6} l8 -4 v8 z"/>`);
    } else {
      const dir = x2 > x1 ? 1 : -1;
      const end = x2 - dir * 9;
      if (r.s === 1) {
        o.push(`<line class="shaft" x1="${x1}" y1="${y - 2}" x2="${end}" y2="${y - 2}"/><line class="shaft" x1="${x1}" y1="${y + 2}" x2="${end}" y2="${y + 2}"/>`);
      } else {
        o.push(`<line class="shaft" x1="${x1}" y1="${y}" x2="${end}" y2="${y}"/>`);
      }
      o.push(`<path class="head" d="M${x2} ${y} L${end} ${y - 5} L${end} ${y + 5} Z"/>`);
    }
    let label = '';
    if (foldable) label += `<tspan class="fold">${dr.open ? '▾ ' : '▸ '}</tspan>`;
    else if (dr.depth === 1) label += '<tspan class="dim">  ↳ </tspan>';
    for (const s of r.l) label += s[1] === '' ? `<tspan>${escapeHtml(s[0])}</tspan>` : `<tspan class="st-${escapeHtml(s[1])}">${escapeHtml(s[0])}</tspan>`;
    o.push(`<text class="label" x="${labelX}" y="${y + 4}">${label}</text></g>`);
  });
  if (rows.length === 0) o.push(`<text class="dim" x="${labelX}" y="${top + ROW_H / 2 + 4}">(nothing to draw)</text>`);
  o.push('</svg>');
  return { svg: o.join(''), rows: all.length, pages, page: p };
}
