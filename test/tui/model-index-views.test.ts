/**
 * The viewer draws a capture read from files from the model (src/cli/tui-mode.ts: export/model-index.ts)
 * rather than from the whole JSON document. For every sample and corpus capture, every screen drawn that way is
 * the one drawn from the document: the session list, each row's ladder with every message unfolded, the detail
 * and raw screens of every ladder row, and the diagnostics list with where each diagnostic leads.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';
import { buildJsonDocument } from '../../src/export/json.js';
import { modelIndex } from '../../src/export/model-index.js';
import type { RecordSource } from '../../src/export/record-index.js';
import { lineText } from '../../src/format/line.js';
import { DetailView } from '../../src/tui/screens/detail-view.js';
import { DiagnosticsView } from '../../src/tui/screens/diagnostics-view.js';
import { LadderView } from '../../src/tui/screens/ladder-view.js';
import { ListView } from '../../src/tui/screens/list-view.js';
import { RawView } from '../../src/tui/screens/raw-view.js';
import type { Rendered, View, ViewContext } from '../../src/tui/screens/view.js';
import { analysedWithKeys } from '../helpers/run-pipeline.js';

const CAPTURES = (captureList() as Array<{ name: string; file: string; keys: string | null }>).filter((c) => existsSync(c.file));
const WIDTH = 160;
const HEIGHT = 100_000;

function ctx(doc: RecordSource): ViewContext {
  return { doc, timeMode: 'absolute', follow: false, live: false, body: undefined };
}

function text(r: Rendered): string[] {
  return [...r.header, ...r.rows.map((x) => x.line)].map((l) => lineText(l).trimEnd());
}

/** Every screen the viewer can reach without typing, as text. */
function screens(doc: RecordSource): string[][] {
  const c = ctx(doc);
  const out: string[][] = [];
  const list = new ListView();
  out.push(text(list.render(c, WIDTH, HEIGHT)));
  for (const row of list.visibleRows(c)) {
    const ladder = new LadderView(row.scope);
    ladder.key({ name: 'x', ch: 'x' }, c);
    out.push([ladder.title(c), ...text(ladder.render(c, WIDTH, HEIGHT))]);
    for (const r of ladder.rows(c)) {
      const views: View[] = [new DetailView(r.entry.target, r.entry.transactions, row.scope), new RawView(r.entry.target, r.entry.transactions)];
      for (const v of views) out.push([v.title(c), ...text(v.render(c, WIDTH, HEIGHT))]);
    }
  }
  const diagnostics = new DiagnosticsView();
  out.push([diagnostics.title(c), ...text(diagnostics.render(c, WIDTH, HEIGHT))]);
  for (const [i, item] of diagnostics.itemsOf(c).entries()) {
    if (item.kind !== 'diagnostic' || i > 200) continue;
    const d = new DiagnosticsView();
    d.itemsOf(c);
    for (let k = 0; k < i; k++) d.key({ name: 'down', ch: undefined }, c);
    const action = d.key({ name: 'enter', ch: undefined }, c);
    out.push([JSON.stringify(action?.type), ...(action?.type === 'push' ? action.views.map((v) => v.title(c)) : action?.type === 'status' ? [action.text] : [])]);
  }
  return out;
}

describe('the viewer draws the same screens from the model as from the document', () => {
  it.each(CAPTURES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    // What the viewer's model keeps (cli/outputs/tui.ts): previews, hashes, every transaction.
    const model = await analysedWithKeys(c.file, c.keys, { keepPreviews: true });
    const fromDocument = screens(buildJsonDocument(model.view()));
    const fromModel = screens(modelIndex(model.view()));
    expect(fromModel).toEqual(fromDocument);
    expect(fromDocument.length).toBeGreaterThan(1);
  });
});
