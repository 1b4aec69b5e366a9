/**
 * --ladder and --html on a long capture: the records the model lets go are written ahead (compact JSON, a
 * transaction's ladder fields only, with where each is drawn) and read back one session at a time; the ladders
 * and the report are those of a model that holds every record.
 */
import { describe, expect, it } from 'vitest';
import { spillSink } from '../../src/export/json.js';
import { modelIndex, type WrittenRecords } from '../../src/export/model-index.js';
import { RecordSpill } from '../../src/export/record-spill.js';
import { SpilledPlaces } from '../../src/export/spilled-places.js';
import { documentLadderText } from '../../src/format/ladder-text.js';
import { writeHtmlReport } from '../../src/report/html.js';
import { Correlator } from '../../src/model/correlator.js';
import { joinSinks, type FoldOptions } from '../../src/model/message-fold.js';
import { finishStore } from '../helpers/frames.js';
import { feedLongChat } from '../helpers/long-chat.js';

function drawn(fold?: FoldOptions): { store: Correlator; written?: WrittenRecords; ladders: string; report: string } {
  const store = new Correlator({ keepPreviews: 'text', foldMessages: fold });
  let written: WrittenRecords | undefined;
  if (fold !== undefined) {
    const spill = new RecordSpill();
    const places = new SpilledPlaces();
    const sink = spillSink(store.view(), spill, 0, true);
    written = { spill, places };
    store.foldInto(joinSinks(places, sink));
  }
  feedLongChat(store, 400);
  finishStore(store);
  written?.spill.finish();
  const ix = modelIndex(store.view(), undefined, written);
  const ladders = documentLadderText(ix);
  let report = '';
  writeHtmlReport(ix, (s) => {
    report += s;
  });
  return { store, written, ladders, report };
}

describe('--ladder and --html with records written while the capture is read', () => {
  const plain = drawn();
  const folded = drawn({ keepFirst: 0, after: 20, records: true });

  it('draws the ladders and writes the report of a model that holds every record', () => {
    expect(folded.ladders).toBe(plain.ladders);
    expect(folded.report).toBe(plain.report);
    // One session on four connections: 400 messages and 49 notifications, 1,682 requests, a line for each and for
    // each response, each message's line above its chunks'.
    expect(plain.ladders.split('\n\n')).toHaveLength(1);
    expect(plain.ladders).toMatch(/^=== session 0: .* · 449 messages \(52\.3 kB\) · delivered 243 failed 138 unknown 68 · 1682 requests · connections 3 1 2 0 /);
    expect(plain.ladders.split('\n')).toHaveLength(3680);
    expect(plain.report).toContain('<h2>Messages (449)</h2>');
  });

  it('let most records go, and reads them back from the spill', () => {
    const view = folded.store.view();
    expect(view.messages().length).toBeLessThan(120);
    expect(view.transactions().length).toBeLessThan(view.transactionTotal() / 4);
    const spill = folded.written?.spill as RecordSpill;
    expect(spill.count).toBe(view.messageTotal() - view.messages().length + view.transactionTotal() - view.transactions().length);
  });

  it('keeps only the ladder fields of a transaction written ahead: its whole record is not to be had', () => {
    const view = folded.store.view();
    const ix = modelIndex(view, undefined, folded.written);
    const held = new Set(view.transactions().map((t) => t.index));
    const gone = Array.from({ length: view.transactionTotal() }, (_, i) => i).find((i) => !held.has(i)) as number;
    expect(ix.ladderTransaction(gone)).toMatchObject({ id: gone, method: 'SEND' });
    expect(ix.ladderTransaction(gone)).not.toHaveProperty('request.headers');
    expect(() => ix.transaction(gone)).toThrow(/written ahead/);
    const plainIx = modelIndex(plain.store.view());
    expect(ix.ladderTransaction(gone)).toEqual(modelIndex(plain.store.view()).ladderTransaction(gone));
    expect([...ix.transactionRtts()]).toEqual([...plainIx.transactionRtts()]);
    expect([...ix.messages()]).toEqual([...plainIx.messages()]);
  });
});
