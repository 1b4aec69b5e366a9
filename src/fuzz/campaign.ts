/**
 * The fuzz campaign: for each target, cases are generated from the seed pool with per-case seeds derived
 * from (campaign seed, target, case index), run, timed and checked. Crashes (exceptions), slow cases
 * (over the time bound) and problems (broken invariants) are findings; the first case of each distinct
 * signature is kept as a reproducer (input bytes + JSON with target and case seed).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { caseSeed, Rng } from './rng.js';
import type { SeedPool } from './seeds.js';
import { RUN_SALT, type CaseOutcome, type FuzzTarget } from './target.js';

export type FindingKind = 'exception' | 'timeout' | 'problem';

export interface Finding {
  target: string;
  kind: FindingKind;
  /** Case seed: new Rng(seed) generated the input; new Rng(seed ^ RUN_SALT) drove the run. */
  seed: number;
  campaignSeed: number;
  index: number;
  message: string;
  stack: string | undefined;
  ms: number;
  /** Signature used to keep one reproducer per distinct finding. */
  signature: string;
  /** Where the reproducer was saved (input file), when saved. */
  file: string | undefined;
}

export interface TargetReport {
  target: string;
  cases: number;
  ms: number;
  slowestMs: number;
  inputBytes: number;
  codes: Set<string>;
  findings: number;
}

export interface CampaignOptions {
  seed: number;
  targets: readonly FuzzTarget[];
  pool: SeedPool;
  /** Cases per target (when no deadline), or the cap per target. */
  cases?: number;
  /** Stop at this time (performance.now() ms); targets are visited round-robin in batches. */
  deadline?: number;
  /** A case running longer than this is a finding (default 2000 ms). */
  timeBoundMs?: number;
  /** Directory for reproducers; none are written when undefined. */
  saveDir?: string;
  /** Called before each case (a watchdog can name the case that hangs). */
  onCase?: (target: string, index: number, seed: number) => void;
  onFinding?: (f: Finding) => void;
  /** Case index each target starts at (to resume after a hang), default 0. */
  startAt?: ReadonlyMap<string, number>;
  /** Signatures already reported (no second reproducer for them). */
  knownSignatures?: Iterable<string>;
}

