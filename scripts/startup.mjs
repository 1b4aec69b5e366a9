#!/usr/bin/env node
// Start-up time on a small capture: `node bin/msrpscope FILE --summary` run N times, interleaved with `node -e 0`
// (the floor: node's own start) and with the unbundled modules of dist/ (`dist/cli/main.js`, as bin/msrpscope
// loaded them before the bundle), reporting median wall times and the module loading time (from the start of
// bin/msrpscope to its entry module evaluated, printed by MSRPSCOPE_TIMING=1). Usage:
//   node scripts/startup.mjs [--runs 21] [--file ../shared/corpus/relay_text.pcap] [--no-modules]
// (default file: ../shared/corpus/relay_text.pcap, else samples/chat.pcapng). scripts/bench.mjs can import
// measureStartup() and print formatStartup() of its result. Targets (issue 15): wall <= 100 ms, load <= 40 ms.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'msrpscope');
const MODULES = pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href;

export function defaultStartupFile() {
  const corpus = join(ROOT, '..', 'shared', 'corpus', 'relay_text.pcap');
  return existsSync(corpus) ? corpus : join(ROOT, 'samples', 'chat.pcapng');
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One run: wall ms of the child, and the `load N ms` it printed (MSRPSCOPE_TIMING=1), if any. */
function run(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, MSRPSCOPE_TIMING: '1' }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 3) throw new Error(`startup: ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /timing: entry (\S+), node start ([\d.]+) ms, load ([\d.]+) ms/.exec(r.stderr ?? '');
  return { wall, entry: m?.[1], nodeStart: m ? Number(m[2]) : undefined, load: m ? Number(m[3]) : undefined };
}

/**
 * Median wall times (ms) of `node -e 0`, of bin/msrpscope FILE --summary (the bundle) and, unless
 * modules is false, of the same through dist/cli/main.js; the bundle's load time; runs interleaved.
 */
export function measureStartup({ file = defaultStartupFile(), runs = 21, modules = true } = {}) {
  const variants = {
    floor: ['-e', '0'],
    bin: [BIN, file, '--summary'],
    ...(modules
      ? {
          modules: [
            '--input-type=module',
            '-e',
            `const t=performance.now();const m=await import(${JSON.stringify(MODULES)});` +
              `if(process.env.MSRPSCOPE_TIMING==='1')process.stderr.write('msrpscope: timing: entry dist/cli/main.js, node start '+t.toFixed(1)+' ms, load '+(performance.now()-t).toFixed(1)+' ms\\n');` +
              `await m.main([process.argv[0],'msrpscope',...process.argv.slice(1)]);`,
            file,
            '--summary',
          ],
        }
      : {}),
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const args of Object.values(variants)) run(args); // warm the file cache once
  for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(variants)) samples[k].push(run(args));
  const stat = (k) =>
    samples[k] && {
      wall: median(samples[k].map((s) => s.wall)),
      load: samples[k][0].load === undefined ? undefined : median(samples[k].map((s) => s.load)),
      nodeStart: samples[k][0].nodeStart === undefined ? undefined : median(samples[k].map((s) => s.nodeStart)),
      entry: samples[k][0].entry,
    };
  return { file, size: statSync(file).size, runs, floor: stat('floor'), bin: stat('bin'), modules: stat('modules') };
}

export function formatStartup(r) {
  const f = (n) => (n === undefined ? '-' : `${n.toFixed(1)} ms`);
  const lines = [
    `startup on ${relative(process.cwd(), r.file) || r.file} (${(r.size / 1024).toFixed(1)} kB, --summary), median of ${r.runs}:`,
    `  node -e 0 (floor)            wall ${f(r.floor.wall)}`,
    `  bin/msrpscope (${r.bin.entry ?? '?'})  wall ${f(r.bin.wall)}, load ${f(r.bin.load)}   (targets: wall <= 100 ms, load <= 40 ms)`,
  ];
  if (r.modules) lines.push(`  dist/cli/main.js (unbundled)  wall ${f(r.modules.wall)}, load ${f(r.modules.load)}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const arg = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const result = measureStartup({ file: arg('--file', defaultStartupFile()), runs: Math.max(1, Number(arg('--runs', '21'))), modules: !args.includes('--no-modules') });
  console.log(formatStartup(result));
}
