/**
 * `--csv <kind[=file]>`: the sessions, messages or transactions as RFC 4180 CSV (export/csv.ts), to stdout or,
 * with `=FILE`, to a file written whole or not at all (output-file.ts). Columns come from the schema file the
 * package ships, so TypeBox is not loaded. A primary output, like --json.
 */
import type { CsvKind } from '../../export/csv.js';
import { escapeText } from '../../util/escape.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { checkTarget, writeOutputFile } from '../output-file.js';
import { isEmptyFilter } from '../../export/filter.js';
import { writePieces, type Output } from './output.js';
import { takeRecords, withSpilled } from './spilled.js';

/** export/csv.ts's kinds (that module and the schema file are loaded only when CSV is written). */
const CSV_KINDS: readonly CsvKind[] = ['sessions', 'messages', 'transactions'];

export interface CsvRequest {
  kind: CsvKind;
  file: string | undefined;
}

/** `sessions`, `messages=out.csv` …; a usage error (exit 1) for anything else. */
export function parseCsvArgument(value: string): CsvRequest {
  const eq = value.indexOf('=');
  const kind = (eq < 0 ? value : value.slice(0, eq)).trim().toLowerCase();
  const file = eq < 0 ? undefined : value.slice(eq + 1);
  if (!(CSV_KINDS as readonly string[]).includes(kind)) {
    throw new CliError(`invalid --csv kind "${escapeText(eq < 0 ? value : value.slice(0, eq))}" (expected ${CSV_KINDS.join(', ')}; then =FILE to write a file)`, EXIT_USAGE);
  }
  if (file === '') throw new CliError(`--csv ${kind}=: the file name is empty`, EXIT_USAGE);
  return { kind: kind as CsvKind, file };
}

export const csvOutput: Output<CsvRequest> = {
  name: 'csv',
  options: [{ flags: '--csv <kind[=file]>', description: 'write the sessions, messages or transactions as CSV (KIND to stdout, KIND=FILE to a file)' }],
  primary: true,
  // On a long capture, records are written ahead as the model lets them go (cli/outputs/spilled.ts).
  keeps: { bodies: false, hashes: true, transactions: true, previews: 'text', messages: 'records' },
  requested: (o) => (typeof o.csv === 'string' ? parseCsvArgument(o.csv) : undefined),
  check(arg, settings) {
    if (arg.file !== undefined) checkTarget(arg.file, { force: settings.force });
  },
  attach(model, arg, sink, settings) {
    // A filter reads every record once the capture is read: nothing is let go then. Only the kind written is kept.
    if (isEmptyFilter(settings.filter)) takeRecords(model, sink, 'compact', { message: arg.kind === 'messages', transaction: arg.kind === 'transactions' });
  },
  async write(view, arg, sink, settings) {
    const [{ csvChunks }, { schemaObject }, { documentSections, sectionItems }, { filteredSections }] = await Promise.all([
      import('../../export/csv.js'),
      import('../../export/schema-file.js'),
      import('../../export/json.js'),
      import('../../export/filter.js'),
    ]);
    // The rows are made from the model one record at a time, filtered or not (those written ahead parsed from
    // their text): no document is built.
    await withSpilled(view, sink, async (written) => {
      const sections = isEmptyFilter(settings.filter) ? documentSections(view, { spill: written?.spill }) : filteredSections(view, settings.filter);
      const records = sectionItems<unknown>(sections[arg.kind]);
      const chunks = csvChunks(records, arg.kind, schemaObject());
      if (arg.file === undefined) return writePieces(sink, chunks);
      await writeOutputFile(arg.file, { force: settings.force }, (write) => {
        for (const c of chunks) write(c);
      });
    });
  },
};
