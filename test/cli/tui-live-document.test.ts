/**
 * The live viewer's document (src/cli/tui-mode.ts filteredLiveDocument): filtered like the snapshot of a
 * file, and filtered again only when the live document changed (the same object otherwise).
 */
import { describe, expect, it } from 'vitest';
import { filteredLiveDocument } from '../../src/cli/tui-mode.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { filterDocument } from '../../src/export/filter.js';
import { Correlator } from '../../src/model/correlator.js';
import { feedRequest, feedResponse, sendHeaders, tcpConn } from '../helpers/frames.js';

describe('filteredLiveDocument', () => {
  it('filters as the file snapshot does, and only when the document changed', () => {
    const store = new Correlator();
    const doc = filteredLiveDocument(store, { method: 'SEND' });
    const c = tcpConn(0);
    store.connectionOpened(c);
    feedRequest(store, c, 0, { tid: 't1', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-2/2' }), body: 'hi', frame: 2 });
    feedRequest(store, c, 0, { tid: 't2', method: 'NICKNAME', headers: sendHeaders({ id: 'x' }), frame: 3 });
    const d1 = doc.document();
    expect(JSON.stringify(d1)).toBe(JSON.stringify(filterDocument(buildJsonDocument(store.view()), { method: 'SEND' })));
    expect(d1.transactions.map((t) => t.method)).toEqual(['SEND']);
    expect(doc.document()).toBe(d1);
    feedResponse(store, c, 1, { tid: 't1', status: 200, frame: 4 });
    const d2 = doc.document();
    expect(d2).not.toBe(d1);
    expect(d2.transactions[0]!.state).toBe('answered');
    expect(doc.document()).toBe(d2);
    doc.close();
  });
});
