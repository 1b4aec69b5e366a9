#!/usr/bin/env node
// Throughput of each stage on a synthetic capture, and peak RSS of the CLI on a large one. Usage:
//   npm run bench [-- --mb 200] [-- --file some.pcap] [-- --runs 3] [-- --rss-mb 1000 | --rss-mb 0]
// --mb: size of the capture for the throughput figures (bench-data/genmsrp-<MB>mb-seed1.pcap, written with
//   ../shared/tools/genmsrp.py --sessions 500 --seed 1 when absent and kept); --file uses a capture of your own.
// First, end to end as a user runs it (`node bin/msrpscope FILE MODE > /dev/null`, one child per run): tshark's
// time on the same file when tshark is installed (`tshark -r F -d tcp.port==2855,msrp -Y msrp -T fields -e
// msrp.method`), then per mode (--json, --ndjson, --summary) wall time, MB/s, tshark's time / ours, peak RSS and
// the share of the run spent in the garbage collector (PerformanceObserver 'gc' in the child, see e2ePreload),
// then each mode run four times in one process (scripts/warm-runs.cjs: the first run against the best later one, whose
// hot code V8 has optimized: the JIT's warm-up), then the start on a small capture (scripts/startup.mjs: --summary on
// a 14 kB capture, median wall and module load).
// --runs: each throughput figure is the best of this many runs (the machine may be shared: noisy).
// --rss-mb: size of the capture for the memory figures (default 1000; 0 skips them). Peak RSS is measured
//   in a child process per mode running the real CLI (`msrpscope FILE --summary` / `--json` / `--ndjson > /dev/null`,
//   then `--json` / `--ndjson | cat > /dev/null`: into a pipe). When a capture four times as large was written
//   beside it (bench-data/genmsrp-<4 × MB>mb-seed1.pcap), --summary, --ndjson and --json are run on it too and
//   their peak RSS given as a ratio to the first (issue 15: within 10%).
// TLS decryption (after the above; `--tls-only` runs just this part, `--tls-mb 0` skips it):
//   npm run bench -- [--tls-only] [--tls-mb 200] [--tls-ciphers gcm12,chacha13] [--tls-seed 7]
// For each cipher, scripts/gen-tls-bench.mjs writes a pair of captures of the same MSRP traffic, in clear and in
// TLS, with the key log (cached in os.tmpdir() as msrpscope-tlsbench-<MB>mb-<cipher>-seed<S>-g<generator hash>.*).
// Then, end to end, best of --runs: `msrpscope CLEAR --summary` vs `msrpscope TLS --keylog KEYS --summary`, and
// the same with `--json > /dev/null`: seconds, MB/s of the capture file, peak RSS (/usr/bin/time -v when present,
// else process.resourceUsage() in the child), TLS/clear time ratio (target <= 1.5x), and the request/response/
// message counts of both summaries against the generator's truth; one `--summary` run of the TLS capture with its
// records opened in place (MSRPSCOPE_DECRYPT_AHEAD=0: no worker thread); on the first cipher's clear capture (many small
// messages), also `--ladder` and `--html`, one run each. Last, RecordDecrypter.open() alone
// (dist/transport/tls-record-cipher.js) on records sealed by the generator, MB/s per cipher and record size.
import { existsSync, mkdirSync, openSync, closeSync, statSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openCapture } from '../dist/capture/reader.js';
import { PacketDecoder } from '../dist/net/decoder.js';
import { TcpReassembler } from '../dist/tcp/reassembler.js';
import { MsrpParser } from '../dist/msrp/parser.js';
import { Correlator } from '../dist/model/correlator.js';
import { runPipeline } from '../dist/cli/pipeline.js';
import { writeJsonDocument } from '../dist/export/json.js';
import { renderSummary } from '../dist/export/summary.js';
import { summaryInput } from '../dist/export/summary-input.js';
import { formatStartup, measureStartup } from './startup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const mb = Number(arg('--mb', '200'));
const runs = Math.max(1, Number(arg('--runs', '3')));
const rssMb = Number(arg('--rss-mb', '1000'));
const tlsOnly = args.includes('--tls-only');
const tlsMb = Number(arg('--tls-mb', '200'));
const tlsCiphers = arg('--tls-ciphers', 'gcm12,chacha13').split(',').filter(Boolean);
const tlsSeed = arg('--tls-seed', '7');

