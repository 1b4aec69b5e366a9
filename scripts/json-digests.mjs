#!/usr/bin/env node
// sha256 of `msrpscope CAPTURE --json` (with the capture's key log when one lies beside it) for every
// capture in samples/ and, when present, ../shared/corpus. test/cli/output-digests.test.ts compares them
// with test/data/json-digests.txt; `node scripts/json-digests.mjs --write` rewrites that file after a
// deliberate output change, `--check` lists the captures whose output differs.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'msrpscope');
const PINNED = path.join(ROOT, 'test', 'data', 'json-digests.txt');
const CAPTURE = /\.(pcap|pcapng)(\.gz)?$/;

function listDir(dir, shared, prefix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => CAPTURE.test(f))
    .sort()
    .map((f) => {
      // Relative to the project: the JSON names the file as given, so the digest must not depend on where the clone is.
      const file = path.relative(ROOT, path.join(dir, f));
      const keys = [`${file}.keys.txt`, file.replace(/\.pcap(ng)?$/, '.keys.txt')].find((k) => k !== file && existsSync(path.join(ROOT, k)));
      return { name: `${prefix}${f}`, file, keys: keys ?? null, shared };
    });
}

/** Every capture whose output is pinned: name (stable, relative), file, key log, whether it is shared. */
export function captureList() {
  const shared = path.join(ROOT, '..', 'shared', 'corpus');
  return [
    ...listDir(path.join(ROOT, 'samples'), false, 'samples/'),
    ...listDir(path.join(ROOT, 'samples', 'tls'), false, 'samples/tls/'),
    ...listDir(shared, true, 'corpus/'),
    ...listDir(path.join(shared, 'tls'), true, 'corpus/tls/'),
  ];
}

/**
 * sha256 (hex) of the capture's `--json` output, as the command line writes it. `env` is added to the
 * child's environment (the tests set MSRPSCOPE_READ_CHECK to read in small, poisoned buffers).
 */
export function digestOf(c, env = {}) {
  return new Promise((resolve, reject) => {
    const args = [BIN, c.file, '--json', ...(c.keys === null ? [] : ['--keylog', c.keys])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
    const h = createHash('sha256');
    child.stdout.on('data', (d) => h.update(d));
    child.on('error', reject);
    child.on('close', () => resolve(h.digest('hex')));
  });
}

/** The pinned digests: name → sha256. */
export function readPinned() {
  const m = new Map();
  if (!existsSync(PINNED)) return m;
  for (const line of readFileSync(PINNED, 'utf8').split('\n')) {
    const [d, name] = line.split('  ');
    if (d && name) m.set(name, d);
  }
  return m;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv[2];
  const pinned = readPinned();
  const out = [];
  let differ = 0;
  for (const c of captureList()) {
    const d = await digestOf(c);
    out.push(`${d}  ${c.name}`);
    if (pinned.get(c.name) !== d) {
      differ++;
      if (mode !== '--write') console.log(`differs: ${c.name}`);
    }
  }
  if (mode === '--write') {
    // Keep the pinned digests of shared captures when the corpus is not here.
    const names = new Set(out.map((l) => l.split('  ')[1]));
    for (const [name, d] of pinned) if (!names.has(name)) out.push(`${d}  ${name}`);
    out.sort((a, b) => a.split('  ')[1].localeCompare(b.split('  ')[1]));
    writeFileSync(PINNED, `${out.join('\n')}\n`);
    console.log(`${out.length} digests written to ${path.relative(ROOT, PINNED)}`);
  } else {
    console.log(`${out.length - differ} same, ${differ} differ`);
    process.exitCode = differ === 0 ? 0 : 1;
  }
}
