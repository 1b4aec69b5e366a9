/** `--extract <dir>`: every message body into a folder, with a manifest; goes with any other output. */
import type { Output } from './output.js';

export const extractOutput: Output<string> = {
  name: 'extract',
  options: [{ flags: '--extract <dir>', description: 'write each message body (and manifest.json) into DIR' }],
  primary: false,
  keeps: { bodies: true, hashes: true, transactions: false, previews: false },
  requested: (o) => (typeof o.extract === 'string' ? o.extract : undefined),
  async write(view, dir, sink, settings) {
    // Loaded only when bodies are extracted.
    const { extractBodies } = await import('../../export/extract.js');
    const r = await extractBodies(view, dir);
    for (const f of r.failed) sink.warn(`message ${f.message} not extracted: ${f.error}`);
    if (settings.alone) sink.write(`extracted ${r.files.length} files into ${r.dir} (manifest ${r.manifest})\n`);
  },
};
