/**
 * One counting rule for the text summary: counted are frames that were on the wire in full (with their
 * end-line); a frame cut before its end-line is counted apart, as cut, on the Requests/Responses lines and
 * in the Transactions table alike. The JSON counts stay those of complete frames.
 */
import { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { filterDocument } from '../../src/export/filter.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { renderSummary, type SummaryInput } from '../../src/export/summary.js';
import { summaryInput } from '../../src/export/summary-input.js';
import type { Correlator } from '../../src/model/correlator.js';
import { cutCapture } from '../helpers/cut-capture.js';
import { CORPUS, runCapture } from '../helpers/run-pipeline.js';

const OPTS = { color: false, columns: 120 };

function countLines(out: string): string[] {
  return out.split('\n').filter((l) => l.startsWith('Requests: ') || l.startsWith('Responses: '));
}

/** The rows of the Transactions table, first column and count. */
function transactionRows(out: string): string[] {
  const lines = out.split('\n');
  const i = lines.indexOf('Transactions');
  const rows: string[] = [];
  for (const l of lines.slice(i + 2)) {
    if (l.trim() === '') break;
    const m = /^ {2}(.+?) {2,}(\d+) /.exec(l);
    if (m) rows.push(`${m[1]} ×${m[2]}`);
  }
  return rows;
}

describe('summary counts: a generated capture with a cut response and a cut request', () => {
  let store: Correlator;
  beforeAll(async () => {
    store = (await runCapture(Readable.from([cutCapture()]), { name: 'cut.pcap' })).store;
  });

  it('the Requests/Responses lines and the Transactions table count cut frames apart, the same way', () => {
    const doc = buildJsonDocument(store.view());
    for (const input of [doc, summaryInput(store.view())] as SummaryInput[]) {
      const out = renderSummary(input, OPTS);
      expect(countLines(out)).toEqual(['Requests: AUTH 2, SEND 1 (cut: SEND 1)', 'Responses: 200 1, 401 1 (cut: 423 1)']);
      expect(transactionRows(out)).toEqual(['AUTH → 401 ×1', 'AUTH → 423 (cut) ×1', 'SEND (cut) → none ×1', 'SEND → 200 ×1']);
    }
  });

  it('the JSON counts stay those of complete frames, cut ones under summary.truncated', () => {
    const s = buildJsonDocument(store.view()).summary;
    expect(s.requests).toEqual({ SEND: 1, AUTH: 2 });
    expect(s.responses).toEqual({ '200': 1, '401': 1 });
    expect(s.truncated).toEqual({ requests: { SEND: 1 }, responses: { '423': 1 }, messages: 1 });
  });

  it('a filtered summary recounts by the same rule', () => {
    const doc = filterDocument(buildJsonDocument(store.view()), { method: 'AUTH' });
    expect(doc.summary.responses).toEqual({ '401': 1 });
    expect(doc.summary.truncated.responses).toEqual({ '423': 1 });
    const out = renderSummary(doc, OPTS);
    expect(countLines(out)).toEqual(['Requests: AUTH 2', 'Responses: 401 1 (cut: 423 1)']);
    expect(transactionRows(out)).toEqual(['AUTH → 401 ×1', 'AUTH → 423 (cut) ×1']);
  });
});

describe.skipIf(!existsSync(`${CORPUS}/relay_abort_fail.pcap`))('summary counts: relay_abort_fail.pcap', () => {
  it('the 423 cut before its end-line is counted apart on the Responses line and in the table', async () => {
    const { store } = await runCapture(`${CORPUS}/relay_abort_fail.pcap`);
    const out = renderSummary(summaryInput(store.view()), OPTS);
    expect(countLines(out)).toEqual([
      'Requests: AUTH 7, NICKNAME 1, REPORT 3, SEND 21',
      'Responses: 200 20, 401 4, 415 1, 481 2, 501 1 (cut: 423 1)',
    ]);
    expect(transactionRows(out)).toEqual([
      'AUTH → 200 ×2',
      'AUTH → 401 ×4',
      'AUTH → 423 (cut) ×1',
      'NICKNAME → 501 ×1',
      'REPORT → - ×3',
      'SEND → 200 ×18',
      'SEND → 415 ×1',
      'SEND → 481 ×2',
    ]);
  });
});
