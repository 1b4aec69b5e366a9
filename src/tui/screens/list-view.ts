/** The session list (start screen): sortable rows, incremental filter prompt, follow in live mode. */
import type { RecordSource } from '../../export/record-index.js';
import { recordIndex, type RecordIndex } from '../../export/record-index.js';
import { filterRows, invalidText, isEmptyFilter, parseFilter } from '../../format/filter.js';
import { seg, type Line } from '../../format/line.js';
import { rowHaystack, SessionRowCache, sessionRows, sortRows, SORT_KEYS, type SessionRow, type Sort } from '../../format/session-list.js';
import { listColumns, listHeaderLine, listRowLine, listSummaryLines, type ListColumn } from '../../format/session-list-lines.js';
import { LadderView, saveLadderAction } from './ladder-view.js';
import { editLine, HANDLED, is, type Action, type KeyPress, type Rendered, type View, type ViewContext } from './view.js';
import { applyMovement, movementOf, Viewport } from './viewport.js';

/** Longest filter typed. */
const MAX_FILTER = 200;

export class ListView implements View {
  readonly kind = 'list' as const;
  private doc: RecordSource | undefined;
  private all: SessionRow[] = [];
  /** Rows kept from one document to the next (the live viewer's redraws): see SessionRowCache. */
  private readonly rowCache = new SessionRowCache();
  /** The free-text filter's text of each row, made when a filter first asks for it (a row kept is the same row). */
  private readonly haystacks = new WeakMap<SessionRow, string>();
  private shown: SessionRow[] = [];
  private sort: Sort = { key: 'index', descending: false };
  private filterText = '';
  /** The prompt's text while editing; undefined when the prompt is closed. */
  private editing: string | undefined;
  private selectedKey: string | undefined;
  private readonly vp = new Viewport();
  private height = 20;
  private followSeen = false;
  private cols: { rows: SessionRow[]; width: number; cols: ListColumn[] } | undefined;

  title(): string {
    return 'Sessions';
  }

  hints(): string {
    return 'Enter ladder  / filter  s/S sort  d diagnostics  t time  ? help  q quit';
  }

  /** Index of the selected row in visibleRows(). */
  get cursor(): number {
    return this.vp.cursor;
  }

  /** Rows after filter and sort (for tests and the controller). */
  visibleRows(ctx: ViewContext): readonly SessionRow[] {
    this.sync(ctx);
    return this.shown;
  }

  private sync(ctx: ViewContext): void {
    if (this.doc !== ctx.doc) {
      this.doc = ctx.doc;
      this.all = sessionRows(ctx.doc, this.rowCache);
      this.recompute(ctx);
    }
  }

  private recompute(ctx: ViewContext): void {
    const text = this.editing ?? this.filterText;
    let ix: RecordIndex | undefined;
    const haystack = (r: SessionRow): string => {
      let h = this.haystacks.get(r);
      if (h === undefined) {
        h = rowHaystack((ix ??= recordIndex(ctx.doc)), r);
        this.haystacks.set(r, h);
      }
      return h;
    };
    this.shown = sortRows(filterRows(this.all, parseFilter(text), haystack), this.sort);
    if (ctx.follow) this.selectNewest();
    else {
      const i = this.selectedKey === undefined ? -1 : this.shown.findIndex((r) => r.key === this.selectedKey);
      if (i >= 0) this.vp.cursor = i;
    }
    this.vp.clamp(this.shown.length, this.height);
    this.selectedKey = this.shown[this.vp.cursor]?.key;
  }

  private selectNewest(): void {
    let best = -1;
    let bestEpoch = Number.NEGATIVE_INFINITY;
    this.shown.forEach((r, i) => {
      const e = r.start?.epoch ?? Number.NEGATIVE_INFINITY;
      if (e >= bestEpoch) {
        bestEpoch = e;
        best = i;
      }
    });
    if (best >= 0) this.vp.cursor = best;
  }

