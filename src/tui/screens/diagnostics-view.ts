/** Diagnostics by code; Enter opens the ladder (and the message) of the diagnostic's frame. */
import type { RecordSource } from '../../export/record-index.js';
import { recordIndex } from '../../export/record-index.js';
import { diagnosticItemLine, diagnosticItems, locateFrame, type DiagnosticItem } from '../../format/diagnostics.js';
import { buildLadder } from '../../format/ladder.js';
import { seg } from '../../format/line.js';
import { DetailView } from './detail-view.js';
import { LadderView } from './ladder-view.js';
import { HANDLED, is, type Action, type KeyPress, type Rendered, type View, type ViewContext } from './view.js';
import { applyMovement, movementOf, Viewport } from './viewport.js';

export class DiagnosticsView implements View {
  readonly kind = 'diagnostics' as const;
  private doc: RecordSource | undefined;
  private items: DiagnosticItem[] = [];
  private readonly vp = new Viewport();
  private height = 20;

  title(ctx: ViewContext): string {
    this.sync(ctx);
    const n = Object.values(recordIndex(ctx.doc).head.summary.diagnostics).reduce((a, b) => a + b, 0);
    return `Diagnostics (${n})`;
  }

  hints(): string {
    return 'Enter go to frame  ↑↓ move  ? help  q back';
  }

  itemsOf(ctx: ViewContext): readonly DiagnosticItem[] {
    this.sync(ctx);
    return this.items;
  }

  private sync(ctx: ViewContext): void {
    if (this.doc === ctx.doc) return;
    const before = this.items[this.vp.cursor];
    this.doc = ctx.doc;
    this.items = diagnosticItems(recordIndex(ctx.doc).head);
    if (before?.kind === 'diagnostic') {
      const i = this.items.findIndex((x) => x.kind === 'diagnostic' && x.index === before.index);
      if (i >= 0) this.vp.cursor = i;
    } else {
      this.skipHeading(1);
    }
  }

  /** Moves off a code heading, in `dir`, when there is a diagnostic that way. */
  private skipHeading(dir: 1 | -1): void {
    let i = this.vp.cursor;
    while (this.items[i]?.kind === 'code' && i + dir >= 0 && i + dir < this.items.length) i += dir;
    if (this.items[i]?.kind === 'diagnostic') this.vp.cursor = i;
  }

  render(ctx: ViewContext, _width: number, height: number): Rendered {
    this.sync(ctx);
    this.height = Math.max(1, height);
    this.vp.clamp(this.items.length, this.height);
    const rows = this.items.slice(this.vp.top, this.vp.top + this.height).map((it, i) => ({
      line: diagnosticItemLine(it),
      selected: this.vp.top + i === this.vp.cursor,
    }));
    if (this.items.length === 0) rows.push({ line: [seg('  no diagnostics: nothing odd in this capture', 'dim')], selected: false });
    return { header: [], rows };
  }

  key(k: KeyPress, ctx: ViewContext): Action | undefined {
    this.sync(ctx);
    const m = movementOf(k.name, k.ch);
    if (m !== undefined) {
      applyMovement(this.vp, m, this.items.length, this.height);
      const dir = m === 'up' || m === 'pageup' ? -1 : 1;
      this.skipHeading(dir);
      if (this.items[this.vp.cursor]?.kind === 'code') this.skipHeading(dir === 1 ? -1 : 1);
      this.vp.clamp(this.items.length, this.height);
      return HANDLED;
    }
    if (!is(k, 'enter')) return undefined;
    const it = this.items[this.vp.cursor];
    if (it === undefined || it.kind !== 'diagnostic') return HANDLED;
    const d = it.diagnostic;
    const loc = locateFrame(ctx.doc, d.frame, d.connection);
    if (loc.scope === null) return { type: 'status', text: `frame ${d.frame} (connection ${d.connection}) belongs to no session or message` };
    const ladder = new LadderView(loc.scope, loc.transaction === null ? {} : { focusTransaction: loc.transaction });
    const views: View[] = [ladder];
    if (loc.transaction !== null) {
      const tx = loc.transaction;
      const entry = buildLadder(ctx.doc, loc.scope).entries.find((e) => e.transactions.includes(tx));
      if (entry !== undefined) views.push(new DetailView(entry.target, entry.transactions, loc.scope));
    }
    return { type: 'push', views };
  }
}
