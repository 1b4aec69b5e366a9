/** Message detail of one ladder line. */
import { detailSections, sectionLines } from '../view-models/detail.js';
import { indexDocument } from '../view-models/doc-index.js';
import type { LadderTarget } from '../view-models/ladder.js';
import type { Line } from '../view-models/line.js';
import type { Scope } from '../view-models/session-list.js';
import { RawView } from './raw-view.js';
import { TextView } from './text-view.js';
import type { Action, KeyPress, ViewContext } from './view.js';

export class DetailView extends TextView {
  readonly kind = 'detail' as const;

  constructor(
    readonly target: LadderTarget,
    readonly transactions: readonly number[],
    readonly scope: Scope | undefined,
  ) {
    super();
  }

  private messageOf(ctx: ViewContext): number | null {
    if (this.target.kind === 'message') return this.target.message;
    if (this.target.kind === 'transaction') return indexDocument(ctx.doc).transaction(this.target.transaction)?.message ?? null;
    return null;
  }

  title(ctx: ViewContext): string {
    const m = this.messageOf(ctx);
    if (m !== null) return `Message ${m}: ${indexDocument(ctx.doc).message(m)?.messageId ?? '?'}`;
    if (this.target.kind === 'sip') return `SIP dialog ${this.target.dialog}`;
    if (this.target.kind === 'transaction') return `Transaction ${this.target.transaction}`;
    return 'Detail';
  }

  hints(): string {
    return '↑↓ scroll  r raw  t time  ? help  q back';
  }

  protected build(ctx: ViewContext, width: number): Line[] {
    const m = this.messageOf(ctx);
    const body = m === null ? null : (ctx.body?.(m) ?? null);
    return sectionLines(detailSections(ctx.doc, this.target, { width, body }));
  }

  override key(k: KeyPress, ctx: ViewContext): Action | undefined {
    if (k.ch === 'r') return { type: 'push', views: [new RawView(this.target, this.transactions)] };
    return super.key(k, ctx);
  }
}
