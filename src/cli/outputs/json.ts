/** `--json [file]`: the JSON document, streamed record by record when unfiltered. */
import { jsonDocumentChunks } from '../../export/json.js';
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
  async write(view, _arg, sink, settings) {
    if (isEmptyFilter(settings.filter)) {
      // Streamed record by record: the whole document is never held as one string, nor queued whole for a
      // slow reader (each piece waits until the sink has written the ones before).
      for (const chunk of jsonDocumentChunks(view)) {
        sink.write(terminalSafeJson(chunk));
        const wait = sink.ready?.();
        if (wait !== undefined) await wait;
      }
      sink.write('\n');
      return;
    }
    const doc = settings.documents.filtered();
    sink.write(`${terminalSafeJson(JSON.stringify(doc, null, 2))}\n`);
  },
};
