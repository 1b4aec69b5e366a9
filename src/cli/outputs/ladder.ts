/**
 * `--ladder [file]`: every session's ladder as plain text (the TUI's ladder lines with all chunks unfolded,
 * see format/ladder-text.ts), to stdout or to FILE (written whole or not at all, output-file.ts). A primary
 * output, like --json with or without its file. The view models are imported when it writes: they read the
 * terminal width tables, which the other outputs do not load.
 */
import { checkTarget, writeOutputFile } from '../output-file.js';
import { writePieces, type Output } from './output.js';
import { drawnRecords, takeRecords, withSpilled } from './spilled.js';
import { isEmptyFilter } from '../../export/filter.js';

/** The ladders' blocks joined as documentLadderText joins them: an empty line between two, a newline at the end. */
function* joined(blocks: Iterable<string>, drawn: { count: number }): Generator<string, void, undefined> {
  for (const block of blocks) yield drawn.count++ === 0 ? block : `\n\n${block}`;
  if (drawn.count > 0) yield '\n';
}

export const ladderOutput: Output<string | true> = {
  name: 'ladder',
  options: [{ flags: '--ladder [file]', description: 'write every session ladder as plain text, chunks unfolded (to stdout, or to FILE)' }],
  primary: true,
  drawsEveryRecord: true,
  // On a long capture, records are written ahead as the model lets them go (cli/outputs/spilled.ts).
  keeps: { bodies: false, hashes: false, transactions: true, previews: false, messages: 'records' },
  requested: (o) => (typeof o.ladder === 'string' || o.ladder === true ? o.ladder : undefined),
  check(arg, settings) {
    if (typeof arg === 'string') checkTarget(arg, { force: settings.force });
  },
  attach(model, _arg, sink, settings) {
    // A filter reads every record once the capture is read: nothing is let go then.
    if (isEmptyFilter(settings.filter)) takeRecords(model, sink, 'drawn');
  },
  async write(view, arg, sink, settings) {
    // Loaded only here: the text width tables (blessed's unicode module) are not for the other outputs.
    const { ladderTextBlocks } = await import('../../format/ladder-text.js');
    // Drawn from the model one session at a time (export/model-index.ts, the records a filter keeps), never the
    // whole document.
    const { modelIndex } = await import('../../export/model-index.js');
    const drawn = { count: 0 };
    await withSpilled(view, sink, async (written) => {
      const ix = modelIndex(view, settings.filter, drawnRecords(written));
      if (typeof arg !== 'string') await writePieces(sink, joined(ladderTextBlocks(ix), drawn));
      else await writeOutputFile(arg, { force: settings.force }, (write) => {
        for (const piece of joined(ladderTextBlocks(ix), drawn)) write(piece);
      });
    });
    if (drawn.count === 0) sink.warn('no session to draw');
  },
};
