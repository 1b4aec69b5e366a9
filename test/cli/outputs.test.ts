import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseOutputs, OUTPUTS } from '../../src/cli/outputs/registry.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const names = (o: Record<string, unknown>, tty = false): string[] => chooseOutputs(o, tty).map((c) => c.output.name);

describe('output registry', () => {
  it('lists each output once, with its options', () => {
    expect(OUTPUTS.map((o) => o.name)).toEqual(['json', 'ndjson', 'summary', 'extract', 'write', 'html', 'tui', 'ladder', 'csv']);
    expect(OUTPUTS.flatMap((o) => o.options.map((x) => x.flags))).toEqual(['--json [file]', '--ndjson', '--summary', '--extract <dir>', '-w, --write <file>', '--html <file>', '--tui', '--ladder [file]', '--csv <kind[=file]>']);
  });

  it('chooses the asked outputs, or the TUI on a terminal and the summary elsewhere', () => {
    expect(names({})).toEqual(['summary']);
    expect(names({}, true)).toEqual(['tui']);
    expect(names({ json: true })).toEqual(['json']);
    expect(chooseOutputs({ json: 'out.json' }, false)[0]?.arg).toBe('out.json');
    expect(chooseOutputs({ json: 'out.json' }, false)[0]?.output.target?.('out.json')).toBe('out.json');
    expect(names({ extract: 'dir' }, true)).toEqual(['extract']);
    expect(names({ ndjson: true, extract: 'dir' })).toEqual(['ndjson', 'extract']);
    expect(names({ html: 'r.html' }, true)).toEqual(['html']);
    expect(names({ summary: true, html: 'r.html' })).toEqual(['summary', 'html']);
  });

  it('refuses two primary outputs with one line naming them', () => {
    expect(() => chooseOutputs({ json: true, summary: true }, false)).toThrow('choose one output mode (--json, --summary given)');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'msrpscope'), 'samples/chat.pcap', '--ndjson', '--tui'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('msrpscope: choose one output mode (--ndjson, --tui given)\n');
  });

  it('keeps bodies only for extraction and hashes for all but the summary and the ladder', () => {
    const keeps = Object.fromEntries(OUTPUTS.map((o) => [o.name, `${o.keeps.bodies ? 'B' : '-'}${o.keeps.hashes ? 'H' : '-'}`]));
    expect(keeps).toEqual({ json: '-H', ndjson: '-H', summary: '--', extract: 'BH', write: '--', html: '--', tui: '-H', ladder: '--', csv: '-H' });
  });

  it('keeps previews for the outputs that show them: not for --ladder, which draws none', () => {
    const previews = Object.fromEntries(OUTPUTS.map((o) => [o.name, o.keeps.previews]));
    expect(previews).toEqual({ json: 'text', ndjson: 'text', summary: 'filtered', extract: false, write: false, html: 'text', tui: true, ladder: false, csv: 'text' });
  });

  it('every output option is in --help', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'msrpscope'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    for (const o of OUTPUTS) for (const x of o.options) expect(r.stdout).toContain(x.flags);
  });
});
