/** The ladder of one session: virtualised rows, fold/unfold of message chunks, detail and raw views. */
import type { RecordSource } from '../../export/record-index.js';
import { buildLadder, type Ladder, type LadderEntry } from '../../format/ladder.js';
import { flattenLadder, ladderHeader, ladderLayout, ladderRowLine, type LadderRow } from '../../format/ladder-lines.js';
import { seg } from '../../format/line.js';
import { documentLadderText } from '../../format/ladder-text.js';
import type { Scope } from '../../format/session-list.js';
import { DetailView } from './detail-view.js';
import { FilePrompt } from './file-prompt.js';
import { RawView } from './raw-view.js';
import { HANDLED, is, type Action, type KeyPress, type Rendered, type View, type ViewContext } from './view.js';
import { applyMovement, movementOf, Viewport } from './viewport.js';
import { scopeName } from '../../export/frame-selection.js';

/** `W`: a prompt that saves the ladder of `scope` as text (all chunks unfolded, as `--ladder` writes it). */
export function saveLadderAction(scope: Scope, ctx: ViewContext): Action {
  const name = scopeName(scope);
  const doc = ctx.doc;
  const saver = ctx.files;
  if (saver === undefined) return { type: 'status', text: 'this viewer cannot write files' };
  const what = `the ladder of ${name}`;
  const prompt = new FilePrompt({
    action: `save ${what}`,
    verb: 'save',
    initial: `${name.replace(' ', '-')}-ladder.txt`,
    check: (path) => saver.check(path),
    submit: (path, force) => `saved ${what} to ${path} (${saver.write(path, documentLadderText(doc, [scope]), force)} bytes)`,
  });
  return { type: 'prompt', prompt };
}

export class LadderView implements View {
  readonly kind = 'ladder' as const;
  private doc: RecordSource | undefined;
  private ladder: Ladder | undefined;
  private flat: LadderRow[] = [];
  private readonly expanded = new Set<string>();
  private selectedKey: string | undefined;
  private readonly vp = new Viewport();
  private height = 20;
  private focusTransaction: number | undefined;

  constructor(
    readonly scope: Scope,
    opts: { focusTransaction?: number } = {},
  ) {
    this.focusTransaction = opts.focusTransaction;
  }

  title(ctx: ViewContext): string {
    this.sync(ctx);
    return this.ladder?.title ?? 'Ladder';
  }

  hints(): string {
    return 'Enter detail  Space fold  r raw  t time  d diagnostics  ? help  q back';
  }

  /** The rows as flattened now (tests read them). */
  rows(ctx: ViewContext): readonly LadderRow[] {
    this.sync(ctx);
    return this.flat;
  }

  get cursor(): number {
    return this.vp.cursor;
  }

  private sync(ctx: ViewContext): void {
    if (this.doc === ctx.doc) return;
    this.doc = ctx.doc;
    this.ladder = buildLadder(ctx.doc, this.scope);
    if (this.focusTransaction !== undefined) {
      const tx = this.focusTransaction;
      // A folded entry lists the transactions of all its chunks.
      const e = this.ladder.entries.find((x) => x.transactions.includes(tx));
      if (e !== undefined) this.selectedKey = e.key;
      this.focusTransaction = undefined;
    }
    this.reflatten(ctx.follow);
  }

  private reflatten(follow: boolean): void {
    if (this.ladder === undefined) return;
    this.flat = flattenLadder(this.ladder, this.expanded);
    if (follow) this.vp.cursor = this.flat.length - 1;
    else if (this.selectedKey !== undefined) {
      const i = this.flat.findIndex((r) => r.entry.key === this.selectedKey);
      if (i >= 0) this.vp.cursor = i;
    }
    this.vp.clamp(this.flat.length, this.height);
    this.selectedKey = this.flat[this.vp.cursor]?.entry.key;
  }

  /** The selected row's entry, and the folded group it belongs to. */
  private selected(): { row: LadderRow; parent: LadderEntry | undefined } | undefined {
    const row = this.flat[this.vp.cursor];
    if (row === undefined) return undefined;
    // Chunk rows sit at their own times, maybe below other messages' rows: each knows its message.
    return { row, parent: row.depth === 1 ? row.parent : undefined };
  }

  render(ctx: ViewContext, width: number, height: number): Rendered {
    this.sync(ctx);
    const l = this.ladder;
    if (l === undefined) return { header: [], rows: [] };
    const layout = ladderLayout(l.participants.length, width);
    const header = ladderHeader(l, layout, ctx.timeMode);
    this.height = Math.max(1, height - header.length);
    if (ctx.follow) this.vp.cursor = this.flat.length - 1;
    this.vp.clamp(this.flat.length, this.height);
    const rows = [];
    const end = Math.min(this.flat.length, this.vp.top + this.height);
    for (let i = this.vp.top; i < end; i++) {
      const row = this.flat[i];
      if (row === undefined) continue;
      rows.push({ line: ladderRowLine(row, this.flat[i - 1], layout, ctx.timeMode), selected: i === this.vp.cursor });
    }
    if (this.flat.length === 0) rows.push({ line: [seg('  nothing on this ladder yet', 'dim')], selected: false });
    return { header, rows };
  }

  private setExpanded(key: string, open: boolean, ctx: ViewContext): void {
    if (open) this.expanded.add(key);
    else this.expanded.delete(key);
    this.reflatten(false);
    void ctx;
  }

  key(k: KeyPress, ctx: ViewContext): Action | undefined {
    this.sync(ctx);
    const m = movementOf(k.name, k.ch);
    if (m !== undefined) {
      applyMovement(this.vp, m, this.flat.length, this.height);
      this.selectedKey = this.flat[this.vp.cursor]?.entry.key;
      return HANDLED;
    }
    const sel = this.selected();
    if (is(k, 'enter')) {
      if (sel === undefined) return HANDLED;
      return { type: 'push', views: [new DetailView(sel.row.entry.target, sel.row.entry.transactions, this.scope)] };
    }
    if (k.ch === 'r') {
      if (sel === undefined) return HANDLED;
      return { type: 'push', views: [new RawView(sel.row.entry.target, sel.row.entry.transactions)] };
    }
    if (k.name === 'space' || k.name === 'right' || k.name === 'left' || k.ch === '+' || k.ch === '-') {
      if (sel === undefined) return HANDLED;
      const group = sel.parent ?? (sel.row.entry.expandable ? sel.row.entry : undefined);
      if (group === undefined) return HANDLED;
      const isOpen = this.expanded.has(group.key);
      const open = k.name === 'space' ? !isOpen : k.name === 'right' || k.ch === '+';
      if (!open && sel.parent !== undefined) this.selectedKey = group.key;
      this.setExpanded(group.key, open, ctx);
      return HANDLED;
    }
    if (k.ch === 'W') return saveLadderAction(this.scope, ctx);
    if (k.ch === 'x') {
      const l = this.ladder;
      if (l === undefined) return HANDLED;
      const groups = l.entries.filter((e) => e.expandable);
      const anyClosed = groups.some((g) => !this.expanded.has(g.key));
      const parent = sel?.parent;
      if (!anyClosed && parent !== undefined) this.selectedKey = parent.key;
      for (const g of groups) {
        if (anyClosed) this.expanded.add(g.key);
        else this.expanded.delete(g.key);
      }
      this.reflatten(false);
      return HANDLED;
    }
    return undefined;
  }
}
