/**
 * export/model-index.ts: the record index `--ladder` and `--html` draw from without building the document.
 * For every sample and corpus capture (decrypted where a key log comes with it) it answers every lookup with
 * the records of the JSON document, and the ladders and the report drawn from it are the document's, byte for
 * byte. Records are made for the scope being drawn and not kept past it.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';
import { buildJsonDocument, documentFromSections } from '../../src/export/json.js';
import { modelIndex } from '../../src/export/model-index.js';
import { selectionOfScope, type WriteScope } from '../../src/export/frame-selection.js';
import { indexDocument, type LadderMessage, type LadderTransaction, type RecordIndex, type RowMessage, type RowTransaction } from '../../src/export/record-index.js';
import { filteredSections, type RecordFilter } from '../../src/export/filter.js';
import type { JsonDocument, JsonMessage, JsonTransaction } from '../../src/export/json-types.js';
import { documentLadderText, ladderTextBlocks } from '../../src/format/ladder-text.js';
import { writeHtmlReport } from '../../src/report/html.js';
import { CHAT } from '../tui/fixtures.js';
import { analysedWithKeys } from '../helpers/run-pipeline.js';

const CAPTURES = (captureList() as Array<{ name: string; file: string; keys: string | null }>).filter((c) => existsSync(c.file));

function html(source: Parameters<typeof writeHtmlReport>[0]): string {
  let out = '';
  writeHtmlReport(source, (s) => (out += s));
  return out;
}

/** The filters a filtered model index is checked with: a method, a connection, message states and delivery. */
const FILTERS: RecordFilter[] = [{ method: 'SEND' }, { method: 'AUTH' }, { connection: 0 }, { states: ['aborted', 'incomplete'] }, { delivery: ['failed'] }];

/** What a ladder reads of a transaction record, picked field by field (LadderTransaction). */
function ladderFields(t: JsonTransaction): LadderTransaction {
  const { request: q, response: r } = t;
  return {
    id: t.id,
    connection: t.connection,
    transactionId: t.transactionId,
    method: t.method,
    from: t.from,
    to: t.to,
    state: t.state,
    expects: t.expects,
    request: q === null ? null : { direction: q.direction, at: q.at, bodyLength: q.bodyLength, flag: q.flag, truncated: q.truncated },
    response: r === null ? null : { direction: r.direction, status: r.status, comment: r.comment, at: r.at, truncated: r.truncated },
    rttMs: t.rttMs,
    toPath: t.toPath,
    fromPath: t.fromPath,
    byteRange: t.byteRange,
    status: t.status,
    message: t.message,
  };
}

/** What a ladder reads of a message record (LadderMessage). */
function messageLadderFields(m: JsonMessage): LadderMessage {
  return {
    messageId: m.messageId,
    size: m.size,
    state: m.state,
    legs: m.legs.map((l) => ({ connection: l.connection, direction: l.direction, chunks: l.chunks, bytes: l.bytes, total: l.total, state: l.state })),
    delivery: { state: m.delivery.state, code: m.delivery.code, latencyMs: m.delivery.latencyMs },
  };
}

