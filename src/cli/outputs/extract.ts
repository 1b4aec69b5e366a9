/** `--extract <dir>`: every message body into a folder, with a manifest; goes with any other output. */
import type { Output, OutputSink } from './output.js';
import { ExtractStore } from '../../export/extract-store.js';
import { Extraction, extractBodies } from '../../export/extract.js';
import { handledAtExit, removeAtExit } from '../output-file.js';
import { CliError, EXIT_UNREADABLE } from '../errors.js';
import { escapeText } from '../../util/escape.js';
import { errnoText } from '../../util/errno.js';

/** The extraction of each run, by its output sink: made in attach(), when the model starts letting records go. */
const extractions = new WeakMap<OutputSink, Extraction>();

export const extractOutput: Output<string> = {
  name: 'extract',
  options: [{ flags: '--extract <dir>', description: 'write each message body (and manifest.json) into DIR' }],
  primary: false,
  // Writes the bodies still held once the capture is read: the heap is held as for drawing (cli/heap.ts).
  drawsEveryRecord: true,
  // On a long capture, each message is extracted as the model lets it go (model/message-fold.ts).
  keeps: { bodies: true, hashes: true, transactions: false, previews: false, messages: 'records' },
  requested: (o) => (typeof o.extract === 'string' ? o.extract : undefined),
  bodyStore(dir) {
    // Bodies go into the folder as they are read (export/extract-store.ts): none is held in memory.
    let store: ExtractStore;
    try {
      store = new ExtractStore(dir, { created: removeAtExit, removed: handledAtExit });
    } catch (e) {
      throw new CliError(`cannot write ${escapeText(dir)}: ${errnoText(e, 'no such directory')}`, EXIT_UNREADABLE);
    }
    return () => store.bodyStore();
  },
  attach(model, dir, sink) {
    const extraction = new Extraction(dir);
    extractions.set(sink, extraction);
    model.foldInto?.({ message: (m) => extraction.take(m), transaction: () => undefined });
  },
  async write(view, dir, sink, settings) {
    const r = await extractBodies(view, dir, extractions.get(sink));
    for (const f of r.failed) sink.warn(`message ${f.message} not extracted: ${f.error}`);
    if (r.spillFailure !== undefined) sink.warn(`temporary file for the manifest of a long capture: ${r.spillFailure}; its entries were held in memory`);
    if (settings.alone) sink.write(`extracted ${r.written} files into ${r.dir} (manifest ${r.manifest})\n`);
  },
};
