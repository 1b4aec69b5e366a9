/**
 * The unfiltered live viewer's records (src/cli/tui-mode.ts liveModelIndex): every sample and corpus capture is
 * read in small pieces, and at a spread of batches (as the TUI redraws while reading) and at the end, what the
 * live index answers (the document's head, every record, the session list, every ladder) equals what the whole
 * JSON document of that moment gives.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';
import { liveModelIndex } from '../../src/cli/tui-mode.js';
import { KeyRing } from '../../src/cli/keylog.js';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument } from '../../src/export/json.js';
import type { JsonDocument } from '../../src/export/json-types.js';
import { indexDocument, type RecordIndex } from '../../src/export/record-index.js';
import { documentLadderText } from '../../src/format/ladder-text.js';
import { rowHaystack, SessionRowCache, sessionRows } from '../../src/format/session-list.js';
import { messageRowCode, messageRowJson, transactionRowCode, transactionRowJson } from '../../src/export/records.js';
import { modelIndex } from '../../src/export/model-index.js';
import { Correlator } from '../../src/model/correlator.js';
import { HAVE_CORPUS } from '../helpers/run-pipeline.js';
import { feedRequest, feedResponse, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The capture's bytes in pieces of 40..400 bytes (a fixed pseudo-random sequence). */
function pieces(data: Buffer, seed: number): Readable {
  let x = seed >>> 0 || 1;
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = 40 + ((x >>> 0) % 361);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return Readable.from(out);
}

/** What the viewer reads from the index, as text: head, records, session list (through the viewer's row cache, if given; and each row's haystack) and ladders. */
function drawn(ix: RecordIndex, cache?: SessionRowCache): string[] {
  const h = ix.head;
  const rows = sessionRows(ix, cache);
  return [
    JSON.stringify([h.capture, h.summary, h.connections, h.sessions, h.auth, h.sip, h.diagnostics]),
    JSON.stringify([...ix.messages()]),
    JSON.stringify([...ix.transactions()]),
    // With the text the free-text filter searches in each row.
    JSON.stringify(rows.map((r) => [r, rowHaystack(ix, r)])),
    documentLadderText(ix, rows.map((r) => r.scope)),
  ];
}

function expectSameView(live: RecordIndex, doc: JsonDocument, where: string, cache?: SessionRowCache): void {
  const a = drawn(live, cache);
  const b = drawn(indexDocument(doc));
  const parts = ['head', 'messages', 'transactions', 'session list', 'ladders'];
  a.forEach((x, i) => {
    if (x === b[i]) return;
    let k = 0;
    while (k < x.length && x[k] === b[i]![k]) k++;
    expect(`${where} ${parts[i]}: …${x.slice(Math.max(0, k - 60), k + 60)}`).toBe(`${where} ${parts[i]}: …${b[i]!.slice(Math.max(0, k - 60), k + 60)}`);
  });
}

describe('liveModelIndex answers as the document of the same moment', () => {
  const all = captureList() as Array<{ name: string; file: string; keys: string | null; shared: boolean }>;
  for (const c of all) {
    it.skipIf(c.shared && !HAVE_CORPUS)(c.name, async () => {
      const store = new Correlator();
      const live = liveModelIndex(store);
      // The list view's row cache lives across redraws: rows it keeps must be the rows of that moment.
      const cache = new SessionRowCache();
      const ring = new KeyRing((d) => store.diagnostic(d));
      if (c.keys !== null) ring.addFile(path.join(ROOT, c.keys), false);
      const data = readFileSync(path.join(ROOT, c.file));
      // Every batch asks for the index; it is compared at batches 1, 3, 6, 11, 18, ... (each point half again
      // further than the last), so small captures are checked often and large ones a dozen times or so.
      let next = 1;
      let batches = 0;
      let checks = 0;
      try {
        await runPipeline({
          sources: [{ name: c.file, input: pieces(data, c.name.length * 7919) }],
          model: store,
          keys: ring,
          onProgress: () => {
            batches++;
            const ix = live.document();
            if (batches < next) return;
            next = Math.ceil(next * 1.5) + 1;
            checks++;
            expectSameView(ix, buildJsonDocument(store.view()), `${c.name} batch ${batches}`, cache);
          },
        });
      } finally {
        ring.close();
      }
      const end = live.document();
      expectSameView(end, buildJsonDocument(store.view()), `${c.name} end`, cache);
      // Nothing changed since: a new index's rows all come from the cache, and are the document's.
      const sessions = end.head.sessions.length;
      expectSameView(modelIndex(store.view()), buildJsonDocument(store.view()), `${c.name} again`, cache);
      expect([cache.made, cache.kept]).toEqual([0, sessions]);
      // Read whole and nothing new: the same index, so the viewer's caches hold.
      expect(live.document()).toBe(end);
      live.close();
      expect(batches).toBeGreaterThan(5);
      expect(checks).toBeGreaterThan(3);
    }, 120_000);
  }
});

