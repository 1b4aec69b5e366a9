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
import { buildJsonDocument } from '../../export/json.js';
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
    const model = new Correlator({ keepBodies: rng.chance(0.3), hashBodies: rng.chance(0.5) });
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
    const doc = buildJsonDocument(view);
    const json = JSON.stringify(doc);
    const parsed: unknown = JSON.parse(json);
    check.expect(typeof parsed === 'object' && parsed !== null, 'JSON document does not parse back');
    const rawJson = unsafeChar(json, false);
    if (rawJson !== undefined) {
      jsonRawControls.cases++;
      if (jsonRawControls.example === '') jsonRawControls.example = rawJson;
    }
    for (const l of lines) {
      check.expect(!l.includes('\n'), 'NDJSON record spans lines');
      JSON.parse(l);
    }
    const summary = renderSummary(doc, { color: false, columns: 100 });
    check.text('summary', summary, true);
    const ladders = documentLadderText(modelIndex(view));
    check.text('ladders', ladders, true);
    check.expect(ladders === documentLadderText(doc), 'ladders from the model index differ from the document');
    return check.finish();
  },
};
