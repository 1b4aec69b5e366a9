import { describe, expect, it } from 'vitest';
import { buildJsonDocument, documentSections, sectionItems, writeJsonDocument } from '../../src/export/json.js';
import { isoTime } from '../../src/model/frame-time.js';
import { Correlator } from '../../src/model/correlator.js';
import { feedRequest, feedResponse, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

function storeWith(messages: number): Correlator {
  const store = new Correlator();
  const c = tcpConn(0, '10.0.0.1:40000', '10.1.0.1:2855');
  for (let i = 0; i < messages; i++) {
    const tid = `t${String(i).padStart(7, '0')}`;
    const body = `message "${i}" \\ ${'x'.repeat(i % 50)}\n`;
    feedRequest(store, c, 0, { tid, method: 'SEND', headers: sendHeaders({ id: `msg${String(i).padStart(5, '0')}`, range: `1-${body.length}/${body.length}`, type: 'text/plain' }), body, frame: 2 * i + 1, ms: i * 10 });
    feedResponse(store, c, 1, { tid, status: 200, comment: 'OK', frame: 2 * i + 2, ms: i * 10 + 1.5 });
  }
  finishStore(store);
  return store;
}

describe('sectionItems of documentSections', () => {
  it('makes the records of a list section one by one, equal to the document\'s', () => {
    const store = storeWith(30);
    const doc = buildJsonDocument(store.view());
    for (const key of ['sessions', 'messages', 'transactions'] as const) {
      const made = [...sectionItems(documentSections(store.view())[key])];
      expect(made.length).toBe(doc[key].length);
      expect(made).toEqual(doc[key]);
    }
    expect([...sectionItems(documentSections(store.view()).messages)]).toHaveLength(30);
    expect([...sectionItems(documentSections(store.view()).transactions)]).toHaveLength(30);
  });
});

describe('writeJsonDocument', () => {
  it('streams exactly JSON.stringify of the document, for every indentation', () => {
    const store = storeWith(40);
    const whole = buildJsonDocument(store.view(), { version: '9.9.9' });
    for (const indent of [0, 1, 2, 3, 4, 7, 10]) {
      const parts: string[] = [];
      writeJsonDocument(store.view(), (s) => parts.push(s), { version: '9.9.9', indent });
      expect(parts.join('')).toBe(JSON.stringify(whole, null, indent));
    }
  });

  it('writes records in batches: a few large pieces, at least one per section', () => {
    const store = storeWith(1500);
    const parts: string[] = [];
    writeJsonDocument(store.view(), (s) => parts.push(s), { version: '1' });
    const text = parts.join('');
    expect(text).toBe(JSON.stringify(buildJsonDocument(store.view(), { version: '1' }), null, 2));
    // 4 head entries, 7 lists, the opening and the closing brace at least; far fewer than 3000 records.
    expect(parts.length).toBeGreaterThanOrEqual(13);
    expect(parts.length).toBeLessThan(200);
    // No piece grows much past a batch (one record more at most).
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(64 * 1024 + 20_000);
  });
});

describe('isoTime', () => {
  it('stays right when seconds alternate (the last second formatted is remembered)', () => {
    const times = [1_764_064_800, 1_764_064_801, 1_764_064_800, 0, -1, 1_764_064_800, Number.NaN, 1e20, 1_764_064_801];
    for (const tsSec of times) {
      const expected = Number.isFinite(tsSec * 1000) && Math.abs(tsSec * 1000) <= 8.64e15 ? new Date(tsSec * 1000).toISOString().slice(0, 19) : '1970-01-01T00:00:00';
      expect(isoTime({ frame: 1, tsSec, tsNsec: 5_000 }, 6)).toBe(`${expected}.000005Z`);
      expect(isoTime({ frame: 1, tsSec, tsNsec: 0 }, 0)).toBe(`${expected}Z`);
    }
  });
});