/** bench-data/genmsrp-<MB>.pcap, written when absent. */
function capture(size) {
  const gen = join(ROOT, '..', 'shared', 'tools', 'genmsrp.py');
  const file = join(ROOT, 'bench-data', `genmsrp-${size}mb-seed1.pcap`);
  if (!existsSync(file)) {
    if (!existsSync(gen)) { console.error(`bench: no --file given and ${gen} is absent`); process.exit(1); }
    mkdirSync(dirname(file), { recursive: true });
    console.log(`writing ${file} (${size} MB) ...`);
    execFileSync('python3', [gen, file, '--sessions', '500', '--target-mb', String(size), '--seed', '1'], { stdio: 'inherit' });
  }
  return file;
}

const file = tlsOnly ? undefined : arg('--file', undefined) ?? capture(mb);
const size = file === undefined ? 0 : statSync(file).size;

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
  if (!(rssMb > 0) || tlsOnly) return lines;
  const big = capture(rssMb);
  const bigSize = statSync(big).size;
  // The command as a user runs it (bin/msrpscope, the bundle), with a preload that reports the peak at exit.
  const hook = join(tmpdir(), `msrpscope-bench-maxrss-${process.pid}.cjs`);
  writeFileSync(hook, "process.on('exit', () => require('node:fs').writeSync(2, '\\nBENCH-MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n");
  process.on('exit', () => rmSync(hook, { force: true }));
  lines.push(`peak RSS: msrpscope on ${big} (${(bigSize / 1e6).toFixed(1)} MB)`);
  // The last two write into a pipe (`| cat > /dev/null`): node writes to a pipe asynchronously, so what the
  // output waits for is measured too (text queued for a slow reader would show here).
  // --ladder and --html draw from every record once the capture is read (src/export/model-index.ts).
  const report = join(tmpdir(), `msrpscope-bench-report-${process.pid}.html`);
  process.on('exit', () => rmSync(report, { force: true }));
  // --extract writes every body (about the capture's size) into a fresh folder, removed after.
  const extractDir = join(tmpdir(), `msrpscope-bench-extract-${process.pid}`);
  process.on('exit', () => rmSync(extractDir, { recursive: true, force: true }));
  const modes = [['--summary'], ['--json'], ['--ndjson'], ['--json', true], ['--ndjson', true], ['--ladder'], ['--html', report, '--force'], ['--extract', extractDir]];
  /** One run of the CLI on `capture` in `mode`: its peak RSS (MB) and wall time, or the reason it failed. */
  const measure = (capture, mode, more) => {
    const piped = more[0] === true;
    const extra = more.filter((x) => typeof x === 'string');
    const devnull = openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const q = (a) => `'${a.replace(/'/g, "'\\''")}'`;
    const r = piped
      ? spawnSync('sh', ['-c', `${[process.execPath, '--require', hook, join(ROOT, 'bin', 'msrpscope'), capture, mode].map(q).join(' ')} | cat`], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' })
      : spawnSync(process.execPath, ['--require', hook, join(ROOT, 'bin', 'msrpscope'), capture, mode, ...extra], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    closeSync(devnull);
    if (mode === '--extract') rmSync(extractDir, { recursive: true, force: true });
    const m = /BENCH-MAXRSS (\d+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || m === null) return { failed: `msrpscope ${mode}: failed (exit ${r.status}): ${(r.stderr ?? '').trim().slice(0, 200)}` };
    return { rss: Number(m[1]) / 1024, s };
  };
  const peaks = new Map();
  for (const [mode, ...more] of modes) {
    const piped = more[0] === true;
    const r = measure(big, mode, more);
    if (r.failed !== undefined) {
      lines.push(r.failed);
      continue;
    }
    if (!piped) peaks.set(mode, r.rss);
    const what = `msrpscope FILE ${mode}${mode === '--summary' ? '' : mode === '--html' ? ' FILE' : mode === '--extract' ? ' DIR' : piped ? ' | cat > /dev/null' : ' > /dev/null'}`;
    lines.push(`${what.padEnd(44)} ${r.rss.toFixed(0).padStart(6)} MB peak RSS  ${r.s.toFixed(2)} s (${(bigSize / 1e6 / r.s).toFixed(0)} MB/s end to end)`);
  }
  // Flat memory: the same modes on a capture four times as long, when one was written (genmsrp.py with
  // --target-mb four times --rss-mb; it is not written here: 4 GB of disk), and the ratio to the figure above.
  const longer = join(ROOT, 'bench-data', `genmsrp-${rssMb * 4}mb-seed1.pcap`);
  if (existsSync(longer)) {
    lines.push(`peak RSS on ${longer.slice(ROOT.length + 1)} (${(statSync(longer).size / 1e6).toFixed(1)} MB), against the capture above`);
    // Every mode that reads the file once (the viewer stays open: it is measured on the capture above only).
    for (const [mode, ...more] of modes.filter(([, piped]) => piped !== true)) {
      const r = measure(longer, mode, more);
      const base = peaks.get(mode);
      const what = `msrpscope FILE ${mode}${mode === '--html' ? ' FILE' : mode === '--extract' ? ' DIR' : ''}`;
      if (r.failed !== undefined) lines.push(r.failed);
      else lines.push(`${what.padEnd(44)} ${r.rss.toFixed(0).padStart(6)} MB peak RSS  ${r.s.toFixed(2)} s  ${base === undefined ? '' : `${(r.rss / base).toFixed(2)}x the above (flat: <= 1.10x)`}`);
    }
  }
  const tui = viewerPeak(big, hook);
  if (tui !== undefined) lines.push(`${'msrpscope FILE (the viewer, under tmux)'.padEnd(44)} ${tui}`);
  const live = viewerPeak(big, hook, packetsOf(big));
  if (live !== undefined) lines.push(`${'cat FILE | msrpscope - (live viewer, tmux)'.padEnd(44)} ${live}`);
  return lines;
}

/** Sleeps without an event loop (the measurements here are synchronous). */
function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The packet count genmsrp wrote beside a capture (its .truth.json), undefined without one. */
function packetsOf(file) {
  try {
    return JSON.parse(readFileSync(`${file}.truth.json`, 'utf8')).frames;
  } catch {
    return undefined;
  }
}

/**
 * The viewer on the big capture under tmux (when installed): seconds until its session list shows, then `q`, and
 * the peak RSS the process reports at exit. Undefined without tmux. With `packets`, the live viewer instead: the
 * capture comes through a pipe (`cat FILE | msrpscope -`), and the time is until its status line counts every
 * packet.
 */
function viewerPeak(big, hook, packets) {
  if (spawnSync('tmux', ['-V']).status !== 0) return undefined;
  const name = `msrpscope-bench-${process.pid}`;
  const err = join(tmpdir(), `${name}.err`);
  const q = (a) => `'${a.replace(/'/g, "'\\''")}'`;
  const live = packets !== undefined;
  const cmd = live
    ? `cat ${q(big)} | ${[process.execPath, '--require', hook, join(ROOT, 'bin', 'msrpscope'), '-'].map(q).join(' ')} 2> ${q(err)}`
    : `${[process.execPath, '--require', hook, join(ROOT, 'bin', 'msrpscope'), big].map(q).join(' ')} 2> ${q(err)}`;
  const t0 = process.hrtime.bigint();
  if (spawnSync('tmux', ['new-session', '-d', '-s', name, '-x', '160', '-y', '40', cmd]).status !== 0) return undefined;
  let shown;
  try {
    // A list row: the session number and its start time.
    for (let i = 0; i < 2400 && shown === undefined; i++) {
      const pane = spawnSync('tmux', ['capture-pane', '-t', name, '-p'], { encoding: 'utf8' }).stdout ?? '';
      const ready = live ? pane.includes(`${packets} packets`) : /^\s*\d+\s+\d\d:\d\d:\d\d/m.test(pane);
      if (ready) shown = Number(process.hrtime.bigint() - t0) / 1e9;
      else sleepMs(50);
    }
    spawnSync('tmux', ['send-keys', '-t', name, 'q']);
    for (let i = 0; i < 200 && spawnSync('tmux', ['has-session', '-t', name]).status === 0; i++) sleepMs(50);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', name]);
  }
  const m = existsSync(err) ? /BENCH-MAXRSS (\d+)/.exec(readFileSync(err, 'utf8')) : null;
  rmSync(err, { force: true });
  if (shown === undefined || m === null) return 'failed (no session list, or no exit report)';
  return `${(Number(m[1]) / 1024).toFixed(0).padStart(6)} MB peak RSS  ${live ? 'every packet shown' : 'first screen'} after ${shown.toFixed(2)} s`;
}
const rssLines = peakRss();

// ---- TLS decryption, end to end -------------------------------------------------------------------------------
// One child process per run of the real CLI, started before this process grows (see peakRss). Peak RSS comes from
// /usr/bin/time -v (its own small process forks the CLI, so no high-water mark is inherited), else from
// process.resourceUsage() in a child like peakRss's.
const GEN = join(ROOT, 'scripts', 'gen-tls-bench.mjs');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** The generator's pair for a cipher in os.tmpdir(), written when absent (truth.json, written last, marks a set). */
function tlsPair(cipher) {
  const prefix = 'msrpscope-tlsbench-';
  const gen = `g${createHash('sha256').update(readFileSync(GEN)).digest('hex').slice(0, 10)}`;
  const base = join(tmpdir(), `${prefix}${tlsMb}mb-${cipher}-seed${tlsSeed}-${gen}`);
  if (!existsSync(`${base}.truth.json`)) {
    // Sets written by another version of the generator are stale: removed (each is ~2 x its size in MB).
    for (const f of readdirSync(tmpdir())) if (f.startsWith(prefix) && !f.includes(`-${gen}.`)) rmSync(join(tmpdir(), f), { force: true });
    console.log(`writing ${base}.{clear.pcap,tls.pcap,keys.txt,truth.json} (${tlsMb} MB, ${cipher}) ...`);
    execFileSync(process.execPath, [GEN, base, '--target-mb', String(tlsMb), '--cipher', cipher, '--seed', tlsSeed], { stdio: 'inherit' });
  }
  return { base, clear: `${base}.clear.pcap`, tls: `${base}.tls.pcap`, keys: `${base}.keys.txt`, truth: JSON.parse(readFileSync(`${base}.truth.json`, 'utf8')) };
}

/** One run of `msrpscope ...cliArgs`: wall seconds, peak RSS (MB), exit status, stdout (when kept), stderr. */
function runCli(cliArgs, keepStdout, env = {}) {
  const devnull = keepStdout ? undefined : openSync('/dev/null', 'w');
  const stdio = ['ignore', keepStdout ? 'pipe' : devnull, 'pipe'];
  const opts = { stdio, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } };
  const t0 = process.hrtime.bigint();
  let r, rss;
  if (TIME !== undefined) {
    r = spawnSync(TIME, ['-v', process.execPath, join(ROOT, 'bin', 'msrpscope'), ...cliArgs], opts);
    rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  } else {
    // What bin/msrpscope runs: the bundle, with its code cache (and the TLS worker it starts).
    const loader = join(ROOT, 'bin', 'load-bundle.cjs');
    const bundle = join(ROOT, 'dist', 'bundle', 'msrpscope.cjs');
    const child = [
      "process.on('exit', () => require('node:fs').writeSync(2, '\\nBENCH-MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));",
      `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(bundle)}).exports.main(['node', 'msrpscope', ...process.argv.slice(1)]);`,
    ].join('\n');
    r = spawnSync(process.execPath, ['-e', child, ...cliArgs], opts);
    rss = /BENCH-MAXRSS (\d+)/.exec(r.stderr ?? '');
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (devnull !== undefined) closeSync(devnull);
  const stderr = (r.stderr ?? '').split(/\tCommand being timed:|\nBENCH-MAXRSS/)[0].trim();
  // Exit 3 = capture cut short / corrupt part skipped: results are still printed (README, exit codes).
  const ok = (r.status === 0 || r.status === 3) && rss !== null;
  return { ok, s, rssMb: rss ? Number(rss[1]) / 1024 : NaN, status: r.status, stdout: r.stdout ?? '', stderr };
}

/** Requests, responses and messages of a text summary ("Requests: REPORT 12, SEND 34" ...), as one line. */
function summaryCounts(text) {
  const pick = (label) => (new RegExp(`^${label}: (.*)$`, 'm').exec(text)?.[1] ?? '?').replace(/ \(.*$/, '');
  return `requests ${pick('Requests')}; responses ${pick('Responses')}; messages ${pick('Messages')}`;
}
/** The same line from the generator's truth. */
function truthCounts(t) {
  const list = (o) => Object.entries(o).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return `requests ${list(t.requests)}; responses ${list(t.responses)}; messages ${t.messages}`;
}

function tlsEndToEnd() {
  const lines = [];
  if (!(tlsMb > 0)) return lines;
  const pairs = tlsCiphers.map((c) => ({ cipher: c, ...tlsPair(c) }));
  lines.push(`TLS decryption, end to end: msrpscope CLEAR vs msrpscope TLS --keylog KEYS, best of ${runs} (wall time, MB/s of the `
    + `capture file, peak RSS ${TIME ? 'from /usr/bin/time -v' : 'from process.resourceUsage()'}); target TLS/clear <= 1.5x`);
  const fmt = (r, bytes) => (r.ok ? `${r.s.toFixed(2).padStart(6)} s ${(bytes / 1e6 / r.s).toFixed(0).padStart(5)} MB/s ${r.rssMb.toFixed(0).padStart(5)} MB RSS`
    : `failed (exit ${r.status}): ${r.stderr.split('\n')[0].slice(0, 120)}`);
  for (const p of pairs) {
    const clearBytes = statSync(p.clear).size, tlsBytes = statSync(p.tls).size;
    lines.push(`${p.cipher} (${p.truth.suite.name}): clear ${(clearBytes / 1e6).toFixed(1)} MB, tls ${(tlsBytes / 1e6).toFixed(1)} MB, `
      + `${p.truth.messages} messages, ${p.truth.tls_records} TLS records; ${p.base}.*`);
    const counts = {};
    for (const mode of ['--summary', '--json']) {
      const best = { clear: undefined, tls: undefined };
      // Alternating clear and TLS runs, so that a slow spell of a shared machine hits both.
      for (let r = 0; r < runs; r++) {
        for (const [side, cliArgs] of [['clear', [p.clear, mode]], ['tls', [p.tls, '--keylog', p.keys, mode]]]) {
          if (best[side] !== undefined && !best[side].ok) continue; // failed once: not again
          const res = runCli(cliArgs, mode === '--summary');
          if (mode === '--summary' && res.ok) counts[side] = summaryCounts(res.stdout);
          const prev = best[side];
          if (prev === undefined || !res.ok || res.s < prev.s) best[side] = { ...res, rssMb: Math.max(res.rssMb, prev?.rssMb ?? 0) };
          else prev.rssMb = Math.max(prev.rssMb, res.rssMb);
        }
      }
      const ratio = best.clear.ok && best.tls.ok ? best.tls.s / best.clear.s : NaN;
      const what = mode === '--json' ? '--json > /dev/null' : mode;
      lines.push(`  ${what.padEnd(19)} clear ${fmt(best.clear, clearBytes)} | tls ${fmt(best.tls, tlsBytes)}`
        + (Number.isNaN(ratio) ? '' : ` | ratio ${ratio.toFixed(2)}x ${ratio <= 1.5 ? 'ok' : 'OVER TARGET'}`));
      if (mode === '--summary') {
        // The records opened in place, as before the decrypt-ahead worker (src/cli/decrypt-ahead.ts): one run.
        const here = runCli([p.tls, '--keylog', p.keys, mode], false, { MSRPSCOPE_DECRYPT_AHEAD: '0' });
        const r = here.ok && best.clear.ok ? ` | ratio ${(here.s / best.clear.s).toFixed(2)}x` : '';
        lines.push(`  ${'  opened in place'.padEnd(19)} ${''.padEnd(35)} | tls ${fmt({ ...here, rssMb: here.rssMb }, tlsBytes)}${r} (MSRPSCOPE_DECRYPT_AHEAD=0, one run)`);
      }
    }
    const want = truthCounts(p.truth);
    const verdict = (side) => (counts[side] === undefined ? 'no summary' : counts[side] === want ? 'ok' : `MISMATCH (${counts[side]})`);
    lines.push(`  counts vs truth (${want}): clear ${verdict('clear')}, tls ${verdict('tls')}`);
    if (p !== pairs[0]) continue;
    // The drawing outputs on a capture of many small messages (every session's ladder has thousands of rows), once each.
    const report = join(tmpdir(), `msrpscope-bench-chat-report-${process.pid}.html`);
    for (const [what, cliArgs] of [['--ladder > /dev/null', [p.clear, '--ladder']], ['--html FILE', [p.clear, '--html', report, '--force']]]) {
      lines.push(`  ${what.padEnd(19)} clear ${fmt(runCli(cliArgs, false), clearBytes)} (one run)`);
    }
    rmSync(report, { force: true });
  }
  return lines;
}

// ---- RecordDecrypter.open() micro-benchmark (src/transport/tls-record-cipher.ts) ------------------------------
// Records sealed by scripts/gen-tls-bench.mjs (its own PRF / HKDF and node:crypto), opened by the project's
// RecordDecrypter with keys derived by the project's keyBlock12 (tls-prf.js) / trafficKeys13 (tls-key-schedule.js)
// from the same secrets: every record must open to the same plaintext (a cross-check of the two implementations),
// and the figure is MB/s of plaintext (and thousands of records per second), best of --runs.
// Skipped, with a note, while those modules are not built.
async function recordCipherBench() {
  const dist = (m) => pathToFileURL(join(ROOT, 'dist', 'transport', m)).href;
  let rc, cs, prf, ks;
  try {
    [rc, cs, prf, ks] = await Promise.all(['tls-record-cipher.js', 'tls-cipher-suites.js', 'tls-prf.js', 'tls-key-schedule.js'].map((m) => import(dist(m))));
  } catch (err) {
    console.log(`RecordDecrypter.open(): skipped (${String(err?.message ?? err).split('\n')[0]})`);
    return;
  }
  const gen = await import(pathToFileURL(GEN).href);
  const sizes = [16384, 1024, 64];
  console.log(`RecordDecrypter.open(), records sealed by gen-tls-bench.mjs, MB/s of plaintext (k records/s), best of ${runs}`);
  for (const [cipher, suite] of Object.entries(gen.SUITES)) {
    const info = cs.cipherSuiteInfo(suite.id);
    if (info === undefined) { console.log(`  ${cipher.padEnd(10)} ${suite.name}: not supported by cipherSuiteInfo()`); continue; }
    const rng = new gen.Rng(`bench:${cipher}`);
    let sealKeys, openKeys;
    if (suite.tls13) {
      const secret = rng.bytes(suite.hash === 'sha384' ? 48 : 32);
      sealKeys = gen.trafficKeys13(suite, secret);
      openKeys = ks.trafficKeys13(info, secret);
    } else {
      const [master, cr, sr] = [rng.bytes(48), rng.bytes(32), rng.bytes(32)];
      sealKeys = gen.keyBlock12(suite, master, cr, sr).client;
      openKeys = prf.keyBlock12(info, master, cr, sr).client;
    }
    const cells = [];
    for (const size of sizes) {
      const count = Math.min(200000, Math.max(200, Math.floor(32e6 / size))); // ~32 MB of records, at most 200k
      const sealer = new gen.RecordSealer(suite, sealKeys);
      const pt = rng.bytes(size);
      const records = [];
      for (let i = 0; i < count; i++) records.push(sealer.seal(23, pt));
      let best = Infinity, bad = 0;
      for (let r = 0; r < runs; r++) {
        const d = new rc.RecordDecrypter(info, openKeys, { encryptThenMac: false });
        bad = 0;
        const t0 = process.hrtime.bigint();
        for (const rec of records) {
          const o = d.open(rec[0], rec.readUInt16BE(1), rec.subarray(5));
          if (!o.ok || o.type !== 23 || o.plaintext.length !== size) bad++;
        }
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
      }
      const probe = new rc.RecordDecrypter(info, openKeys).open(records[0][0], 0x0303, records[0].subarray(5));
      if (probe.ok && !probe.plaintext.equals(pt)) bad = count;
      cells.push(`${String(size).padStart(5)} B: ${(count * size / 1e6 / best).toFixed(0).padStart(5)} MB/s (${(count / 1e3 / best).toFixed(0)}k/s)`
        + (bad ? ` ${bad} of ${count} FAILED` : ''));
    }
    console.log(`  ${cipher.padEnd(10)} ${info.name.padEnd(44)} ${cells.join('  ')}`);
  }
}

// The stages in this process, on the clear capture (skipped by --tls-only).
async function clearStages() {
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
  // with them. The models of the last runs are kept for the output timings below.
  let summaryModel;
  await timed('full pipeline, summary mode (no hashing)', async () => {
    summaryModel = new Correlator({ keepBodies: false, hashBodies: false });
    const r = await runPipeline({ sources: [{ name: file, input: file }], model: summaryModel });
    return `${r.info.packets} packets, ${summaryModel.view().counts().transactions} transactions`;
  });
  let jsonModel;
  await timed('full pipeline, JSON mode (sha256 of bodies)', async () => {
    jsonModel = new Correlator({ keepBodies: false, hashBodies: true });
    const r = await runPipeline({ sources: [{ name: file, input: file }], model: jsonModel });
    return `${r.info.packets} packets, ${jsonModel.view().messages().length} messages`;
  });
  await timed('  + text summary', async () => `${renderSummary(summaryInput(summaryModel.view()), { color: false, columns: 100 }).length} characters`);
  await timed('  + JSON document to a null sink', async () => {
    let chars = 0;
    writeJsonDocument(jsonModel.view(), (s) => { chars += s.length; });
    return `${(chars / 1e6).toFixed(0)} M characters`;
  });
  summaryModel = undefined;
  jsonModel = undefined;

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
}

// ---- End to end, as a user runs it ----------------------------------------------------------------------------
// A preload for the child: sums the GC pauses the process saw and prints them with its peak RSS at exit.
const PRELOAD = join(tmpdir(), `msrpscope-bench-preload-${process.pid}.cjs`);
writeFileSync(PRELOAD, [
  "const { PerformanceObserver, performance } = require('node:perf_hooks');",
  'let gc = 0;',
  "new PerformanceObserver((list) => { for (const e of list.getEntries()) gc += e.duration; }).observe({ entryTypes: ['gc'] });",
  "process.on('exit', () => require('node:fs').writeSync(2, `\\nBENCH-END ${process.resourceUsage().maxRSS} ${gc.toFixed(1)} ${performance.now().toFixed(1)}\\n`));",
].join('\n'));
process.on('exit', () => rmSync(PRELOAD, { force: true }));
const BIN = join(ROOT, 'bin', 'msrpscope');

/** One run of the CLI with stdout to /dev/null: wall seconds, peak RSS (MB), GC ms. */
function cliRun(args) {
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', PRELOAD, BIN, ...args], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(devnull);
  const m = /BENCH-END (\d+) ([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || m === null) return { s, rss: NaN, gc: NaN, error: `exit ${r.status}: ${(r.stderr ?? '').trim().slice(0, 200)}` };
  return { s, rss: Number(m[1]) / 1024, gc: Number(m[2]) };
}

/** tshark's time and peak RSS on the file (once; it takes a while), or undefined when it is not installed. */
function tsharkRun(f) {
  if (spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const args = ['-r', f, '-d', 'tcp.port==2855,msrp', '-Y', 'msrp', '-T', 'fields', '-e', 'msrp.method'];
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = TIME === undefined
    ? spawnSync('tshark', args, { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' })
    : spawnSync(TIME, ['-f', 'BENCH-TIME %M', 'tshark', ...args], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(devnull);
  const m = /BENCH-TIME (\d+)/.exec(r.stderr ?? '');
  return { s, rss: m === null ? NaN : Number(m[1]) / 1024 };
}

function endToEnd(f) {
  const lines = [];
  const mbytes = statSync(f).size / 1e6;
  lines.push(`end to end on ${f} (${mbytes.toFixed(1)} MB), best of ${runs}, stdout to /dev/null, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  const ts = tsharkRun(f);
  if (ts === undefined) lines.push('  tshark: not installed (no ratio)');
  else lines.push(`  ${'tshark -Y msrp -T fields -e msrp.method'.padEnd(40)} ${ts.s.toFixed(2).padStart(6)} s ${(mbytes / ts.s).toFixed(0).padStart(5)} MB/s  ${ts.rss.toFixed(0).padStart(4)} MB peak RSS`);
  for (const mode of ['--json', '--ndjson', '--summary']) {
    let best;
    for (let r = 0; r < runs; r++) {
      const x = cliRun([f, mode]);
      if (x.error !== undefined) { lines.push(`  msrpscope ${mode}: failed (${x.error})`); best = undefined; break; }
      if (best === undefined || x.s < best.s) best = x;
    }
    if (best === undefined) continue;
    const ratio = ts === undefined ? '' : `  ${(ts.s / best.s).toFixed(1).padStart(5)}x tshark`;
    lines.push(`  ${`msrpscope FILE ${mode}`.padEnd(40)} ${best.s.toFixed(2).padStart(6)} s ${(mbytes / best.s).toFixed(0).padStart(5)} MB/s  ${best.rss.toFixed(0).padStart(4)} MB peak RSS  GC ${(best.gc / 10 / best.s).toFixed(0).padStart(2)}%${ratio}`);
  }
  lines.push(...warmLines(f, mbytes));
  // The start on a small capture (the corpus's 14 kB relay_text.pcap, else a sample): scripts/startup.mjs.
  for (const l of formatStartup(measureStartup({ modules: false })).split("\n")) lines.push(`  ${l}`);
  return lines;
}

/**
 * Where an end-to-end run's time goes: each mode run WARM_RUNS times in one process (scripts/warm-runs.cjs). The
 * first run is what a user's run is but node's start and the bundle's load; the best later one is the analysis with
 * its hot code already optimized by V8: the difference is the JIT's warm-up, which every run pays.
 */
const WARM_RUNS = 4;
function warmLines(f, mbytes) {
  const lines = [`  in one process, ${WARM_RUNS} runs of each mode (scripts/warm-runs.cjs): the first, and the best of the others`];
  for (const mode of ['--json', '--ndjson', '--summary']) {
    const devnull = openSync('/dev/null', 'w');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'warm-runs.cjs'), String(WARM_RUNS), f, mode], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
    closeSync(devnull);
    const m = /WARM-RUNS ([\d. ]+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || m === null) {
      lines.push(`    ${mode}: failed (exit ${r.status}: ${(r.stderr ?? '').trim().slice(0, 200)})`);
      continue;
    }
    const [first, ...rest] = m[1].trim().split(' ').map(Number);
    const warm = Math.min(...rest);
    lines.push(`    ${`msrpscope FILE ${mode}`.padEnd(38)} first ${first.toFixed(2)} s, then ${warm.toFixed(2)} s (${(mbytes / warm).toFixed(0)} MB/s): warm-up ${(first - warm).toFixed(2)} s`);
  }
  return lines;
}
const e2eLines = file === undefined ? [] : endToEnd(file);
for (const line of e2eLines) console.log(line);

const tlsLines = tlsEndToEnd();
if (file !== undefined) await clearStages();

for (const line of rssLines) console.log(line);
for (const line of tlsLines) console.log(line);
if (tlsMb > 0) await recordCipherBench();