/** Every lookup, `w` selection, ladder and report of the model index equal the document's. */
function expectSameAnswers(mx: RecordIndex, doc: JsonDocument): void {
  const dx = indexDocument(doc);
  const { messages, transactions, ...head } = doc;
  expect(mx.head).toEqual(head);
  expect(mx.messageCount).toBe(messages.length);
  expect([...mx.messages()]).toEqual(messages);
  expect([...mx.transactions()]).toEqual(transactions);
  expect(mx.looseConnections).toEqual(dx.looseConnections);
  // The ladders' lists hold only the fields a ladder reads (the document's index gives the records themselves).
  const ladderList = (l: readonly LadderTransaction[]): LadderTransaction[] => l.map((t) => ladderFields(t as JsonTransaction));
  let listedTx = 0;
  for (const s of doc.sessions) {
    expect(mx.sessionTransactions(s.id)).toEqual(ladderList(dx.sessionTransactions(s.id)));
    expect(mx.sessionMessages(s.id)).toEqual(dx.sessionMessages(s.id));
    listedTx += mx.sessionTransactions(s.id).length;
  }
  for (const conn of dx.looseConnections) {
    expect(mx.looseTransactions(conn)).toEqual(ladderList(dx.looseTransactions(conn)));
    listedTx += mx.looseTransactions(conn).length;
  }
  expect(listedTx).toBe(transactions.length);
  for (const t of transactions) expect(mx.ladderTransaction(t.id)).toEqual(ladderFields(t));
  for (const m of messages) {
    expect(mx.ladderMessage(m.id)).toEqual(messageLadderFields(m));
    expect(mx.message(m.id)).toEqual(m);
    expect(mx.messageTransactions(m.id)).toEqual(dx.messageTransactions(m.id));
    expect(mx.messageTransactionCount(m.id)).toBe(dx.messageTransactions(m.id).length);
  }
  for (const t of transactions) expect(mx.transaction(t.id)).toEqual(t);
  // Ids past the last record (with a filter, ids of records it left out are not found either: see below).
  const past = (ids: number[]): number => ids.reduce((a, b) => Math.max(a, b), -1) + 1;
  for (const id of [-1, 0.5, past(messages.map((m) => m.id))]) expect(mx.message(id)).toBeUndefined();
  for (const id of [-1, 0.5, past(messages.map((m) => m.id))]) expect(mx.ladderMessage(id)).toBeUndefined();
  for (const id of [-1, 0.5, past(transactions.map((t) => t.id))]) {
    expect(mx.transaction(id)).toBeUndefined();
    expect(mx.ladderTransaction(id)).toBeUndefined();
  }
  const keptTx = new Set(transactions.map((t) => t.id));
  for (let id = 0; id < past(transactions.map((t) => t.id)); id++) {
    if (keptTx.has(id)) continue;
    expect(mx.transaction(id)).toBeUndefined();
    expect(mx.ladderTransaction(id)).toBeUndefined();
  }
  // The transaction a frame belongs to (the diagnostics view's "where it leads"): every frame a transaction
  // starts or ends in, a frame between, and one past the last, on its connection and on another.
  let located = 0;
  for (const t of transactions) {
    const frames = [t.request?.at.frame, t.request?.lastFrame, t.response?.at.frame, t.response?.lastFrame].filter((f): f is number => f !== undefined);
    for (const f of [...frames, Math.max(...frames) + 1]) {
      for (const c of [t.connection, t.connection + 1]) {
        const first = transactions.find((x) => x.connection === c && [x.request, x.response].some((p) => p !== null && f >= p.at.frame && f <= p.lastFrame));
        expect(mx.frameTransaction(c, f)).toBe(first?.id);
        expect(dx.frameTransaction(c, f)).toBe(first?.id);
        if (first !== undefined) located++;
      }
    }
  }
  if (transactions.length > 0) expect(located).toBeGreaterThanOrEqual(transactions.length);
  for (const a of doc.auth) {
    expect(mx.connectionAuths(a.connection)).toEqual(dx.connectionAuths(a.connection));
    expect(mx.authsByClient(a.client)).toEqual(dx.authsByClient(a.client));
  }
  // What the viewer's `w` writes of a session, a connection or a message.
  const scopes: WriteScope[] = [
    ...doc.sessions.map((x): WriteScope => ({ kind: 'session', session: x.id })),
    ...doc.connections.map((x): WriteScope => ({ kind: 'connection', connection: x.id })),
    ...messages.map((x): WriteScope => ({ kind: 'message', message: x.id })),
  ];
  for (const scope of scopes) expect(selectionOfScope(mx, scope)).toEqual(selectionOfScope(doc, scope));
  // What --ladder and --html write from it.
  const blocks = [...ladderTextBlocks(mx)];
  expect(blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`).toBe(documentLadderText(doc));
  expect(html(mx)).toBe(html(doc));
}

describe('the model index answers as the document does', () => {
  it.each(CAPTURES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const model = await analysedWithKeys(c.file, c.keys, { keepPreviews: 'text' });
    expectSameAnswers(modelIndex(model.view()), buildJsonDocument(model.view()));
  });

  it.each(CAPTURES.map((c) => [c.name, c] as const))('%s, filtered: as the filtered document', async (_name, c) => {
    const model = await analysedWithKeys(c.file, c.keys, { keepPreviews: 'text' });
    for (const f of FILTERS) expectSameAnswers(modelIndex(model.view(), f), documentFromSections(filteredSections(model.view(), f)));
    // An empty filter is no filter.
    expect([...modelIndex(model.view(), {}).transactions()]).toEqual(buildJsonDocument(model.view()).transactions);
  });

  it.each(CAPTURES.map((c) => [c.name, c] as const))('%s: the session list\'s fields of every record, made without the records', async (_name, c) => {
    const model = await analysedWithKeys(c.file, c.keys, { keepPreviews: 'text' });
    const doc = buildJsonDocument(model.view());
    const dx = indexDocument(doc);
    const mx = modelIndex(model.view());
    const pickMessage = (m: RowMessage): RowMessage => ({
      messageId: m.messageId,
      from: m.from,
      contentType: m.contentType,
      state: m.state,
      delivery: { state: m.delivery.state },
      cpim: m.cpim === null ? null : { from: m.cpim.from, to: m.cpim.to, contentType: m.cpim.contentType },
      file: m.file === null ? null : { selector: { name: m.file.selector.name } },
    });
    const pickTransaction = (t: RowTransaction): RowTransaction => ({
      connection: t.connection,
      state: t.state,
      response: t.response === null ? null : { status: t.response.status },
      toPath: t.toPath,
      fromPath: t.fromPath,
      status: t.status === null ? null : { code: t.status.code },
    });
    let n = 0;
    for (const s of doc.sessions) {
      expect(mx.rowMessages(s.id)).toEqual(dx.rowMessages(s.id).map(pickMessage));
      expect(mx.rowTransactions(s.id)).toEqual(dx.rowTransactions(s.id).map(pickTransaction));
      n += dx.rowMessages(s.id).length + dx.rowTransactions(s.id).length;
    }
    expect(n).toBe(doc.messages.filter((m) => m.session !== null).length + doc.transactions.filter((t) => t.session !== null).length);
  });

  // --ladder reads no preview (outputs/ladder.ts keeps none): its ladders are the same without them.
  it.each(CAPTURES.map((c) => [c.name, c] as const))('%s: the ladders of a model that kept no preview', async (_name, c) => {
    const withPreviews = await analysedWithKeys(c.file, c.keys, { keepPreviews: 'text' });
    const without = await analysedWithKeys(c.file, c.keys, { keepPreviews: false });
    const blocks = [...ladderTextBlocks(modelIndex(without.view()))];
    expect(blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`).toBe(documentLadderText(buildJsonDocument(withPreviews.view())));
  });

  it('keeps no preview when asked not to (what the ladders above were drawn without)', async () => {
    const previews = async (keep: false | 'text'): Promise<Array<string | null>> => {
      const model = await analysedWithKeys(CHAT, null, { keepPreviews: keep });
      return buildJsonDocument(model.view()).messages.map((m) => m.preview);
    };
    expect(await previews('text')).toEqual(['Hello Bob! Are you there?', 'Hi Alice — yes, here. Send the photo?', 'Sending now:\\r\\n-------notours$\\r\\nok', null]);
    expect(await previews(false)).toEqual([null, null, null, null]);
  });

  it('keeps the records it made only while their scope is the one drawn', async () => {
    const model = await analysedWithKeys(CHAT, null, { keepPreviews: 'text' });
    const mx = modelIndex(model.view());
    const txs = mx.sessionTransactions(0);
    expect(txs.length).toBe(8);
    const first = txs[0]!;
    const record = mx.transaction(first.id)!;
    expect(record.request?.headers.length).toBe(6);
    // The same scope: the same records (the ladder code compares and looks up records it was given).
    expect(mx.ladderTransaction(first.id)).toBe(first);
    expect(mx.transaction(first.id)).toBe(record);
    expect(mx.sessionMessages(0).length).toBe(4);
    expect(mx.sessionTransactions(0)[0]).toBe(first);
    // The ladder's fields of a transaction carry no headers.
    expect(Object.keys(first.request ?? {})).toEqual(['direction', 'at', 'bodyLength', 'flag', 'truncated']);
    // Another scope: made anew, equal but not the same object (the first scope's records are let go).
    expect(mx.looseTransactions(7)).toEqual([]);
    const again = mx.ladderTransaction(first.id);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(mx.transaction(first.id)).not.toBe(record);
    expect(mx.transaction(first.id)).toEqual(record);
  });
});
