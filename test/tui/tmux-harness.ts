/**
 * The harness of the end-to-end tests under tmux: a tmux server of its own per test file (its own `-L`
 * socket and `-f` conf in a temp dir), viewers started in detached sessions of W×H whose exit code lands in
 * a file, keys in with `tmux send-keys`, the screen back with `tmux capture-pane -p` (`-e` to keep the
 * escapes). Every wait polls the pane instead of sleeping.
 *
 *   const h = createTmuxHarness('list', { width: 160, height: 40 });
 *   const { launch, keys, waitForText, exitCode } = h;
 *   describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('…', () => {
 *     beforeAll(() => h.start());
 *     afterAll(() => h.stop());
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './fixtures.js';

export const HAVE_TMUX = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

/** Whether dist/ holds the viewer (tui/app.js) and every other built module named (paths under dist/). */
export function haveBuild(...modules: string[]): boolean {
  return ['tui/app.js', ...modules].every((m) => existsSync(path.join(ROOT, 'dist', ...m.split('/'))));
}

/** The viewer and the pipeline that feeds it (what LAUNCHER and bin/msrpscope need). */
export const HAVE_BUILD = haveBuild('cli/pipeline.js');

/** `node LAUNCHER CAPTURE` opens the built viewer on a capture (see launch-tui.mjs). */
export const LAUNCHER = path.join(ROOT, 'test', 'tui', 'launch-tui.mjs');

export interface HarnessOptions {
  /** Size of the sessions `launch` starts, unless it is given one (80×24). */
  width?: number;
  height?: number;
  /** How long a wait polls before it fails (8000 ms). */
  timeoutMs?: number;
  /** Capture the pane with its escapes (`capture-pane -e`: colours and attributes). */
  escapes?: boolean;
}

export interface LaunchOptions {
  width?: number;
  height?: number;
  /** Variables set for the command (put before it: `TERM=xterm command`). */
  env?: Record<string, string>;
}

export interface TmuxHarness {
  /** The tmux socket name (`tmux -L`). */
  readonly socket: string;
  /** beforeAll: makes the temp dir and the conf. */
  start(): void;
  /** afterAll: kills the server, removes the temp dir. */
  stop(): void;
  /** A path inside the temp dir (after start). */
  file(name: string): string;
  tmux(...args: string[]): { status: number | null; stdout: string };
  /** The screen of a session as capture-pane gives it. */
  pane(name: string): string;
  /** The pane's lines, trailing blanks cut. */
  lines(name: string): string[];
  /** Polls `cond` every 40 ms until it holds; fails after `ms`. */
  waitFor(what: string, cond: () => boolean, ms?: number): Promise<void>;
  /** Polls the pane until `test` holds; returns that screen (the last one in the error when it never does). */
  waitForScreen(name: string, what: string, test: (screen: string) => boolean): Promise<string>;
  /** Polls until every text is on the screen; returns that screen. */
  waitForText(name: string, ...texts: string[]): Promise<string>;
  /** Polls until a pane line satisfies `test`; returns all lines. */
  waitForLine(name: string, what: string, test: (line: string) => boolean): Promise<string[]>;
  /** Sends keys (tmux key names). */
  keys(name: string, ...k: string[]): void;
  /** Types literal text (no key-name lookup: `state:aborted` is characters, not keys). */
  type(name: string, text: string): void;
  /** Starts a shell command (in ROOT) in a detached session; returns the file its exit code lands in. */
  launch(name: string, command: string, options?: LaunchOptions): string;
  /** Waits for the exit code file, returns the code. */
  exitCode(codeFile: string): Promise<number>;
  resize(name: string, width: number, height: number): void;
  kill(name: string): void;
}

const CONF = 'set -g status off\nset -g default-terminal "tmux-256color"\n';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A harness for one test file; `name` tells its socket and temp dir from the other files'. */
export function createTmuxHarness(name: string, options: HarnessOptions = {}): TmuxHarness {
  const { width = 80, height = 24, timeoutMs = 8000, escapes = false } = options;
  const socket = `msrpscope-${name}-${process.pid}`;
  let dir = '';
  let conf = '';

  const tmux = (...args: string[]): { status: number | null; stdout: string } => {
    const r = spawnSync('tmux', ['-L', socket, '-f', conf, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout };
  };

  const pane = (session: string): string => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session).stdout;

  const lines = (session: string): string[] => pane(session).split('\n').map((l) => l.trimEnd());

  const waitFor = async (what: string, cond: () => boolean, ms = timeoutMs): Promise<void> => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  };

  const waitForScreen = async (session: string, what: string, test: (screen: string) => boolean): Promise<string> => {
    let last = '';
    await waitFor(what, () => {
      last = pane(session);
      return test(last);
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- pane ---\n${last}`);
    });
    return last;
  };

  const waitForText = (session: string, ...texts: string[]): Promise<string> =>
    waitForScreen(session, texts.map((t) => `"${t}"`).join(', '), (screen) => texts.every((t) => screen.includes(t)));

  const waitForLine = async (session: string, what: string, test: (line: string) => boolean): Promise<string[]> => {
    const screen = await waitForScreen(session, what, (s) => s.split('\n').some((l) => test(l.trimEnd())));
    return screen.split('\n').map((l) => l.trimEnd());
  };

  const keys = (session: string, ...k: string[]): void => {
    expect(tmux('send-keys', '-t', session, ...k).status).toBe(0);
  };

  const type = (session: string, text: string): void => {
    expect(tmux('send-keys', '-t', session, '-l', text).status).toBe(0);
  };

  const launch = (session: string, command: string, at: LaunchOptions = {}): string => {
    const codeFile = path.join(dir, `${session}.code`);
    const env = Object.entries(at.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
    const x = String(at.width ?? width);
    const y = String(at.height ?? height);
    const r = tmux('new-session', '-d', '-s', session, '-x', x, '-y', y, `cd '${ROOT}' && ${env}${command}; echo $? > '${codeFile}'`);
    expect(r.status).toBe(0);
    return codeFile;
  };

  const exitCode = async (codeFile: string): Promise<number> => {
    await waitFor('exit', () => existsSync(codeFile) && readFileSync(codeFile, 'utf8').trim() !== '');
    return Number(readFileSync(codeFile, 'utf8').trim());
  };

  return {
    socket,
    start: () => {
      dir = mkdtempSync(path.join(tmpdir(), `msrpscope-${name}-`));
      conf = path.join(dir, 'tmux.conf');
      writeFileSync(conf, CONF);
    },
    stop: () => {
      tmux('kill-server');
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    },
    file: (f) => path.join(dir, f),
    tmux,
    pane,
    lines,
    waitFor,
    waitForScreen,
    waitForText,
    waitForLine,
    keys,
    type,
    launch,
    exitCode,
    resize: (session, w, h) => {
      expect(tmux('resize-window', '-t', session, '-x', String(w), '-y', String(h)).status).toBe(0);
    },
    kill: (session) => {
      tmux('kill-session', '-t', session);
    },
  };
}
