/** `--tui`: the interactive viewer (the default when standard output is a terminal). */
import type { Output } from './output.js';

export const tuiOutput: Output<true> = {
  name: 'tui',
  options: [{ flags: '--tui', description: 'open the interactive viewer even when stdout is not a terminal' }],
  primary: true,
  // Live, each redraw makes the records of every session for the list (cli/tui-mode.ts liveModelIndex).
  drawsEveryRecord: 'live',
  // Frames are remembered for `w` (write a session's frames to a file) when the input is files.
  keeps: { bodies: false, hashes: true, transactions: true, previews: true, frames: true },
  requested: (o) => (o.tui === true ? true : undefined),
  async drive(model, _arg, analysis, settings) {
    // Loaded only here: the other outputs do not pay for the terminal UI's modules.
    const { openTuiInput, runTuiMode } = await import('../tui-mode.js');
    const { input, close } = openTuiInput(analysis.stdinIsCapture);
    return runTuiMode(model, analysis.run, {
      live: analysis.live,
      input,
      closeInput: close,
      filter: settings.filter,
      title: 'msrpscope',
      capture: settings.capture,
      beforeDrawing: analysis.beforeDrawing,
    });
  },
};
