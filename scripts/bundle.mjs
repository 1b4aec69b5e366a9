#!/usr/bin/env node
// The command line as one bundled CommonJS file and V8's code cache of it, for a fast start: bin/msrpscope loads
// dist/bundle/msrpscope.cjs through bin/load-bundle.cjs (one file to read instead of ~150 small modules of dist/,
// and, with the cache, no parsing and no compiling of the functions a run calls first). Run after tsc by the
// build, prepare and test scripts (package.json). Usage: node scripts/bundle.mjs [--metafile]   (--metafile:
// print what went in)
//
// - commander and saxes are bundled (each would otherwise cost a CommonJS module graph and node's scan of
//   its exports at every start); blessed stays external (it requires its terminfo and widgets by computed paths
//   at run time) and is required by the TUI's modules only.
// - The TUI, the HTML report, CSV, -w and extraction are imported dynamically by their outputs (src/cli/outputs/):
//   in one CommonJS file esbuild makes each such module a function run at its first import, so a summary
//   never runs the TUI's modules nor requires blessed. The report's page script is made from its functions'
//   source text, so the names esbuild gives them must stay consistent (test/report/cli.test.ts checks the
//   script of a report the bundle wrote).
// - dist/bundle/ is two levels below the package root, like dist/cli/ and dist/export/: the
//   `new URL('../../package.json', import.meta.url)` reads in src/cli/version.ts and src/export/json.ts and
//   createRequire(import.meta.url) in src/format/text-width.ts resolve the same from the bundle (import.meta.url
//   is the bundle's file URL, defined in its first line).
// - The code cache is made by running the bundle on samples/chat.pcapng (--summary, --json, --ndjson) in a
//   child node without NODE_OPTIONS, then saving what V8 compiled (msrpscope.cjs.cache). A node of another
//   version, or V8 flags given at run time, make V8 reject it; the bundle is then compiled as usual.
// - Only whitespace and comments are minified: names stay readable in stack traces, and a source map maps
//   them to src/ (bin/msrpscope turns source maps on with --debug, and then loads the bundle without the cache).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'bundle');

/**
 * commander requires node:child_process at its first line, for the subcommands it runs as executables (msrpscope
 * has none): loading it, with node:net and the streams it needs, was about 3 ms of every start. Its one use,
 * childProcess.spawn, now requires the module when called.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`bundle: ${args.path} no longer has the line: ${eager}`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { msrpscope: 'src/cli/main.ts' },
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Everything but blessed goes in (commander and saxes: pure JavaScript, CommonJS).
  external: ['blessed', 'blessed/*'],
  define: { 'import.meta.url': '__msrpscopeUrl' },
  // The file is one function expression with the parameters node gives a CommonJS module (bin/load-bundle.cjs
  // compiles it as it is, with its code cache: wrapping it at each start cost a copy of its 687 kB and about 2 ms),
  // assigned to module.exports when required (bin/msrpscope --debug, for the source map). The wrapper's start is on
  // the banner's line, so the source map's lines stay right.
  banner: {
    js:
      '(typeof module === "object" && module !== null ? module : {}).exports = (function (exports, require, module, __filename, __dirname) {' +
      "const __msrpscopeUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '});' },
  // Less text to read at each start; names are kept (only whitespace and comments go).
  minifyWhitespace: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [lazyChildProcess],
});

// The code cache: the bundle run in a child on a bundled sample, then what V8 compiled saved next to it.
const BUNDLE = join(OUT, 'msrpscope.cjs');
const SAMPLE = join(ROOT, 'samples', 'chat.pcapng');
if (existsSync(SAMPLE)) {
  const runs = [['--summary'], ['--json'], ['--ndjson']].map((a) => ['node', 'msrpscope', SAMPLE, ...a]);
  const code =
    `const { loadBundle } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'bin', 'load-bundle.cjs')).href)});` +
    `const b = loadBundle(${JSON.stringify(BUNDLE)}, { cache: false });` +
    `for (const argv of ${JSON.stringify(runs)}) await b.exports.main(argv);` +
    `if (process.exitCode) throw new Error('a training run exited ' + process.exitCode);` +
    `b.writeCache();`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`bundle: the code cache was not made (exit ${r.status}); msrpscope starts without it`);
    rmSync(`${BUNDLE}.cache`, { force: true });
  }
}

if (process.argv.includes('--metafile')) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const ext = out.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path);
    console.log(`${file}: ${out.bytes} bytes, ${Object.keys(out.inputs).length} modules${ext.length ? `, external ${[...new Set(ext)].join(' ')}` : ''}`);
  }
}
