#!/usr/bin/env node
// What the live TUI spends on its document while a capture is read: the full rebuild it did before
// (buildJsonDocument per redraw) against the live document (src/export/live-document.ts), on the same run.
// Usage (after `npx tsc -p tsconfig.json`):
//   node scripts/bench-live.mjs [--mb 20] [--file some.pcap] [--every 2000] [--sessions 200]
// --mb: size of the generated capture of text messages only (bench-data/genmsrp-live-<MB>.pcap, written with
//   ../shared/tools/genmsrp.py when absent); --file uses a capture of your own.
// --every: the document is asked for after each input batch that brought at least this many model events
//   (about what 10 redraws per second see on a fast link; a smaller number means more calls).
// Prints, for each way: calls, total and mean ms in document(), ms of the last call (the one over the most
// records), records mapped (live), and what the TUI then spends on each new document: indexing it
// (format/doc-index.ts) and making the session list's rows (both still O(records) per changed document).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runPipeline } from '../dist/cli/pipeline.js';
import { buildJsonDocument } from '../dist/export/json.js';
import { LiveDocument } from '../dist/export/live-document.js';
import { Correlator } from '../dist/model/correlator.js';
import { indexDocument } from '../dist/format/doc-index.js';
import { sessionRows } from '../dist/format/session-list.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const mb = Number(arg('--mb', '20'));
const every = Math.max(1, Number(arg('--every', '2000')));
const sessions = arg('--sessions', '200');

function capture() {
  const own = arg('--file', undefined);
  if (own !== undefined) return own;
  const gen = join(ROOT, '..', 'shared', 'tools', 'genmsrp.py');
  const file = join(ROOT, 'bench-data', `genmsrp-live-${mb}.pcap`);
  if (!existsSync(file)) {
    if (!existsSync(gen)) {
      console.error(`bench-live: no --file given and ${gen} is absent`);
      process.exit(1);
    }
    mkdirSync(dirname(file), { recursive: true });
    console.log(`writing ${file} (${mb} MB) ...`);
    execFileSync('python3', [gen, file, '--sessions', sessions, '--target-mb', String(mb), '--seed', '7', '--file-prob', '0'], { stdio: 'inherit' });
  }
  return file;
}

/** Reads the capture once, asking `way` for the document as the TUI would; returns the timings. */
async function run(file, way) {
  const model = new Correlator();
  const live = way === 'live' ? new LiveDocument(model) : undefined;
  const get = live !== undefined ? () => live.document() : () => buildJsonDocument(model.view());
  let events = 0;
  model.onEvent(() => events++);
  let since = 0;
  let calls = 0;
  let total = 0;
  let lastMs = 0;
  let indexMs = 0;
  let rowsMs = 0;
  let indexed = 0;
  let prev;
  const ask = () => {
    const t0 = performance.now();
    const doc = get();
    const ms = performance.now() - t0;
    calls++;
    total += ms;
    lastMs = ms;
    if (doc !== prev) {
      const t1 = performance.now();
      indexDocument(doc);
      const t2 = performance.now();
      sessionRows(doc);
      indexMs += t2 - t1;
      rowsMs += performance.now() - t2;
      indexed++;
      prev = doc;
    }
    return doc;
  };
  const t0 = performance.now();
  await runPipeline({
    sources: [{ name: file, input: file }],
    model,
    onProgress: () => {
      if (events - since < every) return;
      since = events;
      ask();
    },
  });
  const doc = ask();
  const wall = performance.now() - t0;
  live?.close();
  const records = doc.connections.length + doc.sessions.length + doc.messages.length + doc.transactions.length + doc.diagnostics.length;
  return { calls, total, lastMs, wall, indexMs, rowsMs, indexed, records, events, mapped: live?.stats.mapped, doc };
}

const file = capture();
console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB, document asked for every ${every} model events`);
const rows = [];
for (const way of ['rebuild', 'live']) {
  const r = await run(file, way);
  rows.push([way, r]);
  console.log(
    `${way.padEnd(8)} calls ${String(r.calls).padStart(5)}  document() total ${r.total.toFixed(0).padStart(7)} ms` +
      `  mean ${(r.total / r.calls).toFixed(2).padStart(7)} ms  last ${r.lastMs.toFixed(2).padStart(7)} ms` +
      `  run ${r.wall.toFixed(0)} ms  records ${r.records} (events ${r.events})` +
      (r.mapped === undefined ? '' : `  mapped ${r.mapped}`) +
      `  | TUI per new document (${r.indexed}×): doc-index ${r.indexMs.toFixed(0)} ms, session rows ${r.rowsMs.toFixed(0)} ms`,
  );
}
const [a, b] = rows.map(([, r]) => r);
console.log(`same final document: ${JSON.stringify(a.doc) === JSON.stringify(b.doc)}; document() time ratio ${(a.total / b.total).toFixed(1)}×`);
