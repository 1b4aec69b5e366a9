/** `-w FILE`: the frames of what the filters select, as pcapng (or classic pcap), TLS secrets included. */
import { filteredSections, isEmptyFilter } from '../../export/filter.js';
import { documentSections, sectionRecords, type DocumentSections } from '../../export/json.js';
import type { SelectionSource } from '../../export/frame-selection.js';
import type { CaptureAccess } from '../capture-write.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { checkTarget } from '../output-file.js';
import type { Output, OutputSettings } from './output.js';

/** The capture files to read again: there only when every input is a file (not standard input, not live). */
function captureOf(settings: OutputSettings): CaptureAccess {
  if (settings.capture === undefined) throw new CliError('-w needs capture files, not standard input or a live interface', EXIT_USAGE);
  return settings.capture;
}

export const writeOutput: Output<string> = {
  name: 'write',
  options: [
    {
      flags: '-w, --write <file>',
      description: 'write the frames of what the filters select (whole TCP connections, their SIP) to FILE: pcapng, or pcap when FILE ends in .pcap',
    },
  ],
  primary: false,
  // The connections and SIP dialogs come from the document (filtered like the other outputs).
  // Without a filter it reads no message record: a long capture's are folded into counts.
  keeps: { bodies: false, hashes: false, transactions: 'filtered', previews: false, frames: true, messages: 'filtered' },
  requested: (o) => (typeof o.write === 'string' ? o.write : undefined),
  check(path, settings) {
    captureOf(settings);
    checkTarget(path, { force: settings.force });
  },
  async write(view, path, sink, settings) {
    const access = captureOf(settings);
    // Loaded only when frames are written.
    const [{ selectionOfFilter }, { writeResultText, writeSelectedFrames }] = await Promise.all([import('../../export/frame-selection.js'), import('../capture-write.js')]);
    // Only the short lists (connections, sessions, SIP dialogs) are made: not every message and transaction record.
    const lists = (d: DocumentSections): SelectionSource => ({ connections: sectionRecords(d.connections), sessions: sectionRecords(d.sessions), sip: sectionRecords(d.sip) });
    const filtered = isEmptyFilter(settings.filter) ? undefined : lists(filteredSections(view, settings.filter));
    const selection = selectionOfFilter(lists(documentSections(view)), filtered);
    const r = await writeSelectedFrames(access, selection, path, { force: settings.force, timestampDigits: view.timestampDigits() });
    for (const w of r.warnings) sink.warn(w);
    if (settings.alone) sink.write(`${writeResultText(r, path)}\n`);
  },
};
