#!/usr/bin/env node
// Fuzz campaign over every parser and the whole pipeline (see src/fuzz/). Usage:
//   npm run fuzz [-- --minutes N] [-- --seed S] [-- --cases N] [-- --targets a,b] [-- --no-corpus]
//                [-- --bound-ms 2000] [-- --out DIR] [-- --report FILE]
// Seeded and deterministic: the same seed (and the same seed files) gives the same cases. Findings (an
// exception, a case over the time bound, a broken invariant, a hang) are saved once per distinct
// signature under test/fuzz-crashes/ as <target>-<seed>.bin + .json; test/fuzz/replay.test.ts replays them.
// The campaign runs in a worker thread; a watchdog in the main thread names and saves a case that hangs.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => new URL(`../dist/fuzz/${p}`, import.meta.url).href;

function parseArgs(argv) {
  const o = { minutes: undefined, seed: 1, cases: undefined, targets: undefined, corpus: true, boundMs: 2000, out: join(ROOT, 'test/fuzz-crashes'), report: undefined, hangMs: 30_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--minutes') o.minutes = Number(next());
    else if (a === '--seed') o.seed = Number(next()) >>> 0;
    else if (a === '--cases') o.cases = Number(next());
    else if (a === '--targets') o.targets = next().split(',');
    else if (a === '--no-corpus') o.corpus = false;
    else if (a === '--bound-ms') o.boundMs = Number(next());
    else if (a === '--hang-ms') o.hangMs = Number(next());
    else if (a === '--out') o.out = next();
    else if (a === '--report') o.report = next();
    else if (a === '--help' || a === '-h') {
      process.stdout.write('npm run fuzz -- [--minutes N] [--seed S] [--cases N] [--targets a,b] [--no-corpus] [--bound-ms MS] [--out DIR] [--report FILE]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.minutes === undefined && o.cases === undefined) o.cases = 2000;
  return o;
}

async function loadAll(opts) {
  const [{ seedFiles }, { buildSeedPool }, { TARGETS }] = await Promise.all([
    import(dist('seed-files.js')),
    import(dist('seeds.js')),
    import(dist('targets/index.js')),
  ]);
  const files = seedFiles(ROOT, { corpus: opts.corpus });
  const pool = buildSeedPool(files);
  const targets = opts.targets === undefined ? TARGETS : opts.targets.map((n) => {
    const t = TARGETS.find((x) => x.name === n);
    if (t === undefined) throw new Error(`unknown target ${n} (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
    return t;
  });
  return { files, pool, targets };
}

// ---------------------------------------------------------------------------------------------------
// Worker: runs the campaign, reports every case start (for the watchdog) and the result.

async function workerMain() {
  const { opts, deadlineEpoch, startAt, known } = workerData;
  const { pool, targets } = await loadAll(opts);
  const { runCampaign } = await import(dist('campaign.js'));
  const { jsonRawControls } = await import(dist('targets/pipeline.js'));
  const deadline = deadlineEpoch === undefined ? undefined : performance.now() + (deadlineEpoch - Date.now());
  let lastBeat = 0;
  const report = await runCampaign({
    seed: opts.seed,
    targets,
    pool,
    cases: opts.cases,
    deadline,
    timeBoundMs: opts.boundMs,
    saveDir: opts.out,
    startAt: new Map(Object.entries(startAt)),
    knownSignatures: known,
    onCase(target, index, seed) {
      parentPort.postMessage({ type: 'case', target, index, seed });
      const now = Date.now();
      if (now - lastBeat > 1000) {
        lastBeat = now;
        parentPort.postMessage({ type: 'heap', used: getHeapStatistics().used_heap_size });
      }
    },
    onFinding(f) {
      parentPort.postMessage({ type: 'finding', finding: f });
    },
  });
  parentPort.postMessage({
    type: 'done',
    report: { ...report, reports: report.reports.map((r) => ({ ...r, codes: [...r.codes].sort() })) },
    jsonRawControls,
  });
}

// ---------------------------------------------------------------------------------------------------
// Main: watchdog, memory sampling, report.

function fmtMB(b) {
  return `${(b / 1048576).toFixed(1)} MB`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const deadlineEpoch = opts.minutes === undefined ? undefined : t0 + opts.minutes * 60_000;
  const { files, targets, pool } = await loadAll(opts);
  process.stdout.write(
    `fuzz: seed ${opts.seed}, ${opts.minutes !== undefined ? `${opts.minutes} min` : `${opts.cases} cases per target`}, ` +
      `${files.length} seed captures, ${pool.conversations.length} TCP conversations, ${pool.datagrams.length} datagrams; ` +
      `targets: ${targets.map((t) => t.name).join(', ')}\n`,
  );
  const startAt = {};
  const findings = [];
  const hangs = [];
  let peakRss = 0;
  let peakWorkerHeap = 0;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
  }, 250);
  let final;
  for (;;) {
    const known = findings.map((f) => f.signature);
    const result = await new Promise((resolveRun) => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { opts, deadlineEpoch, startAt, known } });
      let current;
      let lastMsg = Date.now();
      const dog = setInterval(() => {
        if (current !== undefined && Date.now() - lastMsg > opts.hangMs) {
          clearInterval(dog);
          const hung = current;
          void worker.terminate().then(() => resolveRun({ hung }));
        }
      }, 1000);
      worker.on('message', (m) => {
        lastMsg = Date.now();
        if (m.type === 'case') {
          current = m;
          startAt[m.target] = m.index + 1;
        } else if (m.type === 'heap') {
          if (m.used > peakWorkerHeap) peakWorkerHeap = m.used;
        } else if (m.type === 'finding') {
          findings.push(m.finding);
          const f = m.finding;
          process.stdout.write(`  FINDING ${f.target} ${f.kind} (seed ${f.seed}): ${f.message.split('\n')[0].slice(0, 200)}${f.file ? ` -> ${relative(ROOT, f.file)}` : ''}\n`);
        } else if (m.type === 'done') {
          clearInterval(dog);
          resolveRun({ done: m });
        }
      });
      worker.on('error', (e) => {
        clearInterval(dog);
        resolveRun({ error: e, hung: current });
      });
    });
    if (result.done) {
      final = result.done;
      break;
    }
    // A hang (or a worker that died): regenerate the case here and save it, then resume after it.
    const h = result.hung;
    if (h === undefined) throw result.error;
    const { Rng } = await import(dist('rng.js'));
    const { saveReproducer } = await import(dist('campaign.js'));
    const target = targets.find((t) => t.name === h.target);
    const input = target.generate(new Rng(h.seed), pool);
    const kind = result.error ? 'exception' : 'timeout';
    const message = result.error ? `worker died: ${result.error.message}` : `no progress for ${opts.hangMs} ms (hang)`;
    const f = { target: h.target, kind, seed: h.seed, campaignSeed: opts.seed, index: h.index, message, stack: result.error?.stack, ms: opts.hangMs, signature: `${h.target}|hang|${h.index}`, file: undefined };
    f.file = saveReproducer(opts.out, f, input);
    findings.push(f);
    hangs.push(f);
    process.stdout.write(`  FINDING ${f.target} ${kind} (seed ${f.seed}): ${message} -> ${relative(ROOT, f.file)}\n`);
    if (deadlineEpoch !== undefined && Date.now() >= deadlineEpoch) break;
  }
  clearInterval(sampler);
  const report = final?.report;
  const lines = [];
  lines.push('');
  lines.push('target        cases   avg ms  slowest ms  codes  findings');
  let total = 0;
  for (const r of report?.reports ?? []) {
    total += r.cases;
    lines.push(`${r.target.padEnd(12)} ${String(r.cases).padStart(6)} ${(r.ms / Math.max(1, r.cases)).toFixed(2).padStart(8)} ${r.slowestMs.toFixed(0).padStart(11)} ${String(r.codes.length).padStart(6)} ${String(r.findings).padStart(9)}`);
  }
  lines.push(`total        ${String(total).padStart(6)} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s; peak RSS ${fmtMB(peakRss)}, peak worker heap ${fmtMB(peakWorkerHeap)}`);
  const allCodes = new Set((report?.reports ?? []).flatMap((r) => r.codes));
  lines.push(`distinct diagnostic codes hit: ${allCodes.size}`);
  for (const r of report?.reports ?? []) lines.push(`  ${r.target}: ${r.codes.join(' ') || '-'}`);
  if (final?.jsonRawControls?.cases > 0) {
    lines.push(`note: ${final.jsonRawControls.cases} pipeline cases left raw C1/bidi characters in the JSON text (first: ${final.jsonRawControls.example})`);
  }
  lines.push(findings.length === 0 ? 'findings: none' : `findings: ${findings.length} distinct (reproducers in ${relative(ROOT, opts.out)}/)`);
  for (const f of findings) lines.push(`  ${f.target} ${f.kind}: ${f.message.split('\n')[0].slice(0, 160)}${f.file ? ` [${relative(ROOT, f.file)}]` : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (opts.report) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(opts.report, `${JSON.stringify({ seed: opts.seed, reports: report?.reports, findings, peakRss, peakWorkerHeap, jsonRawControls: final?.jsonRawControls }, null, 2)}\n`);
  }
  process.exitCode = findings.length === 0 ? 0 : 1;
}

if (isMainThread) {
  main().catch((e) => {
    process.stderr.write(`fuzz: ${e && e.stack ? e.stack : e}\n`);
    process.exit(2);
  });
} else {
  workerMain().catch((e) => {
    throw e;
  });
}
