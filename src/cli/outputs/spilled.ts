/**
 * Records written ahead for the outputs that show every record (--json, --csv, --ladder, --html): each takes the
 * records the model lets go on a long capture (FoldOptions.records) into a RecordSpill of its own, made with the
 * first record let go (most captures never let any go), and reads them back once the capture is read.
 */
import { spillSink, type SpillSink } from '../../export/json.js';
import { RecordSpill } from '../../export/record-spill.js';
import { SpilledPlaces } from '../../export/spilled-places.js';
import { joinSinks, type FoldSink } from '../../model/message-fold.js';
import type { ModelView, ObservedModel } from '../../model/view.js';
import type { WrittenRecords } from '../../export/model-index.js';
import type { OutputSink } from './output.js';

/** The records an output's sink took while the capture was read. */
export interface Spilled {
  spill: RecordSpill;
  sink: SpillSink;
  /** Where each record is drawn (the drawing outputs). */
  places: SpilledPlaces | undefined;
}

const spilled = new WeakMap<OutputSink, Spilled>();

/**
 * Hands the model a sink for the output writing to `out`: records as the document gives them ('document':
 * `--json`), compact ('compact': `--csv`), or compact with their places ('drawn'), for the drawing outputs to read
 * back one session at a time. `kinds`: the records the output reads (the others are let go unwritten).
 */
export function takeRecords(model: ObservedModel, out: OutputSink, how: 'document' | 'compact' | 'drawn', kinds: { message: boolean; transaction: boolean } = { message: true, transaction: true }): void {
  if (model.foldInto === undefined) return;
  const drawn = how === 'drawn';
  let target: FoldSink | undefined;
  const into = (): FoldSink => {
    if (target !== undefined) return target;
    const spill = new RecordSpill();
    const sink = spillSink(model.view(), spill, how === 'document' ? undefined : 0, drawn);
    const places = drawn ? new SpilledPlaces(spill.pages) : undefined;
    spilled.set(out, { spill, sink, places });
    target = places === undefined ? sink : joinSinks(places, sink);
    return target;
  };
  model.foldInto({
    message: kinds.message ? (m) => into().message(m) : () => undefined,
    transaction: kinds.transaction ? (t) => into().transaction(t) : () => undefined,
  });
}

/**
 * The records the output's sink took (undefined when none was let go), ready to be read back: what could not be
 * written is said on the sink's warnings. Close it once the output is written.
 */
function spilledRecords(view: ModelView, out: OutputSink): Spilled | undefined {
  const s = spilled.get(out);
  if (s === undefined) return undefined;
  s.spill.finish();
  if (s.spill.failure !== undefined) out.warn(`temporary file for the records of a long capture: ${s.spill.failure}; they were held in memory`);
  const first = s.sink.firstDigits;
  if (first !== undefined && first !== view.timestampDigits()) {
    out.warn(`${s.spill.count} records were written before an interface with finer timestamps was met: their times have fewer digits`);
  }
  return s;
}

/** Runs `use` with the records the output's sink took (spilledRecords), and closes them after. */
export async function withSpilled<T>(view: ModelView, out: OutputSink, use: (s: Spilled | undefined) => Promise<T> | T): Promise<T> {
  const s = spilledRecords(view, out);
  try {
    return await use(s);
  } finally {
    s?.spill.close();
  }
}

/** What a drawing output's index reads of the records written ahead (export/model-index.ts). */
export function drawnRecords(s: Spilled | undefined): WrittenRecords | undefined {
  return s === undefined || s.places === undefined ? undefined : { spill: s.spill, places: s.places };
}
