/** `--extract <dir>`: every message body into a folder, with a manifest; goes with any other output. */
import type { Output } from './output.js';
import { ExtractStore } from '../../export/extract-store.js';
import { handledAtExit, removeAtExit } from '../output-file.js';
import { CliError, EXIT_UNREADABLE } from '../errors.js';
import { escapeText } from '../../util/escape.js';
import { errnoText } from '../../util/errno.js';

export const extractOutput: Output<string> = {
  name: 'extract',
  options: [{ flags: '--extract <dir>', description: 'write each message body (and manifest.json) into DIR' }],
  primary: false,
  // Writes every body once the capture is read: the heap is held as for drawing (cli/heap.ts).
  drawsEveryRecord: true,
  keeps: { bodies: true, hashes: true, transactions: false, previews: false },
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
  async write(view, dir, sink, settings) {
    // Loaded only when bodies are extracted.
    const { extractBodies } = await import('../../export/extract.js');
    const r = await extractBodies(view, dir);
    for (const f of r.failed) sink.warn(`message ${f.message} not extracted: ${f.error}`);
    if (settings.alone) sink.write(`extracted ${r.files.length} files into ${r.dir} (manifest ${r.manifest})\n`);
  },
};
