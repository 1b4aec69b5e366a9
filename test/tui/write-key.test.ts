/**
 * The TUI's `w` without a terminal: what each screen selects, the file name offered, the overwrite question,
 * and the status line after the (fake) writer is done. The writing itself is tested by test/cli/write.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { defaultWriteName, selectionOfScope, type WriteScope } from '../../src/export/frame-selection.js';
import { lineText } from '../../src/format/line.js';
import { TuiController } from '../../src/tui/screens/controller.js';
import type { CaptureWriter } from '../../src/tui/screens/write-scope.js';
import type { FileSaver } from '../../src/tui/screens/file-prompt.js';
import { built, CHAT, corpusFile, HAVE_CORPUS, k, ENTER, ESC } from './fixtures.js';

let chat: JsonDocument;
beforeAll(async () => {
  chat = (await built(CHAT)).doc;
});


interface Call {
  scope: WriteScope;
  path: string;
  force: boolean;
}

function fakeWriter(existing: string[]): { writer: CaptureWriter; files: FileSaver; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    files: {
      check: (p) => ({ ok: true, exists: existing.includes(p) }),
      write: () => 0,
    },
    writer: {
      write: (_doc, scope, path, force) => {
        calls.push({ scope, path, force });
        return Promise.resolve(`wrote 47 frames of 1 connection and 1 SIP dialog to ${path}`);
      },
    },
  };
}

function bottom(c: TuiController): string {
  return lineText(c.frame(100, 24).bottom);
}

function typeText(c: TuiController, text: string): void {
  for (const ch of text) c.key(k(ch, ch));
}

describe('what w writes', () => {
  it('offers session-<n>, connection-<n> and message-<n> .pcapng', () => {
    expect(defaultWriteName({ kind: 'session', session: 3 })).toBe('session-3.pcapng');
    expect(defaultWriteName({ kind: 'connection', connection: 2 })).toBe('connection-2.pcapng');
    expect(defaultWriteName({ kind: 'message', message: 17 })).toBe('message-17.pcapng');
  });

  it('a session of chat.pcap: its connection and its SIP dialog; a message: the connections of its legs', () => {
    expect(selectionOfScope(chat, { kind: 'session', session: 0 })).toEqual({ connections: [0], callIds: ['c7f3a9e2@192.0.2.10'], clientRandoms: [] });
    expect(selectionOfScope(chat, { kind: 'message', message: 3 })).toEqual({ connections: [0], callIds: ['c7f3a9e2@192.0.2.10'], clientRandoms: [] });
    expect(selectionOfScope(chat, { kind: 'connection', connection: 0 })).toEqual({ connections: [0], callIds: ['c7f3a9e2@192.0.2.10'], clientRandoms: [] });
  });

  it.skipIf(!HAVE_CORPUS)('a session through relays: every connection of its legs', async () => {
    const doc = (await built(corpusFile('relay_abort_fail.pcap'))).doc;
    const session = [...doc.sessions].sort((x, y) => y.connections.length - x.connections.length)[0]!;
    const s = selectionOfScope(doc, { kind: 'session', session: session.id });
    expect(s.connections).toEqual([...session.connections].sort((a, b) => a - b));
    expect(s.connections.length).toBeGreaterThan(1);
    expect(s.callIds).toEqual([]);
  });
});

describe('the w prompt', () => {
  it('on the list: prefilled with the selected session, Enter writes it, the status line shows the result', async () => {
    const { writer, files, calls } = fakeWriter([]);
    const c = new TuiController({ getDocument: () => chat, writer, files });
    let updated = 0;
    c.onUpdate = () => updated++;
    c.key(k('w'));
    expect(bottom(c)).toBe('write the frames of session 0 to: session-0.pcapng█  Enter write · Esc cancel');
    // Keys go to the prompt: q types a q, it does not quit.
    expect(c.key(k('q'))).toBeUndefined();
    c.key(k('backspace'));
    c.key(ENTER);
    expect(calls).toEqual([{ scope: { kind: 'session', session: 0 }, path: 'session-0.pcapng', force: false }]);
    expect(bottom(c)).toBe('writing session-0.pcapng ...');
    await new Promise((r) => setImmediate(r));
    expect(updated).toBe(1);
    expect(bottom(c)).toBe('wrote 47 frames of 1 connection and 1 SIP dialog to session-0.pcapng');
  });

  it('an existing file: asks y/n; n goes back to the name, y replaces it; Esc cancels', () => {
    const { writer, files, calls } = fakeWriter(['chat.pcapng']);
    const c = new TuiController({ getDocument: () => chat, writer, files });
    c.key(k('w'));
    c.key(k('C-u'));
    typeText(c, 'chat.pcapng');
    c.key(ENTER);
    expect(bottom(c)).toBe('chat.pcapng exists: replace it? y/n');
    c.key(k('n'));
    expect(bottom(c)).toBe('write the frames of session 0 to: chat.pcapng█  Enter write · Esc cancel');
    expect(calls).toEqual([]);
    c.key(ENTER);
    c.key(k('y'));
    expect(calls).toEqual([{ scope: { kind: 'session', session: 0 }, path: 'chat.pcapng', force: true }]);
    c.key(k('w'));
    expect(bottom(c)).toContain('write the frames of session 0 to: session-0.pcapng');
    c.key(ESC);
    expect(bottom(c)).not.toContain(' to: ');
    expect(calls).toHaveLength(1);
  });

  it('in the ladder the session, in a message detail the message', () => {
    const { writer, files, calls } = fakeWriter([]);
    const c = new TuiController({ getDocument: () => chat, writer, files });
    c.key(ENTER);
    expect(c.top.kind).toBe('ladder');
    c.key(k('w'));
    expect(bottom(c)).toBe('write the frames of session 0 to: session-0.pcapng█  Enter write · Esc cancel');
    c.key(ESC);
    // The first arrows are SIP; move to the first SEND and open its detail.
    for (let i = 0; i < 10 && !(c.top.kind === 'detail' && bottom(c) !== ''); i++) {
      c.key(k('down'));
      c.key(ENTER);
      if (c.top.kind === 'detail' && lineText(c.frame(100, 24).top).includes('Message')) break;
      if (c.top.kind === 'detail') c.key(k('q'));
    }
    expect(lineText(c.frame(100, 24).top)).toContain('Message 0');
    c.key(k('w'));
    expect(bottom(c)).toBe('write the frames of message 0 to: message-0.pcapng█  Enter write · Esc cancel');
    c.key(ENTER);
    expect(calls).toEqual([{ scope: { kind: 'message', message: 0 }, path: 'message-0.pcapng', force: false }]);
  });

  it('without a writer (a pipe or a live capture): one line says it cannot', () => {
    const c = new TuiController({ getDocument: () => chat });
    c.key(k('w'));
    expect(bottom(c)).toBe('w: cannot write frames: the capture came from a pipe or an interface and cannot be read again');
  });

  it('w typed in the filter prompt is text', () => {
    const { writer, files, calls } = fakeWriter([]);
    const c = new TuiController({ getDocument: () => chat, writer, files });
    c.key(k('/'));
    c.key(k('w'));
    expect(bottom(c)).toContain('/w█');
    expect(calls).toEqual([]);
  });
});
