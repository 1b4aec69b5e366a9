#!/usr/bin/env node
// The command line run several times in one process, as bin/msrpscope loads it (the bundle with its code cache):
//   node scripts/warm-runs.cjs RUNS ARGS...   (stdout: the runs' output; stderr at the end: WARM-RUNS <seconds>...)
// The first run pays for V8's compiling the code the analysis runs hot (the code cache holds bytecode, not
// optimized code); the later ones are the analysis alone. npm run bench prints both for each mode.
'use strict';
const { join } = require('node:path');
const { loadBundle } = require('../bin/load-bundle.cjs');

async function runAll() {
  const runs = Math.max(1, Number(process.argv[2]));
  const cli = loadBundle(join(__dirname, '..', 'dist', 'bundle', 'msrpscope.cjs')).exports;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await cli.main(['node', 'msrpscope', ...process.argv.slice(3)]);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  process.stderr.write(`\nWARM-RUNS ${times.map((t) => t.toFixed(3)).join(' ')}\n`);
}

runAll().catch((e) => {
  process.stderr.write(`warm-runs: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
