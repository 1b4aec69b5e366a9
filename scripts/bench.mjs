#!/usr/bin/env node
// Throughput of each stage on a synthetic capture, and peak RSS of the CLI on a large one. Usage:
//   npm run bench [-- --mb 200] [-- --file some.pcap] [-- --runs 3] [-- --rss-mb 1000 | --rss-mb 0]
// --mb: size of the capture for the throughput figures (bench-data/genmsrp-<MB>.pcap, written with
//   ../shared/tools/genmsrp.py when absent and kept for next time); --file uses a capture of your own.
// --runs: each throughput figure is the best of this many runs (the machine may be shared: noisy).
// --rss-mb: size of the capture for the memory figures (default 1000; 0 skips them). Peak RSS is measured
//   in a child process per mode running the real CLI (`msrpscope FILE --summary` / `--json > /dev/null`).
import { existsSync, mkdirSync, openSync, closeSync, statSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openCapture } from '../dist/capture/reader.js';
import { PacketDecoder } from '../dist/net/decoder.js';
import { TcpReassembler } from '../dist/tcp/reassembler.js';
import { MsrpParser } from '../dist/msrp/parser.js';
import { Store } from '../dist/model/store.js';
import { runPipeline } from '../dist/cli/pipeline.js';
import { writeJsonDocument } from '../dist/export/json.js';
import { renderSummary } from '../dist/export/summary.js';
import { summaryInput } from '../dist/export/summary-input.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const mb = Number(arg('--mb', '200'));
const runs = Math.max(1, Number(arg('--runs', '3')));
const rssMb = Number(arg('--rss-mb', '1000'));

/** bench-data/genmsrp-<MB>.pcap, written when absent. */
function capture(size) {
  const gen = join(ROOT, '..', 'shared', 'tools', 'genmsrp.py');
  const file = join(ROOT, 'bench-data', `genmsrp-${size}.pcap`);
  if (!existsSync(file)) {
    if (!existsSync(gen)) { console.error(`bench: no --file given and ${gen} is absent`); process.exit(1); }
    mkdirSync(dirname(file), { recursive: true });
    console.log(`writing ${file} (${size} MB) ...`);
    execFileSync('python3', [gen, file, '--sessions', '500', '--target-mb', String(size), '--seed', '7'], { stdio: 'inherit' });
  }
  return file;
}

const file = arg('--file', undefined) ?? capture(mb);
const size = statSync(file).size;

/** Best of `runs` timings of fn (which may return a note), reported as MB/s of `bytes`. */
async function timed(name, fn, bytes = size) {
  let best = Infinity;
  let note;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    note = await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  console.log(`${name.padEnd(44)} ${(bytes / 1e6 / best).toFixed(0).padStart(6)} MB/s  ${best.toFixed(2)} s${note ? `  ${note}` : ''}`);
  return best;
}

// Peak RSS of the CLI itself, one child process per mode, output to /dev/null. Measured before this
// process grows: a forked child starts its RSS high-water mark from its parent's size.
function peakRss() {
  const lines = [];
  if (!(rssMb > 0)) return lines;
  const big = capture(rssMb);
  const bigSize = statSync(big).size;
  const main = pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href;
  const child = [
    "process.on('exit', () => require('node:fs').writeSync(2, '\\nBENCH-MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));",
    `import(${JSON.stringify(main)}).then((m) => m.main(['node', 'msrpscope', ...process.argv.slice(1)]));`,
  ].join('\n');
  lines.push(`peak RSS: msrpscope on ${big} (${(bigSize / 1e6).toFixed(1)} MB)`);
  for (const mode of ['--summary', '--json']) {
    const devnull = openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-e', child, big, mode], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    closeSync(devnull);
    const m = /BENCH-MAXRSS (\d+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || m === null) {
      lines.push(`msrpscope ${mode}: failed (exit ${r.status}): ${(r.stderr ?? '').trim().slice(0, 200)}`);
      continue;
    }
    const rss = Number(m[1]) / 1024;
    const what = `msrpscope FILE ${mode}${mode === '--json' ? ' > /dev/null' : ''}`;
    lines.push(`${what.padEnd(44)} ${rss.toFixed(0).padStart(6)} MB peak RSS  ${s.toFixed(2)} s (${(bigSize / 1e6 / s).toFixed(0)} MB/s end to end)`);
  }
  return lines;
}
const rssLines = peakRss();

