/** `--json [file]`: the JSON document (filtered or not), streamed record by record. */
import { jsonDocumentChunks, jsonSectionChunks, spillSink, type SpillSink } from '../../export/json.js';
import { terminalSafeJson } from '../../export/json-safe.js';
import { filteredSections, isEmptyFilter } from '../../export/filter.js';
import { RecordSpill } from '../../export/record-spill.js';
import type { FoldSink } from '../../model/message-fold.js';
import type { ObservedModel } from '../../model/view.js';
import { checkStreamTarget } from '../output-file.js';
import { writePieces, type Output, type OutputSink } from './output.js';

/** The records the model let go while the capture was read (FoldOptions.records), by the output's sink. */
interface Spilled {
  spill: RecordSpill;
  sink: SpillSink;
}

const spilled = new WeakMap<OutputSink, Spilled>();

/** Hands the model a sink that makes the spill file with the first record let go (most captures never do). */
function foldInto(model: ObservedModel, sink: OutputSink): void {
  if (model.foldInto === undefined) return;
  let target: FoldSink | undefined;
  const into = (): FoldSink => {
    if (target !== undefined) return target;
    const spill = new RecordSpill();
    const s = spillSink(model.view(), spill);
    spilled.set(sink, { spill, sink: s });
    target = s;
    return s;
  };
  model.foldInto({ message: (m) => into().message(m), transaction: (t) => into().transaction(t) });
}

export const jsonOutput: Output<string | true> = {
  name: 'json',
  options: [{ flags: '--json [file]', description: 'write the JSON document (to stdout, or to FILE)' }],
  primary: true,
  keeps: { bodies: false, hashes: true, transactions: true, previews: 'text', messages: 'records' },
  requested: (o) => (typeof o.json === 'string' || o.json === true ? o.json : undefined),
  target: (arg) => (typeof arg === 'string' ? arg : undefined),
  check(arg) {
    if (typeof arg === 'string') checkStreamTarget(arg);
  },
  attach(model, _arg, sink, settings) {
    // A filter reads every record once the capture is read: nothing is let go then.
    if (isEmptyFilter(settings.filter)) foldInto(model, sink);
  },
  async write(view, _arg, sink, settings) {
    // Streamed record by record, filtered or not: the whole document is never built nor held as one string,
    // nor queued whole for a slow reader (each piece waits until the sink has written the ones before).
    const s = spilled.get(sink);
    try {
      if (s !== undefined) {
        s.spill.finish();
        if (s.spill.failure !== undefined) sink.warn(`temporary file for the records of a long capture: ${s.spill.failure}; they were held in memory`);
        const first = s.sink.firstDigits;
        if (first !== undefined && first !== view.timestampDigits()) {
          sink.warn(`${s.spill.count} records were written before an interface with finer timestamps was met: their times have fewer digits`);
        }
      }
      const chunks = isEmptyFilter(settings.filter) ? jsonDocumentChunks(view, { spill: s?.spill }) : jsonSectionChunks(filteredSections(view, settings.filter));
      await writePieces(sink, chunks, (piece) => (sink.writeJson !== undefined ? sink.writeJson(piece) : sink.write(terminalSafeJson(piece))));
      sink.write('\n');
    } finally {
      s?.spill.close();
    }
  },
};
