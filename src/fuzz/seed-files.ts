/** The capture files the fuzzer starts from: samples/ and, when present, ../shared/corpus/. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CAPTURE = /\.(pcap|pcapng)$/;

function listCaptures(dir: string, maxBytes: number): Array<{ name: string; bytes: Buffer }> {
  if (!existsSync(dir)) return [];
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const n of readdirSync(dir).sort()) {
    if (!CAPTURE.test(n)) continue;
    const path = join(dir, n);
    if (statSync(path).size > maxBytes) continue;
    out.push({ name: path, bytes: readFileSync(path) });
  }
  return out;
}

/**
 * Seed capture files relative to the repository root. `corpus`: also ../shared/corpus (skipped when absent).
 * Files over `maxBytes` are left out.
 */
export function seedFiles(root: string, opts: { corpus?: boolean; maxBytes?: number } = {}): Array<{ name: string; bytes: Buffer }> {
  const max = opts.maxBytes ?? 4 * 1024 * 1024;
  const out = listCaptures(join(root, 'samples'), max);
  if (opts.corpus !== false) out.push(...listCaptures(resolve(root, '../shared/corpus'), max));
  return out;
}
