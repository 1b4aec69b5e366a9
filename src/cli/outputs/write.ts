/** `-w FILE`: the frames of what the filters select, as pcapng (or classic pcap), TLS secrets included. */
import { buildJsonDocument } from '../../export/json.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { checkTarget } from '../output-file.js';
import type { Output } from './output.js';

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
  keeps: { bodies: false, hashes: false, transactions: 'filtered', previews: false, frames: true },
  requested: (o) => (typeof o.write === 'string' ? o.write : undefined),
  check(path, settings) {
    if (!settings.rereadable) throw new CliError('-w needs capture files, not standard input or a live interface', EXIT_USAGE);
    checkTarget(path, { force: settings.force });
  },
  async write(view, path, sink, settings) {
    const access = settings.capture;
    if (access === undefined) throw new CliError('-w needs capture files, not standard input or a live interface', EXIT_USAGE);
    // Loaded only when frames are written.
    const [{ selectionOfFilter }, { writeResultText, writeSelectedFrames }] = await Promise.all([import('../../export/frame-selection.js'), import('../capture-write.js')]);
    const selection = selectionOfFilter(buildJsonDocument(view), settings.filter);
    const r = await writeSelectedFrames(access, selection, path, { force: settings.force, timestampDigits: view.timestampDigits() });
    for (const w of r.warnings) sink.warn(w);
    if (settings.alone) sink.write(`${writeResultText(r, path)}\n`);
  },
};
