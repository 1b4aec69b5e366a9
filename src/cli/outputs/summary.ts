/** `--summary`: the text tables (the default when standard output is not a terminal). */
import { isEmptyFilter } from '../../export/filter.js';
import { renderSummary } from '../../export/summary.js';
import { filteredSummaryInput, summaryInput } from '../../export/summary-input.js';
import type { Output } from './output.js';

export const summaryOutput: Output<true> = {
  name: 'summary',
  options: [{ flags: '--summary', description: 'write the text summary (default when stdout is not a terminal)' }],
  primary: true,
  // Body hashes appear in JSON/NDJSON records and verify file transfers; the summary shows neither.
  // Unfiltered, the model's tally of transactions is enough and no preview is shown; a filter reads every record.
  keeps: { bodies: false, hashes: false, transactions: 'filtered', previews: 'filtered', messages: 'rows' },
  requested: (o) => (o.summary === true ? true : undefined),
  write(view, _arg, sink, settings) {
    const style = { color: settings.color, columns: settings.columns };
    // Unfiltered, it reads straight from the model: the full records of every message and transaction are not needed.
    if (isEmptyFilter(settings.filter)) sink.write(renderSummary(summaryInput(view), style));
    else sink.write(renderSummary(filteredSummaryInput(view, settings.filter), style));
  },
};
