import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlator } from '../../src/model/correlator.js';
import type { FoldOptions } from '../../src/model/message-fold.js';
import { jsonDocumentChunks, spillSink } from '../../src/export/json.js';
import { RecordSpill } from '../../src/export/record-spill.js';
import { finishStore } from '../helpers/frames.js';
import { feedLongChat } from '../helpers/long-chat.js';

describe('RecordSpill', () => {
  it('gives back every text put, in any order, across writes and for records larger than a write', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<'message' | 'transaction'>('message', 'transaction'), fc.nat(5000), fc.integer({ min: 1, max: 300_000 }), fc.boolean()), {
          minLength: 1,
          maxLength: 40,
        }),
        (puts) => {
          const spill = new RecordSpill();
          const want = new Map<string, string>();
          puts.forEach(([kind, index, length, wide], n) => {
            // Multi-byte characters (UTF-8 lengths differ from string lengths), a different text for each put.
            const unit = wide ? `é€${n}` : `r${n}-`;
            const text = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
            spill.put(kind, index, text);
            want.set(`${kind}/${index}`, text);
          });
          for (const [key, text] of want) {
            const [kind, index] = key.split('/') as ['message' | 'transaction', string];
            expect(spill.has(kind, Number(index))).toBe(true);
            expect(spill.text(kind, Number(index))).toBe(text);
          }
          expect(spill.text('message', 5001)).toBeUndefined();
          expect(spill.failure).toBeUndefined();
          spill.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads back in one run the records put one after another, and breaks the run where they do not follow', () => {
    const spill = new RecordSpill();
    // Records 10, 11, 12 one after another (multi-byte texts), 13, then 16, then 14 and 15 (so that 13 → 14 and
    // 15 → 16 do not follow each other in the file); 20 and 21 one after another, but one ASCII and one not.
    const texts = ['{"a":"ü"}', '{"b":"é€ü"}', '{"c":"€"}'];
    const run = texts.join(',');
    texts.forEach((t, k) => spill.put('message', 10 + k, t));
    spill.put('message', 13, '{"d":4}');
    spill.put('message', 16, '{"g":7}');
    spill.put('message', 14, '{"e":5}');
    spill.put('message', 15, '{"f":6}');
    spill.put('message', 20, '{"h":8}');
    spill.put('message', 21, '{"i":"ü"}');
    expect(spill.run('message', 10, 10)).toEqual({ text: run, count: 3 });
    expect(spill.run('message', 11, 10)).toEqual({ text: `${texts[1]},${texts[2]}`, count: 2 });
    expect(spill.run('message', 10, 2)).toEqual({ text: `${texts[0]},${texts[1]}`, count: 2 });
    expect(spill.run('message', 13, 10)).toEqual({ text: '{"d":4}', count: 1 });
    expect(spill.run('message', 14, 10)).toEqual({ text: '{"e":5},{"f":6}', count: 2 });
    expect(spill.run('message', 16, 10)).toEqual({ text: '{"g":7}', count: 1 });
    expect(spill.run('message', 17, 10)).toBeUndefined();
    expect(spill.run('transaction', 10, 10)).toBeUndefined();
    // Kept as Latin-1 and as UTF-16: read back one at a time.
    expect(spill.run('message', 20, 10)).toEqual({ text: '{"h":8}', count: 1 });
    expect(spill.run('message', 21, 10)).toEqual({ text: '{"i":"ü"}', count: 1 });
    expect(spill.count).toBe(9);
    spill.close();
  });

  it('reads records back in index order from a few blocks, though they were put in another order and interleaved with the other kind', () => {
    const spill = new RecordSpill();
    // 3,000 messages of 200 characters let go out of order within windows of 40 (as messages settle at
    // different times), a transaction after each: 600 kB of messages, 10 blocks of 64 KiB.
    const order = Array.from({ length: 3000 }, (_, i) => i);
    for (let w = 0; w < order.length; w += 40) order.splice(w, 40, ...order.slice(w, w + 40).reverse());
    const text = (i: number): string => `{"m":${i}}`.padEnd(200, ' ');
    for (const i of order) {
      spill.put('message', i, text(i));
      spill.put('transaction', i, `{"t":${i}}`.padEnd(300, ' '));
    }
    spill.finish();
    for (let i = 0; i < 3000; ) {
      const r = spill.run('message', i, 3000 - i)!;
      expect(r.text).toBe(Array.from({ length: r.count }, (_, k) => text(i + k)).join(','));
      i += r.count;
    }
    // Each block once, and the records across two blocks each read alone: not a read a record.
    expect(spill.reads).toBeGreaterThanOrEqual(9);
    expect(spill.reads).toBeLessThan(20);
    spill.close();
  });

  it('gives back every text put by group, asked for alone in any order, for records of either encoding and larger than a run', () => {
    fc.assert(
      fc.property(
        // Each record put once (a record is let go once), in groups of any size, some larger than a run.
        fc.uniqueArray(fc.tuple(fc.nat(2000), fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 9000 }), fc.boolean()), {
          minLength: 1,
          maxLength: 200,
          selector: (p) => p[0],
        }),
        fc.integer(),
        (puts, seed) => {
          const spill = new RecordSpill();
          const want = new Map<number, string>();
          puts.forEach(([index, group, length, wide], n) => {
            const unit = wide ? `é€${n}` : `r${n}-`;
            const text = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
            spill.put('transaction', index, text, group);
            want.set(index, text);
          });
          spill.finish();
          const keys = [...want.keys()].sort((a, b) => ((a * 7919 + seed) % 2003) - ((b * 7919 + seed) % 2003));
          for (const index of keys) {
            expect(spill.has('transaction', index)).toBe(true);
            expect(spill.text('transaction', index, true)).toBe(want.get(index));
            expect(spill.text('transaction', index)).toBe(want.get(index));
          }
          spill.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes a group\'s records in runs: a group asked for alone is read a run at a time, not a read a record', () => {
    const spill = new RecordSpill();
    // 3,000 records of 200 characters in 300 groups (sessions), put interleaved: record i in group i % 300.
    const text = (i: number): string => `{"t":${i}}`.padEnd(200, ' ');
    for (let i = 0; i < 3000; i++) spill.put('transaction', i, text(i), i % 300);
    spill.finish();
    for (let g = 0; g < 300; g++) {
      for (let i = g; i < 3000; i += 300) expect(spill.text('transaction', i, true)).toBe(text(i));
    }
    // A group's ten records (2 kB) are one run, written when the capture ends, after the one before: a read of
    // 4 KiB from a group's first record holds the next group's run too.
    expect(spill.reads).toBe(150);
    spill.close();
  });

  it('holds the texts in memory when no temporary file can be made, and says why', () => {
    const spill = new RecordSpill('/nonexistent-msrpscope-dir/sub');
    expect(spill.failure).toBe('no such file');
    spill.put('message', 3, 'three');
    spill.put('transaction', 3, 'tx three');
    spill.put('transaction', 5, 'tx five', 2);
    spill.finish();
    expect(spill.text('transaction', 5, true)).toBe('tx five');
    expect(spill.text('message', 3)).toBe('three');
    expect(spill.text('transaction', 3)).toBe('tx three');
    expect(spill.text('message', 4)).toBeUndefined();
    expect(spill.count).toBe(3);
  });
});

