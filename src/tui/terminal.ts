/**
 * The blessed screen msrpscope draws on, made from any pair of streams (a real terminal, /dev/tty when
 * stdin carries the capture, or fake streams in tests), and a reader of what blessed has drawn.
 */
import blessed from 'blessed';
import type { Readable, Writable } from 'node:stream';

export type Screen = blessed.Widgets.Screen;

export interface ScreenStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The terminal type blessed reads capabilities for: $TERM, or xterm when it is unset or dumb. */
export function terminalName(env: NodeJS.ProcessEnv = process.env): string {
  const t = env.TERM;
  return t === undefined || t === '' || t === 'dumb' ? 'xterm-256color' : t;
}

interface AcsSwitch {
  brokenACS?: boolean;
}

export function createScreen(io: ScreenStreams): Screen {
  const screen = blessed.screen({
    // @types/blessed swaps the stream types of these two options.
    input: io.input as unknown as Writable,
    output: io.output as unknown as Readable,
    terminal: terminalName(),
    fullUnicode: true,
    // Draw UTF-8 as is (box drawing, ✓ ✗ ·) instead of the alternate character set.
    forceUnicode: true,
    smartCSR: true,
    warnings: false,
    autoPadding: false,
    dockBorders: false,
    sendFocus: false,
    resizeTimeout: 50,
  });
  // Like NCURSES_NO_UTF8_ACS=1: box-drawing characters go out as UTF-8, not through the alternate
  // character set, so every terminal (and tmux capture-pane) shows the same characters.
  (screen.tput as unknown as AcsSwitch).brokenACS = true;
  return screen;
}

interface DrawnScreen {
  lines?: Array<Array<[number, string]>>;
}

/** The characters blessed has drawn, one string per terminal row (trailing spaces kept). */
export function screenText(screen: Screen): string[] {
  const lines = (screen as unknown as DrawnScreen).lines ?? [];
  return lines.map((row) => row.map((cell) => (cell[1] === '\x03' ? '' : cell[1])).join(''));
}
