/**
 * `--extract` on a long capture: each message the model lets go (FoldOptions.records) is extracted then, the rest
 * once the capture is read; the folder and the manifest are those of a model that holds every message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Extraction, extractBodies, type ManifestEntry } from '../../src/export/extract.js';
import { ExtractStore } from '../../src/export/extract-store.js';
import { Correlator } from '../../src/model/correlator.js';
import type { FoldOptions } from '../../src/model/message-fold.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { feedRequest, feedResponse, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

const tempDir = tempDirs('msrpscope-extract-fold-');

/** Message i's body: 30 to 330 bytes. */
const bodyOf = (i: number): Buffer => Buffer.from(`body ${i} `.repeat(3 + ((i * 37) % 30)));

/**
 * `n` messages on three connections, one a second of capture time, in chunks of 40 bytes, each answered: every
 * ninth aborted after its first chunk, every eleventh missing its second chunk (incomplete: never let go), every
 * fifth named by a Content-Disposition filename (`same.txt` for every 35th when `collide`), the others by their
 * Message-ID; every thirteenth has an empty body.
 */
function feed(store: Correlator, n: number, collide: boolean): void {
  let frame = 1;
  for (let i = 0; i < n; i++) {
    const c = tcpConn(i % 3);
    let ms = i * 1000;
    const body = i % 13 === 0 ? Buffer.alloc(0) : bodyOf(i);
    const size = body.length;
    const name = i % 5 === 0 ? (collide && i % 35 === 0 ? 'same.txt' : `file ${i}.txt`) : undefined;
    const extra: Array<[string, string]> = name === undefined ? [] : [['Content-Disposition', `attachment; filename="${name}"`]];
    const pieces = size === 0 ? [0] : Array.from({ length: Math.ceil(size / 40) }, (_, k) => k * 40);
    for (const [k, start] of pieces.entries()) {
      if (i % 11 === 0 && k === 1 && pieces.length > 2) continue;
      const end = Math.min(size, start + 40);
      const aborted = i % 9 === 0 && k === 0 && pieces.length > 1;
      const tid = `t${i}x${k}abc`;
      feedRequest(store, c, 0, {
        tid,
        method: 'SEND',
        headers: sendHeaders({ id: `m${i}`, range: size === 0 ? '1-0/0' : `${start + 1}-${end}/${size}`, type: 'text/plain', extra }),
        body: body.subarray(start, end),
        flag: aborted ? '#' : end === size ? '$' : '+',
        frame: frame++,
        ms: ms++,
      });
      feedResponse(store, c, 1, { tid, status: 200, frame: frame++, ms: ms++ });
      if (aborted) break;
    }
  }
}

/** Extracts `n` messages into a fresh folder: with folding (bodies in the folder as they come), or held to the end (bodies in memory). */
async function extracted(n: number, collide: boolean, fold?: FoldOptions): Promise<{ dir: string; manifest: string; written: number; held: number; files: ManifestEntry[] }> {
  const dir = tempDir();
  const store = fold === undefined ? undefined : new ExtractStore(dir);
  const model = new Correlator({ keepBodies: true, hashBodies: true, keepPreviews: false, foldMessages: fold, bodyStore: store === undefined ? undefined : () => store.bodyStore() });
  const extraction = new Extraction(dir);
  if (fold !== undefined) model.foldInto({ message: (m) => extraction.take(m), transaction: () => undefined });
  feed(model, n, collide);
  finishStore(model);
  const r = await extractBodies(model.view(), dir, extraction);
  expect(r.failed).toEqual([]);
  return { dir, manifest: readFileSync(path.join(dir, r.manifest), 'utf8'), written: r.written, held: model.view().messages().length, files: r.files };
}

const FOLD: FoldOptions = { keepFirst: 0, after: 20, records: true };

describe('--extract on a long capture', () => {
  it('writes the folder and the manifest a model holding every message writes, most messages extracted as they were let go', async () => {
    const plain = await extracted(600, false);
    const folded = await extracted(600, false, FOLD);
    expect(folded.manifest).toBe(plain.manifest);
    const listing = readdirSync(plain.dir).sort();
    expect(readdirSync(folded.dir).sort()).toEqual(listing);
    for (const f of listing) expect(readFileSync(path.join(folded.dir, f)).equals(readFileSync(path.join(plain.dir, f)))).toBe(true);
    // 600 messages: 47 without body bytes, the other 553 written.
    expect(folded.written).toBe(553);
    expect(listing).toHaveLength(554);
    const doc = JSON.parse(folded.manifest) as { files: ManifestEntry[]; empty: number };
    expect(doc.empty).toBe(47);
    expect(doc.files.map((f) => f.message)).toEqual([...doc.files.map((f) => f.message)].sort((a, b) => a - b));
    const states = new Map<string, number>();
    for (const f of doc.files) states.set(f.state, (states.get(f.state) ?? 0) + 1);
    // Every ninth aborted and every eleventh incomplete (a hole), but those of one chunk (or two, for a hole); the rest complete.
    expect(Object.fromEntries(states)).toEqual({ complete: 462, aborted: 55, incomplete: 36 });
    const m99 = doc.files.find((f) => f.message === 99) as ManifestEntry;
    expect(m99).toMatchObject({ file: 'm99.txt.partial', state: 'aborted', bytes: 40 });
    expect(readFileSync(path.join(folded.dir, 'file 5.txt')).equals(bodyOf(5))).toBe(true);
    // The incomplete ones stay held (never let go) and the last few; the others went as the capture was read.
    expect(folded.held).toBeLessThan(100);
    expect(folded.files.length).toBeLessThan(100);
    expect(plain.files).toHaveLength(553);
  });

  it('gives each of the messages named alike a name of its own, whenever it was extracted', async () => {
    const folded = await extracted(600, true, FOLD);
    const doc = JSON.parse(folded.manifest) as { files: ManifestEntry[] };
    const same = doc.files.filter((f) => f.file.startsWith('same'));
    // Every 35th message but those with an empty body (every 13th: 0 and 455): 14 complete, 315 aborted, 385 incomplete.
    expect(same).toHaveLength(16);
    const partial = ['same.txt.partial', 'same-2.txt.partial'];
    expect(same.map((f) => f.file).sort()).toEqual(['same.txt', ...Array.from({ length: 13 }, (_, k) => `same-${k + 2}.txt`), ...partial].sort());
    expect(same.filter((f) => f.state !== 'complete').map((f) => f.message)).toEqual([315, 385]);
    for (const f of same) {
      const want = bodyOf(f.message);
      const got = readFileSync(path.join(folded.dir, f.file));
      if (f.state === 'complete') expect(got.equals(want)).toBe(true);
      else expect(got.subarray(0, 40).equals(want.subarray(0, 40))).toBe(true);
    }
  });
});
