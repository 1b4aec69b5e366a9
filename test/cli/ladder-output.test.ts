/**
 * `--ladder [file]`: the TUI's ladder lines as plain text. For every sample and corpus capture, each list row's
 * text ladder is the TUI's ladder screen (LadderView) with every message unfolded (`x`), drawn at the same width,
 * line by line; the command line prints those ladders after a header line each, honours the filters, and
 * writes FILE through output-file.ts (exists without --force, a directory, a missing folder: one line, exit 2).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';
import { buildLadder } from '../../src/format/ladder.js';
import { flattenLadder } from '../../src/format/ladder-lines.js';
import { allUnfolded, documentLadderText, ladderText, ladderTextWidth } from '../../src/format/ladder-text.js';
import { lineText } from '../../src/format/line.js';
import { sessionRows } from '../../src/format/session-list.js';
import { LadderView } from '../../src/tui/screens/ladder-view.js';
import type { ViewContext } from '../../src/tui/screens/view.js';
import { built, hostileDocument, CHAT, EVIL, ROOT } from '../tui/fixtures.js';

const BIN = join(ROOT, 'bin', 'msrpscope');
const CAPTURES = (captureList() as Array<{ file: string; shared: boolean }>).filter((c) => existsSync(c.file));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ctx(doc: ViewContext['doc']): ViewContext {
  return { doc, timeMode: 'absolute', follow: false, live: false, body: undefined };
}

describe('--ladder is the TUI ladder, unfolded', () => {
  it.each(CAPTURES.map((c) => [c.file.slice(ROOT.length), c.file] as const))('%s', async (_name, file) => {
    const { doc } = await built(file);
    for (const row of sessionRows(doc)) {
      const ladder = buildLadder(doc, row.scope);
      const width = ladderTextWidth(ladder, flattenLadder(ladder, allUnfolded(ladder)));
      const view = new LadderView(row.scope);
      view.key({ name: 'x', ch: 'x' }, ctx(doc));
      const r = view.render(ctx(doc), width, 100_000);
      const screen = [...r.header, ...r.rows.map((x) => x.line)].map((l) => lineText(l).trimEnd());
      expect(ladderText(ladder)).toEqual(screen);
      // Nothing cut: no line ends with the ellipsis the TUI puts where it cuts.
      expect(screen.filter((l) => l.endsWith('…'))).toEqual([]);
    }
  });

  it('prints every ladder with a header line, to stdout and to FILE', async () => {
    const { doc } = await built(CHAT);
    const out = run([CHAT, '--ladder']);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(documentLadderText(doc));
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^=== session 0: alice@example\.com ↔ bob@example\.net · msrp:\/\/192\.0\.2\.10:2855\/a1iceS3ss;tcp ↔ .* · 4 messages .* · 8 requests · connections 0 · Call-ID /);
    expect(lines[2]).toBe('Time (UTC)   A         B  Request / response');
    expect(lines).toContain('09:46:49.979 │────────>│    └ SEND 8193-10000/10000 1808 B $');
    expect(out.stdout).not.toMatch(/\x1b/);

    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-ladder-'));
    const target = join(dir, 'ladder.txt');
    expect(run([CHAT, '--ladder', target]).status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(out.stdout);
    const again = run([CHAT, '--ladder', target]);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe(`msrpscope: cannot write ${target}: it exists (use --force to overwrite)\n`);
    writeFileSync(target, 'old');
    expect(run([CHAT, '--ladder', target, '--force']).status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(out.stdout);
    mkdirSync(join(dir, 'sub'));
    const isDir = run([CHAT, '--ladder', join(dir, 'sub')]);
    expect([isDir.status, isDir.stderr.split('\n').length]).toEqual([2, 2]);
    const missing = run([CHAT, '--ladder', join(dir, 'nope', 'l.txt')]);
    expect([missing.status, missing.stderr]).toEqual([2, `msrpscope: cannot write ${join(dir, 'nope', 'l.txt')}: no such directory\n`]);
  });

  it('is a primary output and honours the filters', () => {
    const both = run([CHAT, '--ladder', '--json']);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/choose one output mode/);
    const sends = run([CHAT, '--ladder', '--method', 'SEND']);
    expect(sends.status).toBe(0);
    expect(sends.stdout).toMatch(/SEND 10000 B in 3 chunks/);
    const none = run([CHAT, '--ladder', '--session', 'no-such-session']);
    expect([none.status, none.stdout, none.stderr]).toEqual([0, '', 'msrpscope: no session to draw\n']);
  });

  it('escapes capture text: no control character gets through', async () => {
    const doc = hostileDocument((await built(CHAT)).doc);
    const text = documentLadderText(doc);
    expect(text).toContain('\\x1b]0;pwned');
    expect(text).not.toContain(EVIL);
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2066]/);
  });
});