const nullSink = { open() {}, data() {}, gap() {}, close() {} };
console.log(`capture: ${file} (${(size / 1e6).toFixed(1)} MB), best of ${runs}`);
await timed('reader', async () => {
  let n = 0;
  for await (const batch of await openCapture(file)) n += batch.length;
  return `${n} records`;
});
await timed('reader + decode', async () => {
  const dec = new PacketDecoder();
  for await (const batch of await openCapture(file)) for (const r of batch) dec.decode(r);
  return `${dec.stats.tcp} tcp, ${dec.stats.udp} udp`;
});
await timed('reader + decode + reassembly', async () => {
  const dec = new PacketDecoder();
  const tcp = new TcpReassembler(nullSink);
  for await (const batch of await openCapture(file)) for (const r of batch) { const s = dec.decode(r); if (s) tcp.push(s); }
  tcp.end();
});

// The full pipeline as the CLI builds it (src/cli/analyze.ts): summary mode without body hashes, JSON mode
// with them. The stores of the last runs are kept for the output timings below.
let summaryStore;
await timed('full pipeline, summary mode (no hashing)', async () => {
  summaryStore = new Store({ keepBodies: false, hashBodies: false });
  const r = await runPipeline({ sources: [{ name: file, input: file }], model: summaryStore });
  return `${r.info.packets} packets, ${summaryStore.transactionTotal} transactions`;
});
let jsonStore;
await timed('full pipeline, JSON mode (sha256 of bodies)', async () => {
  jsonStore = new Store({ keepBodies: false, hashBodies: true });
  const r = await runPipeline({ sources: [{ name: file, input: file }], model: jsonStore });
  return `${r.info.packets} packets, ${jsonStore.messages.length} messages`;
});
await timed('  + text summary', async () => `${renderSummary(summaryInput(summaryStore), { color: false, columns: 100 }).length} characters`);
await timed('  + JSON document to a null sink', async () => {
  let chars = 0;
  writeJsonDocument(jsonStore, (s) => { chars += s.length; });
  return `${(chars / 1e6).toFixed(0)} M characters`;
});
summaryStore = undefined;
jsonStore = undefined;

// The MSRP parser alone, on streams held in memory.
function stream(bodySize, count) {
  const parts = [];
  const body = Buffer.alloc(bodySize, 0x61);
  for (let i = 0; i < count; i++) {
    const tx = `tx${i.toString(36)}abcd`;
    parts.push(Buffer.from(`MSRP ${tx} SEND\r\nTo-Path: msrp://10.0.0.1:2855/s1;tcp\r\nFrom-Path: msrp://10.0.0.2:2855/s2;tcp\r\nMessage-ID: m${i}\r\nByte-Range: 1-${bodySize}/${bodySize}\r\nContent-Type: text/plain\r\n\r\n`), body, Buffer.from(`\r\n-------${tx}$\r\n`));
  }
  return Buffer.concat(parts);
}
for (const [label, bodySize, count, chunk, conformance] of [
  ['parser, 64 KiB bodies', 65536, 3000, 65536, false],
  ['parser, small chat messages', 40, 400000, 65536, false],
  ['parser + conformance, small chat', 40, 400000, 65536, true],
]) {
  const data = stream(bodySize, count);
  const from = { frame: 1, tsSec: 0, tsNsec: 0 };
  await timed(label, async () => {
    let frames = 0;
    const p = new MsrpParser({ message() { frames++; }, diagnostic() {} }, { connection: 0, dir: 0, startInSync: true, conformance });
    for (let o = 0; o < data.length; o += chunk) p.push(data.subarray(o, o + chunk), from);
    p.end();
    return `${frames} messages`;
  }, data.length);
}

for (const line of rssLines) console.log(line);
