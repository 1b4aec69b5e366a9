/** Raw MSRP text of one ladder line. */
import type { LadderTarget } from '../../format/ladder.js';
import type { Line } from '../../format/line.js';
import { rawLines } from '../../format/raw.js';
import { TextView } from './text-view.js';
import type { ViewContext } from './view.js';

export class RawView extends TextView {
  readonly kind = 'raw' as const;

  constructor(
    readonly target: LadderTarget,
    readonly transactions: readonly number[],
  ) {
    super();
  }

  title(): string {
    return 'Raw MSRP';
  }

  hints(): string {
    return '↑↓ scroll  ? help  q back';
  }

  protected build(ctx: ViewContext): Line[] {
    return rawLines(ctx.doc, this.target, this.transactions, { body: ctx.body, cut: ctx.cut });
  }
}
