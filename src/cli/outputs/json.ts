/** `--json [file]`: the JSON document, streamed record by record when unfiltered. */
import { writeJsonDocument } from '../../export/json.js';
import { terminalSafeJson } from '../../export/json-safe.js';
import { isEmptyFilter } from '../../export/filter.js';
import type { Output } from './output.js';

export const jsonOutput: Output<string | true> = {
  name: 'json',
  options: [{ flags: '--json [file]', description: 'write the JSON document (to stdout, or to FILE)' }],
  primary: true,
  keeps: { bodies: false, hashes: true, transactions: true, previews: 'text' },
  requested: (o) => (typeof o.json === 'string' || o.json === true ? o.json : undefined),
  target: (arg) => (typeof arg === 'string' ? arg : undefined),
  write(view, _arg, sink, settings) {
    if (isEmptyFilter(settings.filter)) {
      // Streamed record by record: the whole document is never held as one string.
      writeJsonDocument(view, (chunk) => sink.write(terminalSafeJson(chunk)));
      sink.write('\n');
      return;
    }
    const doc = settings.documents.filtered();
    sink.write(`${terminalSafeJson(JSON.stringify(doc, null, 2))}\n`);
  },
};
