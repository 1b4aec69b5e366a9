/**
 * The blessed screen msrpscope draws on, made from any pair of streams (a real terminal, /dev/tty when
 * stdin carries the capture, or fake streams in tests), and a reader of what blessed has drawn.
 */
import blessed from 'blessed';
import type { Readable, Writable } from 'node:stream';
import { colorsFromName, dimLook, readTermCaps, rewriteDim, type DimLook, type TermCaps } from './terminfo.js';

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

/** The parts of blessed's screen that decide how a colour is written. */
interface ColourInternals {
  tput: { colors: number; strings: { enter_dim_mode?: string } };
  _reduceColor(colour: number): number;
  program: { _write(text: string): unknown };
}

/** blessed's number for `gray` / `grey` (bright black), the colour of the `dim` style. */
const GRAY = 8;

/** What was decided at screen start about the terminal: its capabilities and how dim text is drawn. */
export interface ScreenLook {
  terminal: string;
  caps: TermCaps;
  dim: DimLook;
}

const looks = new WeakMap<Screen, ScreenLook>();

/** How this screen draws dim text (decided once, in createScreen). */
export function screenLook(screen: Screen): ScreenLook | undefined {
  return looks.get(screen);
}

/**
 * blessed prints a compiled-code dump with console.error when it misreads an ncurses 6 entry (it does so
 * for screen-256color) before falling back to its own xterm entry; on a terminal that dump would stay
 * on the screen after the viewer ends. The fallback is what is wanted, the dump is not.
 */
function withoutBlessedDump<T>(make: () => T): T {
  const error = console.error;
  console.error = (): void => undefined;
  try {
    return make();
  } finally {
    console.error = error;
  }
}

/**
 * Makes dim text visible whatever terminfo blessed managed to read. The colour count and enter_dim_mode
 * come from the terminal's own terminfo entry (blessed reads only the legacy format and falls back to
 * 8 colours for tmux-256color, screen-256color and xterm-256color), else from what blessed read and the
 * name. With 16 colours or more `gray` is bright black; with fewer blessed would draw it as colour 0
 * (black), so it is kept as colour 8 and its SGR 90 is rewritten on the way out to the dim attribute or
 * the default colour.
 */
function settleColours(screen: Screen, terminal: string, env: NodeJS.ProcessEnv): ScreenLook {
  const inner = screen as unknown as ColourInternals;
  // Without an entry of its own (macOS ships none for tmux-256color), what blessed read and what the name says.
  const caps = readTermCaps(terminal, env) ?? {
    colors: Math.max(inner.tput.colors, colorsFromName(terminal)),
    dim: typeof inner.tput.strings.enter_dim_mode === 'string',
  };
  // blessed reduces every colour to this count when drawing.
  inner.tput.colors = caps.colors;
  const dim = dimLook(caps);
  if (dim !== 'bright-black') {
    const reduce = inner._reduceColor.bind(screen);
    inner._reduceColor = (colour: number): number => (colour === GRAY ? GRAY : reduce(colour));
    const program = inner.program;
    const write = program._write.bind(program);
    program._write = (text: string): unknown => write(rewriteDim(text, dim));
  }
  const look = { terminal, caps, dim };
  looks.set(screen, look);
  return look;
}

export function createScreen(io: ScreenStreams, env: NodeJS.ProcessEnv = process.env): Screen {
  const terminal = terminalName(env);
  const options: blessed.Widgets.IScreenOptions = {
    // @types/blessed swaps the stream types of these two options.
    input: io.input as unknown as Writable,
    output: io.output as unknown as Readable,
    terminal,
    fullUnicode: true,
    // Draw UTF-8 as is (box drawing, ✓ ✗ ·) instead of the alternate character set.
    forceUnicode: true,
    smartCSR: true,
    warnings: false,
    autoPadding: false,
    dockBorders: false,
    sendFocus: false,
    resizeTimeout: 50,
  };
  const screen = withoutBlessedDump(() => blessed.screen(options));
  // Like NCURSES_NO_UTF8_ACS=1: box-drawing characters go out as UTF-8, not through the alternate
  // character set, so every terminal (and tmux capture-pane) shows the same characters.
  (screen.tput as unknown as AcsSwitch).brokenACS = true;
  settleColours(screen, terminal, env);
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
