/**
 * Ladder entries → screen lines. Flattening (folded groups and their expanded chunks) is done once per
 * change; formatting is done per visible row only, so a ladder of any length costs what fits on screen.
 */
import { timeColumn, type TimeMode } from './format.js';
import { cellsToLine, seg, type Line, type Style } from './line.js';
import type { Ladder, LadderEntry, Participant } from './ladder.js';
import { displayWidth, fit, truncate } from './text-width.js';

export interface LadderRow {
  entry: LadderEntry;
  depth: 0 | 1;
  expanded: boolean;
  /** The folded message a chunk row (depth 1) was unfolded from. */
  parent?: LadderEntry;
}

function rowOrder(a: LadderRow, b: LadderRow): number {
  return a.entry.at.epoch - b.entry.at.epoch || a.entry.at.frame - b.entry.at.frame;
}

/**
 * Visible rows in time order: every entry, and the children of the expanded ones at their own times
 * (interleaved with other rows when messages overlap). An unfolded message's row stays at its first
 * chunk's time, above its chunks; rows at the same time keep the ladder's order.
 */
export function flattenLadder(l: Ladder, expanded: ReadonlySet<string>): LadderRow[] {
  const out: LadderRow[] = [];
  let opened = false;
  for (const e of l.entries) {
    const open = e.expandable && expanded.has(e.key);
    out.push({ entry: e, depth: 0, expanded: open });
    if (open) {
      opened = true;
      for (const c of e.children) out.push({ entry: c, depth: 1, expanded: false, parent: e });
    }
  }
  // Array.prototype.sort is stable: equal times keep the order above (a message's row before its chunks).
  return opened ? out.sort(rowOrder) : out;
}

export interface LadderLayout {
  width: number;
  timeWidth: number;
  /** Column positions inside the diagram. */
  xs: number[];
  diagramWidth: number;
  /** Where labels start (from the left edge). */
  labelStart: number;
  labelWidth: number;
}

const TIME_WIDTH = 12;
const MIN_LABEL = 40;
/** Cells between participant columns: at least, and at most. */
const MIN_GAP = 4;
const MAX_GAP = 10;
/** Cells the diagram takes beyond its columns' spacing. */
const DIAGRAM_PAD = 3;

export function ladderLayout(participants: number, width: number): LadderLayout {
  const n = Math.max(1, participants);
  const avail = width - TIME_WIDTH - 1 - DIAGRAM_PAD - MIN_LABEL;
  const gap = n === 1 ? MIN_GAP : Math.max(MIN_GAP, Math.min(MAX_GAP, Math.floor(avail / (n - 1))));
  const xs = Array.from({ length: n }, (_, i) => i * gap);
  const diagramWidth = (n - 1) * gap + DIAGRAM_PAD;
  const labelStart = TIME_WIDTH + 1 + diagramWidth;
  return { width, timeWidth: TIME_WIDTH, xs, diagramWidth, labelStart, labelWidth: Math.max(0, width - labelStart) };
}

/** The narrowest width at which ladderLayout spaces the columns widest apart and still leaves MIN_LABEL cells of label. */
export function ladderFullWidth(participants: number): number {
  return TIME_WIDTH + 1 + DIAGRAM_PAD + MIN_LABEL + MAX_GAP * (Math.max(1, participants) - 1);
}

/** Legend (who is A, R1, B …) in at most two lines, then the column header. */
export function ladderHeader(l: Ladder, layout: LadderLayout, mode: TimeMode): Line[] {
  const items = l.participants.map((p: Participant) => `${p.short} ${p.label}`);
  const legend: string[] = [];
  let cur = '';
  for (const it of items) {
    const next = cur === '' ? it : `${cur}  ${it}`;
    if (displayWidth(next) <= layout.width || cur === '') cur = next;
    else {
      legend.push(cur);
      cur = it;
    }
  }
  if (cur !== '') legend.push(cur);
  const lines: Line[] = legend.slice(0, 2).map((t, i) => {
    const last = i === 1 && legend.length > 2;
    return [seg(last ? truncate(`${t} …`, layout.width) : truncate(t, layout.width), 'accent')];
  });
  const head = new Array<string>(layout.diagramWidth).fill(' ');
  l.participants.forEach((p, i) => {
    const x = layout.xs[i] ?? 0;
    const name = [...p.short];
    const startX = Math.max(0, Math.min(layout.diagramWidth - name.length, x - Math.floor((name.length - 1) / 2)));
    name.forEach((ch, k) => {
      head[startX + k] = ch;
    });
  });
  const time = mode === 'absolute' ? 'Time (UTC)' : 'Δ time';
  lines.push([seg(`${fit(time, layout.timeWidth)} ${head.join('')}`, 'head'), seg(fit('Request / response', layout.labelWidth), 'head')]);
  return lines;
}

interface Cell {
  ch: string;
  style: Style | undefined;
}

/** The diagram part of a row: lifelines and one arrow. */
function diagram(e: LadderEntry, layout: LadderLayout, style: Style | undefined): Line {
  const cells: Cell[] = Array.from({ length: layout.diagramWidth }, () => ({ ch: ' ', style: undefined }));
  for (const x of layout.xs) {
    const c = cells[x];
    if (c !== undefined) {
      c.ch = '│';
      c.style = 'dim';
    }
  }
  const xa = layout.xs[e.from];
  const xb = layout.xs[e.to];
  const body = e.folded ? '═' : '─';
  const set = (x: number, ch: string): void => {
    const c = cells[x];
    if (c !== undefined) {
      c.ch = ch;
      c.style = style;
    }
  };
  if (xa !== undefined && xb !== undefined) {
    if (xa < xb) {
      for (let x = xa + 1; x < xb - 1; x++) set(x, body);
      set(xb - 1, '>');
    } else if (xa > xb) {
      set(xb + 1, '<');
      for (let x = xb + 2; x < xa; x++) set(x, body);
    } else {
      set(xa + 1, '↺');
    }
  }
  return cellsToLine(cells);
}

/** One ladder row: time (absolute, or delta to the row above), arrow, label. */
export function ladderRowLine(row: LadderRow, prev: LadderRow | undefined, layout: LadderLayout, mode: TimeMode): Line {
  const e = row.entry;
  const style: Style | undefined = e.fail ? 'fail' : e.sip ? 'sip' : undefined;
  // Rows are in time order; a row above that is later (a document out of order) reads as +0, never negative.
  const before = prev === undefined ? undefined : prev.entry.at.epoch > e.at.epoch ? e.at : prev.entry.at;
  const t = timeColumn(e.at, before, mode);
  const marker = row.depth === 1 ? '  └ ' : e.expandable ? (row.expanded ? '▾ ' : '▸ ') : '  ';
  const out: Line = [seg(`${fit(t, layout.timeWidth)} `, 'dim'), ...diagram(e, layout, style), { text: marker }];
  let room = layout.labelWidth - displayWidth(marker);
  for (const s of e.label) {
    if (room <= 0) break;
    const w = displayWidth(s.text);
    const text = w <= room ? s.text : truncate(s.text, room);
    out.push(s.style === undefined ? { text } : { text, style: s.style });
    room -= displayWidth(text);
  }
  return out;
}
