/** `--json [file]`: the JSON document (filtered or not), streamed record by record. */
import { jsonDocumentChunks, jsonSectionChunks } from '../../export/json.js';
import { terminalSafeJson } from '../../export/json-safe.js';
import { filteredSections, isEmptyFilter } from '../../export/filter.js';
import { checkStreamTarget } from '../output-file.js';
import { writePieces, type Output } from './output.js';
import { takeRecords, withSpilled } from './spilled.js';

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
    if (isEmptyFilter(settings.filter)) takeRecords(model, sink, 'document');
  },
  async write(view, _arg, sink, settings) {
    // Streamed record by record, filtered or not: the whole document is never built nor held as one string,
    // nor queued whole for a slow reader (each piece waits until the sink has written the ones before).
    await withSpilled(view, sink, async (s) => {
      const chunks = isEmptyFilter(settings.filter) ? jsonDocumentChunks(view, { spill: s?.spill }) : jsonSectionChunks(filteredSections(view, settings.filter));
      await writePieces(sink, chunks, (piece) => (sink.writeJson !== undefined ? sink.writeJson(piece) : sink.write(terminalSafeJson(piece))));
      sink.write('\n');
    });
  },
};
