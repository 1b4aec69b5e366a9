/** `--html <file>`: a self-contained HTML report (src/report); goes with any other output. */
import { filterText, isEmptyFilter } from '../../export/filter.js';
import { escapeText } from '../../util/escape.js';
import { checkTarget, writeOutputFile } from '../output-file.js';
import type { Output } from './output.js';
import { drawnRecords, takeRecords, withSpilled } from './spilled.js';

export const htmlOutput: Output<string> = {
  name: 'html',
  options: [{ flags: '--html <file>', description: 'write a self-contained HTML report (diagrams, tables, RTT chart) to FILE' }],
  primary: false,
  drawsEveryRecord: true,
  // On a long capture, records are written ahead as the model lets them go (cli/outputs/spilled.ts).
  keeps: { bodies: false, hashes: false, transactions: true, previews: 'text', messages: 'records' },
  requested: (o) => (typeof o.html === 'string' ? o.html : undefined),
  check(path, settings) {
    checkTarget(path, { force: settings.force });
  },
  attach(model, _path, sink, settings) {
    // A filter reads every record once the capture is read: nothing is let go then.
    if (isEmptyFilter(settings.filter)) takeRecords(model, sink, 'drawn');
  },
  async write(view, path, sink, settings) {
    // Loaded only here: the other outputs do not pay for the report's modules.
    const { writeHtmlReport } = await import('../../report/html.js');
    const { modelIndex } = await import('../../export/model-index.js');
    const filter = isEmptyFilter(settings.filter) ? undefined : filterText(settings.filter);
    // Drawn from the model one session at a time (export/model-index.ts, the records a filter keeps), never the
    // whole document.
    const counts = await withSpilled(view, sink, (written) => {
      const source = modelIndex(view, settings.filter, drawnRecords(written));
      return writeOutputFile(path, { force: settings.force }, (write) => writeHtmlReport(source, write, { filter }));
    });
    const line = `wrote report ${escapeText(path)} (${counts.sessions} session${counts.sessions === 1 ? '' : 's'}, ${counts.messages} message${counts.messages === 1 ? '' : 's'})`;
    if (settings.alone) sink.write(`${line}\n`);
    else sink.warn(line);
  },
};