function documentText(fold?: FoldOptions): { text: string; spill?: RecordSpill; store: Correlator } {
  const store = new Correlator({ keepPreviews: 'text', foldMessages: fold });
  const spill = fold === undefined ? undefined : new RecordSpill();
  const sink = spill === undefined ? undefined : spillSink(store.view(), spill);
  if (sink !== undefined) store.foldInto(sink);
  feedLongChat(store, 400);
  finishStore(store);
  const text = [...jsonDocumentChunks(store.view(), { version: 'test', spill })].join('');
  return { text, spill, store };
}

describe('--json with records written while the capture is read', () => {
  const plain = documentText();
  const folded = documentText({ keepFirst: 0, after: 20, records: true });

  it('writes the same document as a model that holds every record', () => {
    expect(folded.text).toBe(plain.text);
    const doc = JSON.parse(folded.text);
    // 400 messages and the notifications for the 49 CPIM messages sent 60 s or more before the end.
    expect(doc.messages).toHaveLength(400 + 49);
    expect(doc.summary.messages.total).toBe(449);
    // The repeated responses: the last chunk of every thirteenth message, 31 of them and 3 notifications (130, 221, 312).
    expect(doc.transactions.filter((t: { extraResponses: number }) => t.extraResponses === 1)).toHaveLength(34);
    expect(doc.summary.diagnostics['duplicate-response']).toBe(34);
  });

  it('let most records go while reading', () => {
    const view = folded.store.view();
    expect(view.messageTotal()).toBe(449);
    expect(view.messages().length).toBeLessThan(120);
    expect(view.transactionTotal()).toBe(plain.store.view().transactions().length);
    expect(view.transactions().length).toBeLessThan(view.transactionTotal() / 4);
    expect(folded.spill?.count).toBe(view.messageTotal() - view.messages().length + view.transactionTotal() - view.transactions().length);
  });

  it('never lets go a message a notification may still name: each notification is matched in the document', () => {
    const doc = JSON.parse(folded.text);
    const originals = doc.messages.filter((m: { cpim: { imdnMessageId: string } | null; imdn: unknown }) => m.cpim?.imdnMessageId?.startsWith('i') === true && m.imdn === null);
    expect(originals).toHaveLength(58);
    const acknowledged = originals.filter((m: { notifications: number[] }) => m.notifications.length === 1);
    expect(acknowledged).toHaveLength(49);
    // The CPIM messages were held (never folded) while the others went.
    const held = new Set(folded.store.view().messages().map((m) => m.messageId));
    for (const m of originals) expect(held.has(m.messageId)).toBe(true);
  });
});