describe('the row codes change whenever what a session row reads of a record does', () => {
  const all = captureList() as Array<{ name: string; file: string; keys: string | null; shared: boolean }>;
  for (const c of all) {
    it.skipIf(c.shared && !HAVE_CORPUS)(c.name, async () => {
      const store = new Correlator();
      const ring = new KeyRing((d) => store.diagnostic(d));
      if (c.keys !== null) ring.addFile(path.join(ROOT, c.keys), false);
      // Per record: its code and its row (as JSON) at the last batch.
      const messages = new Map<object, [number, string]>();
      const transactions = new Map<object, [number, string]>();
      let changed = 0;
      const track = <R extends object>(seen: Map<object, [number, string]>, records: readonly R[], code: (r: R) => number, row: (r: R) => unknown): void => {
        for (const r of records) {
          const now: [number, string] = [code(r), JSON.stringify(row(r))];
          const was = seen.get(r);
          if (was !== undefined && was[0] === now[0]) expect(now[1]).toBe(was[1]);
          else if (was !== undefined) changed++;
          seen.set(r, now);
        }
      };
      const check = (): void => {
        track(messages, store.view().messages(), messageRowCode, messageRowJson);
        track(transactions, store.view().transactions(), transactionRowCode, transactionRowJson);
      };
      try {
        await runPipeline({ sources: [{ name: c.file, input: pieces(readFileSync(path.join(ROOT, c.file)), c.name.length * 104729) }], model: store, keys: ring, onProgress: check });
      } finally {
        ring.close();
      }
      check();
      expect(messages.size + transactions.size).toBe(store.view().messages().length + store.view().transactions().length);
      // Records do change between batches (a response comes, a message completes): the codes saw it.
      if (store.view().transactions().some((t) => t.response !== undefined && t.request !== undefined)) expect(changed).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('SessionRowCache', () => {
  it('keeps a row while its session record and revision are the same, and makes it again when either changes', async () => {
    const store = new Correlator();
    await runPipeline({ sources: [{ name: 'chat', input: path.join(ROOT, 'samples/chat.pcap') }], model: store, keys: new KeyRing(() => {}) });
    const dx = indexDocument(buildJsonDocument(store.view()));
    let revision = [1, -2];
    const ix: RecordIndex = { ...dx, rowRevision: () => revision };
    const cache = new SessionRowCache();
    const first = sessionRows(ix, cache);
    expect([cache.made, cache.kept]).toEqual([1, 0]);
    const again = sessionRows(ix, cache);
    expect([cache.made, cache.kept]).toEqual([0, 1]);
    expect(again[0]).toBe(first[0]);
    // A record changed (its code, or a record came or went): the row is made again.
    revision = [1, -3];
    expect(sessionRows(ix, cache)[0]).not.toBe(first[0]);
    expect([cache.made, cache.kept]).toEqual([1, 0]);
    revision = [1, -3, 128];
    sessionRows(ix, cache);
    expect([cache.made, cache.kept]).toEqual([1, 0]);
    // Its session record changed.
    const s = dx.head.sessions[0]!;
    const moved: RecordIndex = { ...ix, head: { ...dx.head, sessions: [{ ...s, bytes: s.bytes + 1 }] } };
    sessionRows(moved, cache);
    expect([cache.made, cache.kept]).toEqual([1, 0]);
    sessionRows(moved, cache);
    expect([cache.made, cache.kept]).toEqual([0, 1]);
    // A document's index gives no revision: no row is kept.
    sessionRows(dx, cache);
    expect(cache.kept).toBe(0);
  });
});

describe('liveModelIndex follows the model', () => {
  it('a new index while reading and after an event; the same one once read and unchanged; none after close', () => {
    const store = new Correlator();
    const live = liveModelIndex(store);
    const c = tcpConn(0);
    store.connectionOpened(c);
    feedRequest(store, c, 0, { tid: 't1', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-2/2' }), body: 'hi', frame: 2 });
    const a = live.document();
    // Still reading: packet counts move without events, so each redraw gets a new index.
    expect(live.document()).not.toBe(a);
    expect([...live.document().transactions()].map((t) => [t.method, t.state])).toEqual([['SEND', 'unanswered']]);
    feedResponse(store, c, 1, { tid: 't1', status: 200, frame: 3 });
    expect([...live.document().transactions()].map((t) => [t.method, t.state, t.response?.status])).toEqual([['SEND', 'answered', 200]]);
    finishStore(store);
    const b = live.document();
    expect(live.document()).toBe(b);
    feedRequest(store, c, 0, { tid: 't2', method: 'SEND', headers: sendHeaders({ id: 'm2', range: '1-2/2' }), body: 'ho', frame: 3 });
    const d = live.document();
    expect(d).not.toBe(b);
    expect([...d.transactions()].map((t) => t.messageId)).toEqual(['m1', 'm2']);
    live.close();
    feedRequest(store, c, 0, { tid: 't3', method: 'SEND', headers: sendHeaders({ id: 'm3', range: '1-2/2' }), body: 'hu', frame: 4 });
    expect(live.document()).toBe(d);
  });
});
