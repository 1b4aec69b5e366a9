/**
 * The shared ring of decrypt-ahead (src/cli/decrypt-ahead-ring.ts) and the opener that reads it
 * (src/cli/decrypt-ahead.ts), in one thread: the writer writes while there is room, the reader reads and releases
 * at random points, over a small ring so that entries wrap often.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newRingMemory, RingReader, RingWriter, STATE_DONE, type RecordKey } from '../../src/cli/decrypt-ahead-ring.js';
import { DecryptAhead } from '../../src/cli/decrypt-ahead.js';
import type { OpenResult, RecordDecrypter } from '../../src/transport/tls-record-cipher.js';

const RING = 2048;

function record(i: number, plainLength: number): { key: RecordKey; plaintext: Buffer } {
  const body = Buffer.alloc(plainLength + 16 + (i % 7), (i * 31) & 0xff);
  body.writeUInt32BE(i >>> 0, body.length - 4);
  const plaintext = Buffer.alloc(plainLength, (i * 17 + 3) & 0xff);
  return { key: { connection: i % 5, dir: i % 2, seq: Math.floor(i / 10) + (i % 3 === 0 ? 2 ** 33 : 0), body }, plaintext };
}

describe('decrypt-ahead ring', () => {
  it('hands every entry over in order, whatever the sizes and the release points (entries wrap)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 80 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (sizes, releases) => {
        const memory = newRingMemory(RING);
        const w = new RingWriter(memory);
        const r = new RingReader(memory);
        const records = sizes.map((n, i) => record(i, n));
        let written = 0;
        let read = 0;
        let step = 0;
        while (read < records.length) {
          // Write while it fits (no waiting in one thread), then read what was written.
          while (written < records.length) {
            const { key, plaintext } = records[written]!;
            if (!w.write(key, true, 23, plaintext, 0)) break;
            written++;
          }
          if (written === records.length) w.finish(STATE_DONE);
          expect(read).toBeLessThan(written);
          while (read < written) {
            const { key, plaintext } = records[read]!;
            const e = r.next(key, 0);
            expect(e?.ok).toBe(true);
            expect(e?.type).toBe(23);
            expect(e?.plaintext.equals(plaintext)).toBe(true);
            read++;
            if (releases[step++ % releases.length] === true) r.release();
          }
          r.release();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives nothing for another record than the one asked for (each field of the key checked)', () => {
    const base = record(3, 40);
    const variants: Array<(k: RecordKey) => RecordKey> = [
      (k) => ({ ...k, connection: k.connection + 1 }),
      (k) => ({ ...k, dir: 1 - k.dir }),
      (k) => ({ ...k, seq: k.seq + 1 }),
      (k) => ({ ...k, seq: k.seq + 2 ** 32 }),
      (k) => ({ ...k, body: k.body.subarray(1) }),
      (k) => {
        const body = Buffer.from(k.body);
        body[body.length - 16] ^= 1;
        return { ...k, body };
      },
    ];
    for (const change of variants) {
      const memory = newRingMemory(RING);
      new RingWriter(memory).write(base.key, true, 23, base.plaintext, 0);
      expect(new RingReader(memory).next(change(base.key), 0)).toBeUndefined();
    }
    const memory = newRingMemory(RING);
    new RingWriter(memory).write(base.key, true, 23, base.plaintext, 0);
    expect(new RingReader(memory).next(base.key, 0)?.plaintext.equals(base.plaintext)).toBe(true);
  });

  it('a body shorter than 16 bytes is told by its whole self', () => {
    const memory = newRingMemory(RING);
    const w = new RingWriter(memory);
    const key = { connection: 1, dir: 0, seq: 0, body: Buffer.from([1, 2, 3]) };
    w.write(key, false, 0, undefined, 0);
    w.write({ ...key, seq: 1 }, false, 0, undefined, 0);
    const r = new RingReader(memory);
    expect(r.next(key, 0)).toEqual({ ok: false, type: 0, plaintext: Buffer.alloc(0) });
    expect(r.next({ ...key, seq: 1, body: Buffer.from([0, 2, 3]) }, 0)).toBeUndefined();
  });

  it('gives up at once when the writer waits for room only a release would make', () => {
    const memory = newRingMemory(RING);
    const w = new RingWriter(memory);
    const r = new RingReader(memory);
    const records = Array.from({ length: 10 }, (_, i) => record(i, 300));
    let n = 0;
    while (w.write(records[n]!.key, true, 23, records[n]!.plaintext, 0)) n++;
    expect(n).toBeGreaterThan(2);
    expect(n).toBeLessThan(10);
    for (let i = 0; i < n; i++) expect(r.next(records[i]!.key, 0)).toBeDefined();
    const t = Date.now();
    expect(r.next(records[n]!.key, 60_000)).toBeUndefined();
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('gives nothing once the writer has finished or failed and nothing is left', () => {
    const memory = newRingMemory(RING);
    const w = new RingWriter(memory);
    const one = record(1, 10);
    w.write(one.key, true, 23, one.plaintext, 0);
    w.finish(STATE_DONE);
    const r = new RingReader(memory);
    expect(r.next(one.key, 60_000)?.ok).toBe(true);
    const t = Date.now();
    expect(r.next(record(2, 10).key, 60_000)).toBeUndefined();
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('poisons released plaintext (MSRPSCOPE_READ_CHECK): a view kept past its batch shows', () => {
    const memory = newRingMemory(RING);
    const w = new RingWriter(memory);
    const r = new RingReader(memory, true);
    const one = record(1, 50);
    w.write(one.key, true, 23, one.plaintext, 0);
    const view = r.next(one.key, 0)!.plaintext;
    expect(view.equals(one.plaintext)).toBe(true);
    r.release();
    expect(view.equals(Buffer.alloc(50, 0xee))).toBe(true);
  });
});

/** A decrypter that opens nothing: what the opener asks of it is recorded. */
function fakeDecrypter(): { dec: RecordDecrypter; opened: number[] } {
  const opened: number[] = [];
  const dec = {
    seq: 0,
    open(): OpenResult {
      opened.push(this.seq);
      this.seq++;
      return { ok: true, type: 23, plaintext: Buffer.from('opened here') };
    },
  } as unknown as RecordDecrypter;
  return { dec, opened };
}

