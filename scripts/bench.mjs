#!/usr/bin/env node
// Throughput of each stage on a large synthetic capture. Usage:
//   npm run bench [-- --mb 200] [-- --file some.pcap]
// Without --file it writes bench-data/genmsrp-<MB>.pcap with ../shared/tools/genmsrp.py (kept for next time).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCapture } from '../dist/capture/reader.js';
import { PacketDecoder } from '../dist/net/decoder.js';
import { TcpReassembler } from '../dist/tcp/reassembler.js';
import { MsrpParser } from '../dist/msrp/parser.js';
import { Store } from '../dist/model/store.js';
import { runPipeline } from '../dist/cli/pipeline.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const mb = Number(arg('--mb', '200'));
let file = arg('--file', undefined);
if (!file) {
  const gen = join(ROOT, '..', 'shared', 'tools', 'genmsrp.py');
  file = join(ROOT, 'bench-data', `genmsrp-${mb}.pcap`);
  if (!existsSync(file)) {
    if (!existsSync(gen)) { console.error(`bench: no --file given and ${gen} is absent`); process.exit(1); }
    mkdirSync(dirname(file), { recursive: true });
    console.log(`writing ${file} (${mb} MB) ...`);
    execFileSync('python3', [gen, file, '--sessions', '500', '--target-mb', String(mb), '--seed', '7'], { stdio: 'inherit' });
  }
}
const size = statSync(file).size;
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

async function timed(name, fn, bytes = size) {
  const t0 = process.hrtime.bigint();
  const extra = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`${name.padEnd(34)} ${(bytes / 1e6 / s).toFixed(0).padStart(6)} MB/s  ${s.toFixed(2)} s${extra ? `  ${extra}` : ''}`);
}

const nullSink = { open() {}, data() {}, gap() {}, close() {} };
console.log(`capture: ${file} (${(size / 1e6).toFixed(1)} MB)`);
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
await timed('full pipeline (to the model)', async () => {
  const store = new Store({ keepBodies: false });
  const r = await runPipeline({ sources: [{ name: file, input: file }], model: store });
  return `${r.info.packets} packets`;
});

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
for (const [label, bodySize, count, chunk, conformance] of [['parser, 64 KiB bodies', 65536, 3000, 65536, false], ['parser, small chat messages', 40, 400000, 65536, false], ['parser + conformance, small chat', 40, 400000, 65536, true]]) {
  const data = stream(bodySize, count);
  const from = { frame: 1, tsSec: 0, tsNsec: 0 };
  let frames = 0;
  await timed(label, async () => {
    const p = new MsrpParser({ message() { frames++; }, diagnostic() {} }, { connection: 0, dir: 0, startInSync: true, conformance });
    for (let o = 0; o < data.length; o += chunk) p.push(data.subarray(o, o + chunk), from);
    p.end();
    return `${frames} messages`;
  }, data.length);
}
clearInterval(sampler);
console.log(`peak RSS ${(peakRss / 1048576).toFixed(0)} MB`);
