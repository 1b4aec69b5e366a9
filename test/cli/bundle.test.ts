/**
 * The command line's bundle (scripts/bundle.mjs, built before the tests by test/helpers/bundle-setup.ts):
 * bin/msrpscope loads it with its code cache, falls back to compiling it when V8 rejects the cache, it reads
 * package.json from where it lies, and a summary does not load the TUI's modules (blessed). No timing here:
 * scripts/startup.mjs measures the start.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  it('is built as one file, with a code cache beside it, and requires blessed only in the TUI\'s modules', () => {
    const main = readFileSync(join(BUNDLE_DIR, 'msrpscope.cjs'), 'utf8');
    const requires = main.match(/require\("blessed[^"]*"\)/g) ?? [];
    expect(requires.length).toBeGreaterThan(0);
    // Each inside a module esbuild runs at its first dynamic import: `__esm({"src/tui/…"(){ … require("blessed")`.
    for (const m of main.matchAll(/require\("blessed[^"]*"\)/g)) {
      const before = main.slice(0, m.index);
      const owner = /__esm\(\{"([^"]+)"\(\)\{[^]*$/.exec(before.slice(before.lastIndexOf('__esm({')));
      expect(owner?.[1]).toMatch(/^src\/(tui|format)\//);
    }
    expect(statSync(join(BUNDLE_DIR, 'msrpscope.cjs.cache')).size).toBeGreaterThan(100_000);
    // ASCII only: V8 would hold a source with one other character as two bytes a character (1.4 MB, not 0.7).
    expect(main.match(/[^\x00-\x7f]/g) ?? []).toEqual([]);
  });

  it('starts without node\'s ES module loader, child_process or net (a --summary into a file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-builtins-'));
    const list = join(dir, 'builtins.json');
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`);
    // Both into files: a pipe or a terminal is a stream that loads net (stderr is looked at for the progress meter).
    const out = openSync(join(dir, 'out.txt'), 'w');
    const err = openSync(join(dir, 'err.txt'), 'w');
    const r = spawnSync(process.execPath, ['--require', preload, BIN, CHAT, '--summary'], { cwd: ROOT, stdio: ['ignore', out, err] });
    closeSync(out);
    closeSync(err);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/Requests: REPORT 2, SEND 6\n/);
    const loaded = JSON.parse(readFileSync(list, 'utf8')) as string[];
    expect(loaded).toContain('NativeModule vm'); // the list is node's: the loader's own module is in it
    // Node's bootstrap has esm/utils and esm/loader; an ES module entry adds these four.
    const esm = /^NativeModule internal\/modules\/esm\/(load|module_job|resolve|translators)$/;
    expect(loaded.filter((m) => esm.test(m) || /^NativeModule (child_process|net|readline)$/.test(m))).toEqual([]);
  });

  it('is what bin/msrpscope loads, with its code cache, and --summary through it does not load blessed', () => {
    const r = loadedModules([BIN, CHAT, '--summary'], { MSRPSCOPE_TIMING: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Requests: REPORT 2, SEND 6\n/);
    expect(r.stderr).toMatch(/timing: entry dist\/bundle\/msrpscope\.cjs, node start [\d.]+ ms, load [\d.]+ ms, code cache yes\n/);
    expect(r.paths.length).toBeGreaterThan(0); // the preload saw itself at least
    expect(r.paths.filter(isBlessed)).toEqual([]);
  });

  it('loads blessed when the TUI is asked for (the check above would see it)', () => {
    const r = loadedModules([BIN, CHAT, '--tui']);
    expect(r.stderr).toMatch(/the TUI needs a terminal/);
    expect(r.paths.filter(isBlessed).length).toBeGreaterThan(10);
  });

  it('runs the same when V8 rejects the code cache (another node, other flags, a damaged file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-cache-'));
    const file = join(dir, 'msrpscope.cjs');
    copyFileSync(join(BUNDLE_DIR, 'msrpscope.cjs'), file);
    writeFileSync(`${file}.cache`, Buffer.alloc(4096, 0x5a));
    const loader = pathToFileURL(join(ROOT, 'bin', 'load-bundle.cjs')).href;
    const code =
      `const { loadBundle } = await import(${JSON.stringify(loader)});` +
      `const b = loadBundle(${JSON.stringify(file)});` +
      `process.stderr.write('cached ' + b.cached + '\\n');` +
      `await b.exports.main(['node', 'msrpscope', ${JSON.stringify(CHAT)}, '--summary']);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('cached false\n');
    expect(r.status).toBe(0);
    const direct = spawnSync(process.execPath, [BIN, CHAT, '--summary'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toBe(direct.stdout);
    expect(r.stdout).toMatch(/Requests: REPORT 2, SEND 6\n/);
  });

  it('with --debug, is required with its source map: stack frames name the TypeScript sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrpscope-debug-'));
    const preload = join(dir, 'probe.cjs');
    // The first write to stdout notes the stack it was called from (the summary is written by src/cli/main.ts).
    writeFileSync(
      preload,
      "const w = process.stdout.write.bind(process.stdout); let seen = false;\n" +
        "process.stdout.write = (...a) => { if (!seen) { seen = true; process.stderr.write('PROBE ' + new Error().stack.split('\\n').slice(1, 6).join(' | ') + '\\n'); } return w(...a); };\n",
    );
    const r = spawnSync(process.execPath, ['--require', preload, BIN, CHAT, '--summary', '--debug'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Requests: REPORT 2, SEND 6\n/);
    const probe = /PROBE (.*)/.exec(r.stderr)?.[1] ?? '';
    expect(probe).toMatch(/src[\\/]cli[\\/]main\.ts:\d+:\d+/);
    expect(probe).not.toMatch(/msrpscope\.cjs/);
  });

  it('reads the version from package.json from where it lies', () => {
    const v = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(v.stdout.trim()).toBe(VERSION);
    const j = spawnSync(process.execPath, [BIN, CHAT, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect((JSON.parse(j.stdout) as { tool: { version: string } }).tool.version).toBe(VERSION);
  });
});
