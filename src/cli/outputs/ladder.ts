/**
 * `--ladder [file]`: every session's ladder as plain text (the TUI's ladder lines with all chunks unfolded,
 * see format/ladder-text.ts), to stdout or to FILE (written whole or not at all, output-file.ts). A primary
 * output, like --json with or without its file. The view models are imported when it writes: they read the
 * terminal width tables, which the other outputs do not load.
 */
import { checkTarget, writeOutputFile } from '../output-file.js';
import type { Output } from './output.js';

export const ladderOutput: Output<string | true> = {
  name: 'ladder',
  options: [{ flags: '--ladder [file]', description: 'write every session ladder as plain text, chunks unfolded (to stdout, or to FILE)' }],
  primary: true,
  keeps: { bodies: false, hashes: false, transactions: true, previews: 'text' },
  requested: (o) => (typeof o.ladder === 'string' || o.ladder === true ? o.ladder : undefined),
  check(arg, settings) {
    if (typeof arg === 'string') checkTarget(arg, { force: settings.force });
  },
  async write(_view, arg, sink, settings) {
    // Loaded only here: the text width tables (blessed's unicode module) are not for the other outputs.
    const { documentLadderText } = await import('../../format/ladder-text.js');
    const text = documentLadderText(settings.document());
    if (text === '') sink.warn('no session to draw');
    if (typeof arg !== 'string') {
      sink.write(text);
      return;
    }
    await writeOutputFile(arg, { force: settings.force }, (write) => write(text));
  },
};
