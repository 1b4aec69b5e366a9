/** A scrolling text screen (detail, raw, help): lines are built per document and width, then wrapped. */
import type { RecordSource } from '../../export/record-index.js';
import type { Line } from '../../format/line.js';
import { HANDLED, type Action, type KeyPress, type Rendered, type ScreenKind, type View, type ViewContext } from './view.js';
import { applyScroll, movementOf, Viewport } from './viewport.js';
import { wrapLines } from './wrap.js';

export abstract class TextView implements View {
  abstract readonly kind: ScreenKind;
  private doc: RecordSource | undefined;
  private width = -1;
  private lines: Line[] = [];
  protected readonly vp = new Viewport();
  private height = 20;

  abstract title(ctx: ViewContext): string;
  abstract hints(): string;
  /** The unwrapped lines of this screen. */
  protected abstract build(ctx: ViewContext, width: number): Line[];

  /** Builds the lines anew on the next render (the screen's own state changed). */
  protected invalidate(): void {
    this.doc = undefined;
  }

  /** The wrapped lines (tests read them). */
  text(ctx: ViewContext, width: number): readonly Line[] {
    if (this.doc !== ctx.doc || this.width !== width) {
      this.doc = ctx.doc;
      this.width = width;
      this.lines = wrapLines(this.build(ctx, width), width);
    }
    return this.lines;
  }

  render(ctx: ViewContext, width: number, height: number): Rendered {
    const lines = this.text(ctx, width);
    this.height = Math.max(1, height);
    this.vp.scroll(0, lines.length, this.height);
    const rows = lines.slice(this.vp.top, this.vp.top + this.height).map((line) => ({ line, selected: false }));
    return { header: [], rows };
  }

  key(k: KeyPress, ctx: ViewContext): Action | undefined {
    const m = movementOf(k.name, k.ch);
    if (m === undefined) return undefined;
    const lines = this.text(ctx, this.width < 0 ? 80 : this.width);
    applyScroll(this.vp, m, lines.length, this.height);
    return HANDLED;
  }
}
