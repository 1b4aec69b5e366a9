/**
 * The command line's bundle (scripts/bundle.mjs, built before the tests by test/helpers/bundle-setup.ts):
 * bin/msrpscope loads it, it reads package.json from where it lies, and a summary does not load the TUI's
 * modules (blessed). No timing here: scripts/startup.mjs measures the start.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'msrpscope');
const BUNDLE_DIR = join(ROOT, 'dist', 'bundle');
const CHAT = join(ROOT, 'samples', 'chat.pcap');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Runs node with a preload that writes, at exit, every CommonJS module node loaded (require.cache: blessed,
 * imported from an ES module or required, is a CommonJS package) to a file; returns those paths.
 */
function loadedModules(args: string[], env: NodeJS.ProcessEnv = {}): { paths: string[]; status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'msrpscope-bundle-'));
  const out = join(dir, 'loaded.json');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const paths = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as string[]) : [];
  return { paths, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const isBlessed = (p: string): boolean => p.includes(`${sep}node_modules${sep}blessed${sep}`);

describe('command line bundle', () => {
  it('is built, with the TUI (and blessed behind it) in a chunk of its own', () => {
    const main = readFileSync(join(BUNDLE_DIR, 'msrpscope.mjs'), 'utf8');
    expect(main).not.toMatch(/from\s*["']blessed["']/);
    const tui = readdirSync(BUNDLE_DIR).filter((f) => f.startsWith('tui-mode-') && f.endsWith('.mjs'));
    expect(tui).toHaveLength(1);
    expect(readFileSync(join(BUNDLE_DIR, tui[0]!), 'utf8')).toMatch(/from\s*["']blessed["']/);
  });

  it('is what bin/msrpscope loads, and --summary through it does not load blessed', () => {
    const r = loadedModules([BIN, CHAT, '--summary'], { MSRPSCOPE_TIMING: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Requests: REPORT 2, SEND 6\n/);
    expect(r.stderr).toMatch(/timing: entry dist\/bundle\/msrpscope\.mjs, node start [\d.]+ ms, load [\d.]+ ms/);
    expect(r.paths.length).toBeGreaterThan(0); // the preload saw itself at least
    expect(r.paths.filter(isBlessed)).toEqual([]);
  });

  it('loads blessed when the TUI chunk is imported (the check above would see it)', () => {
    const tui = readdirSync(BUNDLE_DIR).find((f) => f.startsWith('tui-mode-') && f.endsWith('.mjs'))!;
    const url = pathToFileURL(join(BUNDLE_DIR, tui)).href;
    const r = loadedModules(['--input-type=module', '-e', `await import(${JSON.stringify(url)});`]);
    expect(r.status).toBe(0);
    expect(r.paths.filter(isBlessed).length).toBeGreaterThan(0);
  });

  it('reads the version from package.json from where it lies', () => {
    const v = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(v.stdout.trim()).toBe(VERSION);
    const j = spawnSync(process.execPath, [BIN, CHAT, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect((JSON.parse(j.stdout) as { tool: { version: string } }).tool.version).toBe(VERSION);
  });
});