export interface CampaignReport {
  seed: number;
  reports: TargetReport[];
  findings: Finding[];
  ms: number;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** A stable signature of an error: its message without numbers, and the innermost frame in src/dist. */
function signatureOf(target: string, kind: FindingKind, message: string, stack: string | undefined): string {
  const msg = firstLine(message).replace(/U\+[0-9a-f]{4}/g, 'U+X').replace(/\d+/g, 'N').slice(0, 120);
  const frame = (stack ?? '').split('\n').find((l) => /\/(dist|src)\//.test(l)) ?? '';
  const where = frame.replace(/^\s*at\s+/, '').replace(/:\d+:\d+\)?$/, '').replace(/.*\/(dist|src)\//, '');
  return `${target}|${kind}|${msg}|${where}`;
}

/** Runs one case; never throws (a throw becomes an outcome with `error`). */
export async function runCase(
  target: FuzzTarget,
  input: Buffer,
  seed: number,
): Promise<{ outcome: CaseOutcome | undefined; error: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    const outcome = await target.run(input, new Rng((seed ^ RUN_SALT) >>> 0));
    return { outcome, error: undefined, ms: performance.now() - t0 };
  } catch (error) {
    return { outcome: undefined, error, ms: performance.now() - t0 };
  }
}

/** Writes a reproducer: `<target>-<seed>.bin` (the input) and `.json` (target, seed, what happened). */
export function saveReproducer(dir: string, f: Finding, input: Buffer): string {
  mkdirSync(dir, { recursive: true });
  const base = `${f.target}-${(f.seed >>> 0).toString(16).padStart(8, '0')}`;
  const file = join(dir, `${base}.bin`);
  writeFileSync(file, input);
  const meta = {
    target: f.target,
    seed: f.seed,
    campaignSeed: f.campaignSeed,
    index: f.index,
    kind: f.kind,
    message: f.message,
    ms: Math.round(f.ms),
    stack: f.stack?.split('\n').slice(0, 8).join('\n'),
  };
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(meta, null, 2)}\n`);
  return file;
}

export interface Reproducer {
  target: string;
  seed: number;
  input: Buffer;
  name: string;
  /** What was found (the .json message). */
  message: string;
  /** Set for a finding not fixed yet: who has to fix it and where (the replay test skips it with this note). */
  open: string | undefined;
}

/** Every reproducer in `dir` (pairs of .json + .bin). */
export function loadReproducers(dir: string): Reproducer[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Reproducer[] = [];
  for (const n of names.sort()) {
    if (!n.endsWith('.json')) continue;
    const meta = JSON.parse(readFileSync(join(dir, n), 'utf8')) as { target: string; seed: number; message?: string; open?: string };
    const bin = join(dir, n.replace(/\.json$/, '.bin'));
    out.push({
      target: meta.target,
      seed: meta.seed,
      input: readFileSync(bin),
      name: n.replace(/\.json$/, ''),
      message: meta.message ?? '',
      open: meta.open,
    });
  }
  return out;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignReport> {
  const start = performance.now();
  const bound = opts.timeBoundMs ?? 2000;
  const reports: TargetReport[] = opts.targets.map((t) => ({
    target: t.name,
    cases: opts.startAt?.get(t.name) ?? 0,
    ms: 0,
    slowestMs: 0,
    inputBytes: 0,
    codes: new Set<string>(),
    findings: 0,
  }));
  const findings: Finding[] = [];
  const seen = new Set<string>(opts.knownSignatures ?? []);
  const cap = opts.cases ?? (opts.deadline === undefined ? 100 : Infinity);
  const batch = opts.deadline === undefined ? cap : 25;
  let active = true;
  while (active) {
    active = false;
    for (let ti = 0; ti < opts.targets.length; ti++) {
      const target = opts.targets[ti]!;
      const rep = reports[ti]!;
      for (let k = 0; k < batch && rep.cases < cap; k++) {
        if (opts.deadline !== undefined && performance.now() >= opts.deadline) break;
        const index = rep.cases;
        const seed = caseSeed(opts.seed, target.name, index);
        const input = target.generate(new Rng(seed), opts.pool);
        opts.onCase?.(target.name, index, seed);
        const r = await runCase(target, input, seed);
        rep.cases++;
        rep.ms += r.ms;
        rep.inputBytes += input.length;
        if (r.ms > rep.slowestMs) rep.slowestMs = r.ms;
        if (r.outcome !== undefined) for (const c of r.outcome.codes) rep.codes.add(c);
        const found: Array<{ kind: FindingKind; message: string; stack: string | undefined }> = [];
        if (r.error !== undefined) {
          const e = r.error as { message?: unknown; stack?: unknown };
          found.push({
            kind: 'exception',
            message: typeof e?.message === 'string' ? e.message : String(r.error),
            stack: typeof e?.stack === 'string' ? e.stack : undefined,
          });
        }
        if (r.ms > bound) found.push({ kind: 'timeout', message: `case took ${Math.round(r.ms)} ms (bound ${bound} ms)`, stack: undefined });
        for (const p of r.outcome?.problems ?? []) found.push({ kind: 'problem', message: p, stack: undefined });
        for (const f of found) {
          rep.findings++;
          const finding: Finding = {
            target: target.name,
            kind: f.kind,
            seed,
            campaignSeed: opts.seed,
            index,
            message: f.message,
            stack: f.stack,
            ms: r.ms,
            signature: signatureOf(target.name, f.kind, f.message, f.stack),
            file: undefined,
          };
          if (seen.has(finding.signature)) continue;
          seen.add(finding.signature);
          if (opts.saveDir !== undefined) finding.file = saveReproducer(opts.saveDir, finding, input);
          findings.push(finding);
          opts.onFinding?.(finding);
        }
      }
      if (rep.cases < cap && (opts.deadline === undefined || performance.now() < opts.deadline)) active = true;
    }
  }
  return { seed: opts.seed, reports, findings, ms: performance.now() - start };
}
