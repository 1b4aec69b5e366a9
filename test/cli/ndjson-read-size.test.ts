/**
 * NDJSON is written while the capture is read, so it must not depend on how the capture arrives: every capture of
 * samples/ (and of the shared corpus beside the clone) gives the same lines read in 64-byte poisoned buffers
 * (MSRPSCOPE_READ_CHECK) as read whole. Its event times took their precision from the reader's facts as they were
 * when the capture was opened: a pcapng whose first read ended before its interface block wrote them without a
 * fraction.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'msrpscope');
const HAVE_SHARED = existsSync(path.join(ROOT, '..', 'shared', 'corpus'));

function ndjson(c: { file: string; keys: string | null }, env: Record<string, string>): string {
  const args = [BIN, c.file, '--ndjson', ...(c.keys === null ? [] : ['--keylog', c.keys])];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return r.stdout;
}

describe('NDJSON whatever the read size', () => {
  for (const c of captureList() as Array<{ name: string; file: string; keys: string | null; shared: boolean }>) {
    it.skipIf(c.shared && !HAVE_SHARED)(c.name, () => {
      const whole = ndjson(c, {});
      expect(whole.length).toBeGreaterThan(0);
      expect(ndjson(c, { MSRPSCOPE_READ_CHECK: '64' })).toBe(whole);
    }, 60_000);
  }

  it('keeps the fraction of the sample pcapng\'s times read in small buffers', () => {
    const c = { file: path.join(ROOT, 'samples', 'chat.pcapng'), keys: null };
    const times = ndjson(c, { MSRPSCOPE_READ_CHECK: '64' }).match(/"time":"[^"]*"/g) ?? [];
    expect(times.length).toBeGreaterThan(10);
    expect(times[0]).toBe('"time":"2026-11-25T09:46:40.000000000Z"');
  });
});
