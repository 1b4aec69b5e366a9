/**
 * End to end: damaged captures (records dropped, duplicated, reordered, cut, damaged; length fields and
 * bytes of the file damaged; gzip) through the CLI's pipeline into the model, then the JSON document, the
 * NDJSON records, the text summary and the ladders (drawn from the model's record index as --ladder and the viewer
 * draw them, which must be the document's). CaptureError (not a capture at all, decompression cap) is the one
 * allowed exception.
 */
import { Readable } from 'node:stream';
import { CaptureError } from '../../capture/errors.js';
import { runPipeline } from '../../cli/pipeline.js';
import { buildJsonDocument, jsonDocumentChunks, spillSink, summaryJson } from '../../export/json.js';
import { RecordSpill } from '../../export/record-spill.js';
import { SpilledPlaces } from '../../export/spilled-places.js';
import { joinSinks } from '../../model/message-fold.js';
import { writeHtmlReport } from '../../report/html.js';
import { summaryInput } from '../../export/summary-input.js';
import { modelIndex } from '../../export/model-index.js';
import { createNdjsonWriter } from '../../export/ndjson.js';
import { documentLadderText } from '../../format/ladder-text.js';
import { renderSummary } from '../../export/summary.js';
import { Correlator } from '../../model/correlator.js';
import { damageFile, mutateRecords, writeRandomCapture } from '../capture-mutate.js';
import { Checker, unsafeChar } from '../check.js';
import type { Rng } from '../rng.js';
import type { SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';

/** Raw C1 / bidi characters in JSON text (JSON.stringify leaves them); counted, reported separately. */
export const jsonRawControls = { cases: 0, example: '' };

function generate(rng: Rng, pool: SeedPool): Buffer {
  if (pool.captures.length === 0) return rng.bytes(64);
  const seed = rng.pick(pool.captures);
  let recs = seed.records;
  if (recs.length > 400) {
    // Big seeds: a window of frames (the start, or mid-capture: streams begin mid-message).
    const at = rng.chance(0.5) ? 0 : rng.int(recs.length - 400);
    recs = recs.slice(at, at + 400);
  }
  const win = { ...seed, records: recs };
  return damageFile(writeRandomCapture(seed.linkTypes, mutateRecords(win, rng), rng), rng);
}

export const pipelineTarget: FuzzTarget = {
  name: 'pipeline',
  description: 'runPipeline → Correlator → JSON / NDJSON / summary: damaged captures end to end',
  generate,
  async run(input: Buffer, rng: Rng) {
    const check = new Checker();
    // As --summary and --ndjson run it on a long capture (or --json: records, written ahead into a spill), with
    // bounds small enough to fold these captures' messages.
    const fold = rng.chance(0.3)
      ? { keepFirst: rng.int(4), after: rng.int(3), settledMs: rng.int(2000), idleMs: rng.int(5000), records: rng.chance(0.4) }
      : undefined;
    const records = fold?.records === true;
    const model = new Correlator({ keepBodies: rng.chance(0.3), hashBodies: rng.chance(0.5), foldMessages: fold, retainTransactions: fold === undefined || records });
    const spill = records ? new RecordSpill() : undefined;
    // Half of them as --ladder and --html take records: compact, grouped by session, with their places.
    const places = records && rng.chance(0.5) ? new SpilledPlaces(spill?.pages) : undefined;
    if (spill !== undefined) {
      const sink = spillSink(model.view(), spill, places === undefined ? undefined : 0, places !== undefined);
      model.foldInto(places === undefined ? sink : joinSinks(places, sink));
    }
    const lines: string[] = [];
    if (rng.chance(0.5)) createNdjsonWriter(model, (l) => lines.push(l));
    const ports = rng.chance(0.3) ? [rng.pick([2855, 5060, 8088, 40000])] : [];
    // Reads of 1 KiB to 64 KiB, as from a file or pipe (byte-sized splits are the parser targets' business;
    // through gunzip each tiny read would cost a thread-pool round trip and only time the harness).
    const pieces: Buffer[] = [];
    for (let at = 0; at < input.length; ) {
      const n = rng.range(1024, 65536);
      pieces.push(input.subarray(at, at + n));
      at += n;
    }
    try {
      await runPipeline({
        sources: [{ name: 'fuzz', input: Readable.from(pieces) }],
        model,
        msrpPorts: ports,
        hashBodies: rng.chance(0.5),
      });
    } catch (e) {
      if (e instanceof CaptureError) {
        check.text('CaptureError message', e.message, false);
        return check.finish();
      }
      throw e;
    }
    const view = model.view();
    for (const d of view.diagnostics()) check.diagnostic(d);
    for (const l of lines) {
      check.expect(!l.includes('\n'), 'NDJSON record spans lines');
      JSON.parse(l);
    }
    if (spill !== undefined && places !== undefined) {
      // --ladder and --html of a long capture: every session drawn from the records held and those read back.
      spill.finish();
      try {
        const ix = modelIndex(view, undefined, { spill, places });
        check.text('ladder', documentLadderText(ix), true);
        let report = '';
        writeHtmlReport(ix, (s) => {
          report += s;
        });
        check.expect(report.includes(`<h2>Messages (${view.messageTotal()})</h2>`), 'report does not count every message');
      } finally {
        spill.close();
      }
      return check.finish();
    }
    if (spill !== undefined) {
      // --json of a long capture: every record in the document, those written ahead at their places.
      spill.finish();
      try {
        const doc = JSON.parse([...jsonDocumentChunks(view, { spill })].join('')) as { messages: Array<{ id: number }>; transactions: Array<{ id: number }> };
        check.expect(doc.messages.length === view.messageTotal(), 'document messages are not the total');
        check.expect(doc.transactions.length === view.transactionTotal(), 'document transactions are not the total');
        check.expect(doc.messages.every((m, i) => m.id === i) && doc.transactions.every((t, i) => t.id === i), 'document records out of place');
      } finally {
        spill.close();
      }
      return check.finish();
    }
    if (fold !== undefined) {
      // Only the summary and NDJSON read a folding model: the counts must add up with the records held.
      const s = summaryJson(view).messages;
      check.expect(s.total === s.complete + s.aborted + s.incomplete, 'folded message states do not add up to the total');
      check.expect(view.messageTotal() === view.messages().length + (view.foldedMessages()?.count ?? 0), 'held and folded messages are not the total');
      check.expect(view.messages().every((m, i) => i === 0 || m.index > (view.messages()[i - 1]?.index ?? -1)), 'held messages out of index order');
      check.text('summary', renderSummary(summaryInput(view), { color: false, columns: 100, maxRows: fold.keepFirst }), true);
      return check.finish();
    }
    const doc = buildJsonDocument(view);
    const json = JSON.stringify(doc);
    const parsed: unknown = JSON.parse(json);
    check.expect(typeof parsed === 'object' && parsed !== null, 'JSON document does not parse back');
    const rawJson = unsafeChar(json, false);
    if (rawJson !== undefined) {
      jsonRawControls.cases++;
      if (jsonRawControls.example === '') jsonRawControls.example = rawJson;
    }
    const summary = renderSummary(doc, { color: false, columns: 100 });
    check.text('summary', summary, true);
    const ladders = documentLadderText(modelIndex(view));
    check.text('ladders', ladders, true);
    check.expect(ladders === documentLadderText(doc), 'ladders from the model index differ from the document');
    return check.finish();
  },
};
