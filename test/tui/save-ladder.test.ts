/**
 * `W` saves a ladder as text, from the ladder screen and from a session list row: a file name prompt in the
 * status line (prefilled `session-<n>-ladder.txt`), an overwrite question for an existing file, the file written
 * through cli/output-file.ts (the command line's FileSaver), the result or the error in the status line. The
 * file holds what `--ladder` writes for that session.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { documentLadderText } from '../../src/format/ladder-text.js';
import { lineText } from '../../src/format/line.js';
import { tuiFileSaver } from '../../src/cli/tui-files.js';
import { TuiController } from '../../src/tui/screens/controller.js';
import { built, CHAT, k, ENTER, ESC } from './fixtures.js';

let chat: JsonDocument;
beforeAll(async () => {
  chat = (await built(CHAT)).doc;
});

const W = k('S-w', 'W');

function type(c: TuiController, text: string): void {
  for (const ch of text) c.key(k(ch, ch));
}
const bottom = (c: TuiController): string => lineText(c.frame(120, 30).bottom);

describe('W saves the ladder as text', () => {
  it('asks for a file name, writes the file, says so; asks before replacing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-save-'));
    const target = join(dir, 'chat-ladder.txt');
    const c = new TuiController({ getDocument: () => chat, files: tuiFileSaver });
    c.key(ENTER);
    expect(c.top.kind).toBe('ladder');
    c.key(W);
    expect(bottom(c)).toBe('save the ladder of session 0 to: session-0-ladder.txt█  Enter save · Esc cancel');
    // Keys go to the prompt: `q` is typed, not "back".
    c.key(k('q'));
    expect(bottom(c)).toContain('session-0-ladder.txtq█');
    c.key(k('C-u'));
    type(c, target);
    expect(bottom(c)).toContain(`to: ${target}█`);
    c.key(ENTER);
    const text = documentLadderText(chat, [{ kind: 'session', session: 0 }]);
    expect(readFileSync(target, 'utf8')).toBe(text);
    expect(bottom(c)).toBe(`saved the ladder of session 0 to ${target} (${Buffer.byteLength(text)} bytes)`);
    expect(c.top.kind).toBe('ladder');

    // It exists: y/n; n goes back to the name, y replaces.
    writeFileSync(target, 'old');
    c.key(W);
    c.key(k('C-u'));
    type(c, target);
    c.key(ENTER);
    expect(bottom(c)).toBe(`${target} exists: replace it? y/n`);
    c.key(k('n'));
    expect(bottom(c)).toContain(`to: ${target}█`);
    c.key(ENTER);
    c.key(k('y'));
    expect(readFileSync(target, 'utf8')).toBe(text);
    expect(bottom(c)).toMatch(/^saved the ladder of session 0 to /);
  });

  it('shows the error in the status line, and Esc cancels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-save-'));
    const c = new TuiController({ getDocument: () => chat, files: tuiFileSaver });
    c.key(ENTER);
    c.key(W);
    c.key(k('C-u'));
    type(c, join(dir, 'missing', 'l.txt'));
    c.key(ENTER);
    expect(bottom(c)).toBe(`not saved: cannot write ${join(dir, 'missing', 'l.txt')}: no such directory`);
    c.key(W);
    c.key(k('C-u'));
    type(c, dir);
    c.key(ENTER);
    expect(bottom(c)).toBe(`not saved: cannot write ${dir}: it is a directory`);
    c.key(W);
    c.key(ESC);
    expect(bottom(c)).toBe('not saved');
    expect(c.top.kind).toBe('ladder');
  });

  it('saves the selected session from the list too; a viewer without files says it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-save-'));
    const target = join(dir, 'from-list.txt');
    const c = new TuiController({ getDocument: () => chat, files: tuiFileSaver });
    c.key(W);
    expect(bottom(c)).toContain('save the ladder of session 0 to: session-0-ladder.txt█');
    c.key(k('C-u'));
    type(c, target);
    c.key(ENTER);
    expect(readFileSync(target, 'utf8')).toBe(documentLadderText(chat, [{ kind: 'session', session: 0 }]));
    expect(c.top.kind).toBe('list');

    const none = new TuiController({ getDocument: () => chat });
    none.key(W);
    none.key(ENTER);
    expect(bottom(none)).toBe('this viewer cannot write files');
    expect(existsSync(join(process.cwd(), 'session-0-ladder.txt'))).toBe(false);
  });
});
