/** `--html <file>`: a self-contained HTML report (src/report); goes with any other output. */
import { buildJsonDocument } from '../../export/json.js';
import { filterDocument, isEmptyFilter, type RecordFilter } from '../../export/filter.js';
import { escapeText } from '../../util/escape.js';
import { checkTarget, OutputFile } from '../output-file.js';
import type { Output } from './output.js';

/** The filter in words, for the report's header (`--method SEND --state aborted`). */
function filterText(f: RecordFilter): string {
  const parts: string[] = [];
  if (f.session !== undefined) parts.push(`--session ${f.session}`);
  if (f.message !== undefined) parts.push(`--message ${f.message}`);
  if (f.method !== undefined) parts.push(`--method ${f.method}`);
  if (f.address !== undefined) parts.push(`--address ${f.address}${f.port === undefined ? '' : `:${f.port}`}`);
  if (f.states !== undefined) parts.push(`--state ${f.states.join(',')}`);
  if (f.delivery !== undefined) parts.push(`--delivery ${f.delivery.join(',')}`);
  return parts.join(' ');
}

export const htmlOutput: Output<string> = {
  name: 'html',
  options: [{ flags: '--html <file>', description: 'write a self-contained HTML report (diagrams, tables, RTT chart) to FILE' }],
  primary: false,
  keeps: { bodies: false, hashes: false, transactions: true, previews: 'text' },
  requested: (o) => (typeof o.html === 'string' ? o.html : undefined),
  check(path, settings) {
    checkTarget(path, { force: settings.force });
  },
  async write(view, path, sink, settings) {
    // Loaded only here: the other outputs do not pay for the report's modules.
    const { writeHtmlReport } = await import('../../report/html.js');
    const doc = filterDocument(buildJsonDocument(view), settings.filter);
    const file = OutputFile.open(path, { force: settings.force });
    let counts;
    try {
      counts = writeHtmlReport(doc, (s) => file.write(s), { filter: isEmptyFilter(settings.filter) ? undefined : filterText(settings.filter) });
    } catch (e) {
      file.abort();
      throw e;
    }
    file.commit();
    const line = `wrote report ${escapeText(path)} (${counts.sessions} session${counts.sessions === 1 ? '' : 's'}, ${counts.messages} message${counts.messages === 1 ? '' : 's'})`;
    if (settings.alone) sink.write(`${line}\n`);
    else sink.warn(line);
  },
};
