#!/usr/bin/env node
// The command line as one bundled ES module, for a fast start: bin/msrpscope loads dist/bundle/msrpscope.mjs
// (one file to read and link instead of ~150 small modules of dist/). Run after tsc by the build, prepare and
// test scripts (package.json). Usage: node scripts/bundle.mjs [--metafile]   (--metafile: print what went in)
//
// - commander and saxes are bundled (each would otherwise cost a CommonJS module graph and node's scan of
//   its exports at every start); blessed stays external (it requires its terminfo and widgets by computed paths
//   at run time) and is loaded from node_modules by the TUI only.
// - The TUI is imported dynamically by src/cli/outputs/tui.ts: with splitting it is a chunk of its own,
//   read only when the viewer opens (with blessed behind it); code shared by both is a third chunk.
// - The HTML report (src/report) is imported dynamically by src/cli/outputs/html.ts: a chunk read only by --html.
//   Its page script is made from its functions' source text, so the names esbuild gives them must stay
//   consistent inside that chunk (test/report/cli.test.ts checks the script of a report the bundle wrote).
// - dist/bundle/ is two levels below the package root, like dist/cli/ and dist/export/: the
//   `new URL('../../package.json', import.meta.url)` reads in src/cli/version.ts and src/export/json.ts and
//   createRequire(import.meta.url) in src/format/text-width.ts resolve the same from the bundle.
// - Only whitespace and comments are minified: names stay readable in stack traces, and a source map maps
//   them to src/ (bin/msrpscope turns source maps on with --debug).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'bundle');

// Chunk names carry a content hash: clear old ones so that the folder holds only this build.
rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { msrpscope: 'src/cli/main.ts' },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Everything but blessed goes in (commander and saxes: pure JavaScript, CommonJS). Their require() of node's
  // own modules needs a require function in an ES module: the banner makes one.
  external: ['blessed', 'blessed/*'],
  banner: { js: "import { createRequire as __msrpscopeCreateRequire } from 'node:module'; const require = __msrpscopeCreateRequire(import.meta.url);" },
  // Less text to parse at each start; names are kept (only whitespace and comments go).
  minifyWhitespace: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});

if (process.argv.includes('--metafile')) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const ext = out.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path);
    console.log(`${file}: ${out.bytes} bytes, ${Object.keys(out.inputs).length} modules${ext.length ? `, external ${[...new Set(ext)].join(' ')}` : ''}`);
  }
}
