/**
 * `--html FILE` on the command line: an additional output (one line when alone, beside another output), the
 * filters, and the target's checks (exists without --force, a directory, a missing folder: one line, exit 2,
 * nothing written).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAT } from '../tui/fixtures.js';
import { count, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-html-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--html', () => {
  it('writes the report and prints one line when it is the only output', () => {
    const out = join(dir, 'chat.html');
    const r = run([CHAT, '--html', out]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toBe(`wrote report ${out} (1 session, 4 messages)\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<script type="application/json" id="ladder-session-0">');
    expect(html).toMatch(/<\/html>\n$/);
  });

  it("embeds a script whose functions call only each other (the bundle's names, as the page runs them)", () => {
    const out = join(dir, 'script.html');
    expect(run([CHAT, '--html', out]).status).toBe(0);
    const script = /<script>([\s\S]*?)<\/script>/.exec(readFileSync(out, 'utf8'))?.[1] ?? '';
    const declared = new Set([...script.matchAll(/function ([A-Za-z_$][\w$]*)\(/g)].map((m) => m[1]));
    for (const name of ['escapeHtml', 'ladderRows', 'ladderSvg', 'tableRowsHtml', 'reportMain']) {
      const used = new Set([...script.matchAll(new RegExp(`\\b${name}[\\w$]*(?=\\()`, 'g'))].map((m) => m[0]));
      expect(used.size).toBeGreaterThan(0);
      for (const u of used) expect(declared, u).toContain(u);
    }
    expect(script).not.toMatch(/__vi_|__vite_ssr|import\(|require\(/);
    // It parses as a script.
    expect(() => new Function(script)).not.toThrow();
  });

  it('goes with another output (the line goes to stderr then)', () => {
    const out = join(dir, 'with-summary.html');
    const r = run([CHAT, '--html', out, '--summary']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Capture/m);
    expect(r.stdout).not.toContain('wrote report');
    expect(r.stderr).toBe(`msrpscope: wrote report ${out} (1 session, 4 messages)\n`);
  });

  it('honours the filters', () => {
    const out = join(dir, 'filtered.html');
    const r = run([CHAT, '--html', out, '--method', 'REPORT']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote report .* \(1 session, \d+ messages\)\n$/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('filtered: --method REPORT');
    const none = join(dir, 'none.html');
    expect(run([CHAT, '--html', none, '--session', '7']).stdout).toBe(`wrote report ${none} (0 sessions, 0 messages)\n`);
    expect(count(readFileSync(none, 'utf8'), /id="ladder-session-/)).toBe(0);
  });

  it('refuses an existing file without --force, a directory and a missing folder: one line, exit 2, nothing written', () => {
    const target = join(dir, 'exists.html');
    writeFileSync(target, 'old');
    const before = readdirSync(dir).sort();
    for (const [path, why] of [
      [target, 'it exists (use --force to overwrite)'],
      [dir, 'it is a directory'],
      [join(dir, 'missing', 'r.html'), 'no such directory'],
    ] as const) {
      const r = run([CHAT, '--html', path]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`msrpscope: cannot write ${path}: ${why}\n`);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(target, 'utf8')).toBe('old');
    const forced = run([CHAT, '--html', target, '--force']);
    expect(forced.status).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