  render(ctx: ViewContext, width: number, height: number): Rendered {
    if (ctx.follow !== this.followSeen) {
      this.followSeen = ctx.follow;
      if (ctx.follow) this.doc = undefined;
    }
    this.sync(ctx);
    const header: Line[] = [...listSummaryLines(recordIndex(ctx.doc).head, this.shown.length, this.all.length, width)];
    if (this.cols === undefined || this.cols.rows !== this.shown || this.cols.width !== width) {
      this.cols = { rows: this.shown, width, cols: listColumns(width, this.shown) };
    }
    const cols = this.cols.cols;
    header.push(listHeaderLine(cols, this.sort));
    this.height = Math.max(1, height - header.length);
    this.vp.clamp(this.shown.length, this.height);
    const rows = this.shown.slice(this.vp.top, this.vp.top + this.height).map((r, i) => ({
      line: listRowLine(r, cols),
      selected: this.vp.top + i === this.vp.cursor,
    }));
    if (this.shown.length === 0) {
      rows.push({ line: [seg(this.all.length === 0 ? '  no MSRP session yet' : '  no session matches the filter', 'dim')], selected: false });
    }
    const out: Rendered = { header, rows };
    if (this.editing !== undefined) {
      const f = parseFilter(this.editing);
      const prompt: Line = [seg('/', 'key'), seg(`${this.editing}█`)];
      if (f.invalid.length > 0) prompt.push(seg(`  ${invalidText(f)}`, 'warn'));
      else prompt.push(seg('  Enter keep · Esc cancel', 'dim'));
      out.prompt = prompt;
    } else if (this.filterText !== '') {
      out.prompt = [seg('filter: ', 'dim'), seg(this.filterText, 'accent'), seg('  / edit · Esc clear · ? help', 'dim')];
    }
    return out;
  }

  /** True while the filter prompt is open. */
  get isEditing(): boolean {
    return this.editing !== undefined;
  }

  /** The filter in effect (the prompt's text while editing). */
  get filter(): string {
    return this.editing ?? this.filterText;
  }

  private editKey(k: KeyPress, ctx: ViewContext): Action {
    const text = this.editing ?? '';
    if (k.name === 'enter') {
      this.filterText = text.trim();
      this.editing = undefined;
    } else if (k.name === 'escape') {
      this.editing = undefined;
    } else if (k.name === 'up' || k.name === 'down' || k.name === 'pageup' || k.name === 'pagedown') {
      const m = movementOf(k.name, undefined);
      if (m !== undefined) applyMovement(this.vp, m, this.shown.length, this.height);
      this.selectedKey = this.shown[this.vp.cursor]?.key;
      return HANDLED;
    } else {
      const next = editLine(text, k, MAX_FILTER);
      if (next === undefined) return HANDLED;
      this.editing = next;
    }
    this.recompute(ctx);
    return HANDLED;
  }

  key(k: KeyPress, ctx: ViewContext): Action | undefined {
    this.sync(ctx);
    if (this.editing !== undefined) return this.editKey(k, ctx);
    const m = movementOf(k.name, k.ch);
    if (m !== undefined) {
      applyMovement(this.vp, m, this.shown.length, this.height);
      this.selectedKey = this.shown[this.vp.cursor]?.key;
      return HANDLED;
    }
    if (is(k, 'enter')) {
      const r = this.shown[this.vp.cursor];
      return r === undefined ? HANDLED : { type: 'push', views: [new LadderView(r.scope)] };
    }
    if (k.ch === 'W') {
      const r = this.shown[this.vp.cursor];
      return r === undefined ? HANDLED : saveLadderAction(r.scope, ctx);
    }
    if (is(k, '/')) {
      this.editing = this.filterText;
      return HANDLED;
    }
    if (k.ch === 's') {
      // The next column on screen (empty columns are hidden, so they are skipped).
      const visible = this.cols?.cols.map((c) => c.key) ?? [...SORT_KEYS];
      const order = SORT_KEYS.filter((key) => visible.includes(key));
      const i = order.indexOf(this.sort.key);
      this.sort = { key: order[(i + 1) % order.length] ?? 'index', descending: this.sort.descending };
      this.recompute(ctx);
      return HANDLED;
    }
    if (k.ch === 'S') {
      this.sort = { key: this.sort.key, descending: !this.sort.descending };
      this.recompute(ctx);
      return HANDLED;
    }
    if (k.name === 'escape') {
      if (this.filterText !== '') {
        this.filterText = '';
        this.recompute(ctx);
      }
      return HANDLED;
    }
    if (k.ch === 'q') return { type: 'quit', code: 0 };
    return undefined;
  }

  /** For tests: whether a filter is set. */
  get filtering(): boolean {
    return !isEmptyFilter(parseFilter(this.filter));
  }
}
