/**
 * The `w` key: what it writes (the selected session, connection or message) on each screen, and the writer the
 * command line offers (it reads the capture files again, as `-w` does). The file name is asked by file-prompt.ts.
 */
import type { RecordSource } from '../../export/record-index.js';
import type { WriteScope } from '../../export/frame-selection.js';
import { recordIndex } from '../../export/record-index.js';
import { DetailView } from './detail-view.js';
import { LadderView } from './ladder-view.js';
import { ListView } from './list-view.js';
import type { View, ViewContext } from './view.js';

/** What the viewer's caller offers for `w`: undefined when the capture cannot be read again (a pipe, live). */
export interface CaptureWriter {
  /** Writes the scope's frames; resolves with the line for the status bar, rejects with an Error when not written. */
  write(doc: RecordSource, scope: WriteScope, path: string, force: boolean): Promise<string>;
}

/** What `w` writes on this screen: the list's selected row, the ladder's session, the detail's message. */
export function writeScopeOf(view: View, ctx: ViewContext): WriteScope | undefined {
  if (view instanceof ListView) {
    return view.visibleRows(ctx)[view.cursor]?.scope;
  }
  if (view instanceof DetailView) {
    const t = view.target;
    const message = t.kind === 'message' ? t.message : t.kind === 'transaction' ? (recordIndex(ctx.doc).transaction(t.transaction)?.message ?? null) : null;
    if (message !== null) return { kind: 'message', message };
    return view.scope;
  }
  if (view instanceof LadderView) return view.scope;
  return undefined;
}