describe('decrypt-ahead opener', () => {
  it('takes matching records from the ring (the decrypter\'s sequence number moves on), then opens the rest itself after one that differs', () => {
    const memory = newRingMemory(RING);
    const w = new RingWriter(memory);
    const bodies = [0, 1, 2, 3].map((i) => Buffer.alloc(40, i + 1));
    w.write({ connection: 7, dir: 1, seq: 0, body: bodies[0]! }, true, 23, Buffer.from('zero'), 0);
    w.write({ connection: 7, dir: 1, seq: 1, body: bodies[1]! }, false, 0, undefined, 0);
    w.write({ connection: 7, dir: 1, seq: 2, body: Buffer.alloc(40, 0x55) }, true, 23, Buffer.from('wrong'), 0);
    w.write({ connection: 7, dir: 1, seq: 3, body: bodies[3]! }, true, 23, Buffer.from('three'), 0);
    const ahead = DecryptAhead.overRing(memory);
    const { dec, opened } = fakeDecrypter();
    const plain = (r: OpenResult): string => (r.ok ? r.plaintext.toString() : `failed ${r.reason}`);
    expect(plain(ahead.open(7, 1, dec, 23, 0x303, bodies[0]!))).toBe('zero');
    expect(dec.seq).toBe(1);
    // A record the worker could not open is opened here, for its reason.
    expect(plain(ahead.open(7, 1, dec, 23, 0x303, bodies[1]!))).toBe('opened here');
    expect(ahead.supplying).toBe(true);
    // The worker's next record is not this one: stopped, and from now on every record is opened here.
    expect(plain(ahead.open(7, 1, dec, 23, 0x303, bodies[2]!))).toBe('opened here');
    expect(ahead.supplying).toBe(false);
    expect(plain(ahead.open(7, 1, dec, 23, 0x303, bodies[3]!))).toBe('opened here');
    expect(opened).toEqual([1, 2, 3]);
    expect([ahead.supplied, ahead.openedHere]).toEqual([1, 3]);
  });
});
