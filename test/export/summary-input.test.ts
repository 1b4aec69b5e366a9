import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildJsonDocument } from '../../src/export/json.js';
import { renderSummary } from '../../src/export/summary.js';
import { summaryInput } from '../../src/export/summary-input.js';
import { Correlator } from '../../src/model/correlator.js';
import { CORPUS, HAVE_CORPUS, runCapture } from '../helpers/run-pipeline.js';
import { feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

/** The summary from the store directly must be the summary of the whole document, in every layout. */
function expectSameSummary(store: Correlator): void {
  const doc = buildJsonDocument(store.view());
  const light = summaryInput(store.view());
  expect(light.messages.length).toBe(doc.messages.length);
  // The transactions come grouped from the model's tally, which counts every one of them.
  let grouped = 0;
  for (const g of light.transactionGroups ?? []) grouped += g.count;
  expect(grouped).toBe(doc.transactions.length);
  for (const opts of [{ color: false, columns: 120 }, { color: true, columns: 60 }, { color: false, columns: 200, maxRows: 2 }]) {
    expect(renderSummary(light, opts)).toBe(renderSummary(doc, opts));
  }
}

describe('summaryInput', () => {
  it('a store fed by hand: answered, unanswered and REPORT transactions, one message', () => {
    const store = new Correlator();
    const c = tcpConn(0, '10.0.0.1:40000', '10.1.0.1:2855');
    feedRequest(store, c, 0, { tid: 'aaaa0001', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-*/*', type: 'text/plain' }), body: 'hello ', flag: '+', frame: 3, ms: 10 });
    feedResponse(store, c, 1, { tid: 'aaaa0001', status: 200, comment: 'OK', frame: 4, ms: 11.25 });
    feedRequest(store, c, 0, { tid: 'aaaa0002', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '7-11/11', type: 'text/plain' }), body: 'world', frame: 5, ms: 20 });
    feedRequest(store, c, 1, { tid: 'aaaa0003', method: 'REPORT', headers: reportHeaders({ id: 'm1', range: '1-11/11', status: '000 200 OK' }), frame: 6, ms: 30.5 });
    feedResponse(store, c, 1, { tid: 'zzzz0009', status: 481, comment: 'No session', frame: 7, ms: 31 });
    finishStore(store);
    // Groups in order of first sight (the first SEND was unanswered until its response came).
    const groups = (summaryInput(store.view()).transactionGroups ?? []).filter((g) => g.count > 0);
    expect(groups.map((g) => [g.method, g.status, g.unansweredGroup, g.count, g.unanswered, g.rtts.values()])).toEqual([
      ['SEND', null, true, 1, 1, []],
      ['SEND', 200, false, 1, 0, [1.25]],
      ['REPORT', null, false, 1, 0, []],
      [null, 481, false, 1, 0, []],
    ]);
    expect(store.view().transactionTally().states).toEqual({ answered: 1, unanswered: 1, noResponseExpected: 1, orphanResponses: 1 });
    expectSameSummary(store);
  });

  it.skipIf(!existsSync(SAMPLES))('the bundled samples', async () => {
    for (const f of readdirSync(SAMPLES).filter((n) => /\.pcap(ng)?$/.test(n))) expectSameSummary((await runCapture(`${SAMPLES}${f}`)).store);
  });

  it.skipIf(!existsSync(SAMPLES))('the samples read as --summary reads them: transactions and previews not kept', async () => {
    for (const f of readdirSync(SAMPLES).filter((n) => /\.pcap(ng)?$/.test(n))) {
      const full = (await runCapture(`${SAMPLES}${f}`)).store;
      const lean = (await runCapture(`${SAMPLES}${f}`, { retainTransactions: false, keepPreviews: false })).store;
      expect(lean.view().transactions()).toHaveLength(0);
      const doc = buildJsonDocument(full.view());
      expect(buildJsonDocument(lean.view()).summary).toEqual(doc.summary);
      for (const opts of [{ color: false, columns: 120 }, { color: false, columns: 200, maxRows: 2 }]) {
        expect(renderSummary(summaryInput(lean.view()), opts)).toBe(renderSummary(doc, opts));
      }
    }
  });

  it.skipIf(!HAVE_CORPUS)('every corpus capture', async () => {
    for (const f of readdirSync(CORPUS).filter((n) => /\.pcap(ng)?$/.test(n))) expectSameSummary((await runCapture(`${CORPUS}/${f}`)).store);
  }, 60_000);
});
