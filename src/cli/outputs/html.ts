/** `--html <file>`: a self-contained HTML report (src/report); goes with any other output. */
import { filterText, isEmptyFilter } from '../../export/filter.js';
import { escapeText } from '../../util/escape.js';
import { checkTarget, writeOutputFile } from '../output-file.js';
import type { Output } from './output.js';

export const htmlOutput: Output<string> = {
  name: 'html',
  options: [{ flags: '--html <file>', description: 'write a self-contained HTML report (diagrams, tables, RTT chart) to FILE' }],
  primary: false,
  drawsEveryRecord: true,
  keeps: { bodies: false, hashes: false, transactions: true, previews: 'text' },
  requested: (o) => (typeof o.html === 'string' ? o.html : undefined),
  check(path, settings) {
    checkTarget(path, { force: settings.force });
  },
  async write(view, path, sink, settings) {
    // Loaded only here: the other outputs do not pay for the report's modules.
    const { writeHtmlReport } = await import('../../report/html.js');
    const { modelIndex } = await import('../../export/model-index.js');
    const filter = isEmptyFilter(settings.filter) ? undefined : filterText(settings.filter);
    // Drawn from the model one session at a time (export/model-index.ts, the records a filter keeps), never the
    // whole document.
    const source = modelIndex(view, settings.filter);
    const counts = await writeOutputFile(path, { force: settings.force }, (write) => writeHtmlReport(source, write, { filter }));
    const line = `wrote report ${escapeText(path)} (${counts.sessions} session${counts.sessions === 1 ? '' : 's'}, ${counts.messages} message${counts.messages === 1 ? '' : 's'})`;
    if (settings.alone) sink.write(`${line}\n`);
    else sink.warn(line);
  },
};
