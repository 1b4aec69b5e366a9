/** Message detail of one ladder line. */
import { chunkPages } from '../../format/detail-chunks.js';
import { detailSections, sectionLines } from '../../format/detail.js';
import { recordIndex } from '../../export/record-index.js';
import type { LadderTarget } from '../../format/ladder.js';
import type { Line } from '../../format/line.js';
import type { Scope } from '../../format/session-list.js';
import { RawView } from './raw-view.js';
import { TextView } from './text-view.js';
import { HANDLED, type Action, type KeyPress, type ViewContext } from './view.js';

export class DetailView extends TextView {
  readonly kind = 'detail' as const;
  /** Page of the Chunks section, and how many there are (known after the first build). */
  private chunkPage = 0;
  private chunkPageCount = 1;

  constructor(
    readonly target: LadderTarget,
    readonly transactions: readonly number[],
    readonly scope: Scope | undefined,
  ) {
    super();
  }

  private messageOf(ctx: ViewContext): number | null {
    if (this.target.kind === 'message') return this.target.message;
    if (this.target.kind === 'transaction') return recordIndex(ctx.doc).transaction(this.target.transaction)?.message ?? null;
    return null;
  }

  title(ctx: ViewContext): string {
    const m = this.messageOf(ctx);
    if (m !== null) return `Message ${m}: ${recordIndex(ctx.doc).message(m)?.messageId ?? '?'}`;
    if (this.target.kind === 'sip') return `SIP dialog ${this.target.dialog}`;
    if (this.target.kind === 'transaction') return `Transaction ${this.target.transaction}`;
    return 'Detail';
  }

  hints(): string {
    return this.chunkPageCount > 1 ? '↑↓ scroll  [ ] chunk pages  r raw  t time  ? help  q back' : '↑↓ scroll  r raw  t time  ? help  q back';
  }

  protected build(ctx: ViewContext, width: number): Line[] {
    const m = this.messageOf(ctx);
    const body = m === null ? null : (ctx.body?.(m) ?? null);
    const ix = recordIndex(ctx.doc);
    const msg = m === null ? undefined : ix.message(m);
    this.chunkPageCount = msg === undefined ? 1 : chunkPages(msg, ix.messageTransactions(msg.id));
    this.chunkPage = Math.min(this.chunkPage, this.chunkPageCount - 1);
    return sectionLines(detailSections(ctx.doc, this.target, { width, body, chunkPage: this.chunkPage }));
  }

  override key(k: KeyPress, ctx: ViewContext): Action | undefined {
    if (k.ch === 'r') return { type: 'push', views: [new RawView(this.target, this.transactions)] };
    if (k.ch === ']' || k.ch === '[') {
      const next = Math.min(this.chunkPageCount - 1, Math.max(0, this.chunkPage + (k.ch === ']' ? 1 : -1)));
      if (next !== this.chunkPage) {
        this.chunkPage = next;
        this.invalidate();
      }
      return HANDLED;
    }
    return super.key(k, ctx);
  }
}
