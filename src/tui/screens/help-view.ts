/** The help screen: every key, from the key table. */
import { helpLines } from '../../format/help.js';
import type { Line } from '../../format/line.js';
import { TextView } from './text-view.js';

export class HelpView extends TextView {
  readonly kind = 'help' as const;

  title(): string {
    return 'Help';
  }

  hints(): string {
    return '↑↓ scroll  q back';
  }

  protected build(): Line[] {
    return helpLines();
  }
}
