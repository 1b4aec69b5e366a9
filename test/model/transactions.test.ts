import { describe, expect, it } from 'vitest';
import { Correlator } from '../../src/model/correlator.js';
import type { FrameRef } from '../../src/capture/types.js';
import type { MessageRecord } from '../../src/model/messages.js';
import { messageIndexOf, PendingRequests, transactionState, type TransactionRecord } from '../../src/model/transactions.js';
import { ALICE, BOB, feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';

function codes(store: Correlator): string[] {
  return store.view().diagnostics().map((d) => d.code);
}

describe('transactions', () => {
  it('matches a response to its request by transaction id in the other direction, with the RTT', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'a1b2c3d4', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-5/5', type: 'text/plain' }), body: 'hello', frame: 3, ms: 10 });
    feedResponse(store, c, 1, { tid: 'a1b2c3d4', status: 200, comment: 'OK', frame: 4, ms: 12.5 });
    finishStore(store);
    expect(store.view().transactions()).toHaveLength(1);
    const t = store.view().transactions()[0]!;
    expect(t.request?.method).toBe('SEND');
    expect(t.response?.status).toBe(200);
    expect(t.response?.rttMs).toBeCloseTo(2.5, 6);
    expect(transactionState(t)).toBe('answered');
    expect(codes(store)).toEqual([]);
    expect(store.view().counts().requests.get('SEND')).toBe(1);
    expect(store.view().counts().responses.get(200)).toBe(1);
  });

  it('does not match a response travelling in the same direction as the request', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'same1234', method: 'AUTH', headers: [['To-Path', BOB], ['From-Path', ALICE]], frame: 1 });
    feedResponse(store, c, 0, { tid: 'same1234', status: 200, frame: 2 });
    finishStore(store);
    const [req, resp] = store.view().transactions();
    expect(transactionState(req!)).toBe('unanswered');
    expect(transactionState(resp!)).toBe('orphan-response');
    expect(codes(store).sort()).toEqual(['no-response', 'response-without-request']);
  });

  it('keeps transactions of different connections apart', () => {
    const store = new Correlator();
    const c0 = tcpConn(0);
    const c1 = tcpConn(1);
    feedRequest(store, c0, 0, { tid: 'dup12345', method: 'SEND', headers: sendHeaders({ id: 'x', range: '1-1/1' }), body: 'x', frame: 1, ms: 1 });
    feedRequest(store, c1, 0, { tid: 'dup12345', method: 'SEND', headers: sendHeaders({ id: 'x', range: '1-1/1' }), body: 'x', frame: 2, ms: 2 });
    feedResponse(store, c1, 1, { tid: 'dup12345', status: 481, frame: 3, ms: 5 });
    finishStore(store);
    const [t0, t1] = store.view().transactions();
    expect(t0!.response).toBeUndefined();
    expect(t1!.response?.status).toBe(481);
    expect(t1!.response?.rttMs).toBeCloseTo(3, 6);
    expect(codes(store)).toEqual(['no-response']);
    expect(store.view().diagnostics()[0]!.connection).toBe(0);
  });

  it('flags unanswered requests that expect a response, once, when the connection closes', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'auth0001', method: 'AUTH', headers: [['To-Path', 'msrp://r:2865;tcp'], ['From-Path', ALICE]], frame: 7 });
    store.connectionClosed(c, 'fin');
    // Settled by settleClosed() for another connection (the pipeline calls it before each input), or at finish.
    expect(codes(store)).toEqual([]);
    finishStore(store);
    expect(codes(store)).toEqual(['no-response']);
    expect(store.view().diagnostics()[0]!.frame).toBe(7);
  });

  it('settles a closed connection when the pipeline passes on input for another one, not for itself', () => {
    const store = new Correlator();
    const c0 = tcpConn(0);
    const c1 = tcpConn(1);
    const closed: number[] = [];
    store.onEvent((e) => {
      if (e.type === 'connection' && e.event === 'closed') closed.push(e.connection.id);
    });
    feedRequest(store, c0, 0, { tid: 'auth0001', method: 'AUTH', headers: [['To-Path', 'msrp://r:2865;tcp'], ['From-Path', ALICE]], frame: 7 });
    store.connectionClosed(c0, 'rst');
    // Frames flushed at close still belong to the connection: it stays open in the model.
    store.settleClosed(c0.id);
    expect(codes(store)).toEqual([]);
    expect(closed).toEqual([]);
    store.settleClosed(c1.id);
    expect(codes(store)).toEqual(['no-response']);
    expect(closed).toEqual([0]);
    // Settled once.
    store.settleClosed(c1.id);
    finishStore(store);
    expect(codes(store)).toEqual(['no-response']);
    expect(closed).toEqual([0]);
  });

  it('a REPORT never expects a response and a response to one is diagnosed', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 1, { tid: 'rep00001', method: 'REPORT', headers: reportHeaders({ id: 'm1', range: '1-5/5', status: '000 200 OK' }), frame: 1 });
    feedRequest(store, c, 1, { tid: 'rep00002', method: 'REPORT', headers: reportHeaders({ id: 'm2', range: '1-5/5', status: '000 200 OK' }), frame: 2 });
    feedResponse(store, c, 0, { tid: 'rep00002', status: 200, frame: 3 });
    finishStore(store);
    const [r1, r2] = store.view().transactions();
    expect(r1!.expects).toBe('none');
    expect(transactionState(r1!)).toBe('no-response-expected');
    expect(r2!.response?.status).toBe(200);
    expect(codes(store).filter((c) => c !== 'report-without-message')).toEqual(['response-to-report']);
  });

  it('keeps a request that expects no response for 30 s of capture time: a later response is one without a request', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const other = tcpConn(1);
    const report = (tid: string, id: string, frame: number, ms: number): void => {
      feedRequest(store, c, 1, { tid, method: 'REPORT', headers: reportHeaders({ id, range: '1-5/5', status: '000 200 OK' }), frame, ms });
    };
    report('rep00001', 'm1', 1, 0);
    report('rep00002', 'm2', 2, 1000);
    // 29.999 s after the first REPORT: still its response.
    feedResponse(store, c, 0, { tid: 'rep00001', status: 200, frame: 3, ms: 29_999 });
    // Another connection moves the capture on to 31 s: the second REPORT is then 30 s old, and a response to it
    // is one without a request, though its own time stamp is earlier (30.5 s).
    feedRequest(store, other, 0, { tid: 'send0001', method: 'SEND', headers: sendHeaders({ id: 'm3', range: '1-1/1', type: 'text/plain' }), body: 'x', frame: 4, ms: 31_000 });
    feedResponse(store, c, 0, { tid: 'rep00002', status: 200, frame: 5, ms: 30_500 });
    finishStore(store);
    const [r1, r2, send, orphan] = store.view().transactions();
    expect(r1!.response?.status).toBe(200);
    expect(r2!.response).toBeUndefined();
    expect(transactionState(r2!)).toBe('no-response-expected');
    expect(send!.request?.method).toBe('SEND');
    expect(orphan!.request).toBeUndefined();
    expect(orphan!.response?.status).toBe(200);
    expect(codes(store).filter((c) => c !== 'report-without-message' && c !== 'no-response')).toEqual(['response-to-report', 'response-without-request']);
  });

  it('lets a request that expects no response go 30 s after it, when every record is shown and the model folds', () => {
    const store = new Correlator({ foldMessages: { keepFirst: 0, after: 0, records: true } });
    const gone: number[] = [];
    store.foldInto({ message: () => undefined, transaction: (t) => gone.push(t.index) });
    const c = tcpConn(0);
    const other = tcpConn(1);
    feedRequest(store, c, 1, { tid: 'rep00001', method: 'REPORT', headers: reportHeaders({ id: 'm1', range: '1-5/5', status: '000 200 OK' }), frame: 1, ms: 0 });
    // Traffic on another connection only: nothing more comes on the REPORT's.
    let frame = 2;
    const exchange = (ms: number): void => {
      const tid = `send${frame}`;
      feedRequest(store, other, 0, { tid, method: 'SEND', headers: sendHeaders({ id: `s${frame}`, range: '1-1/1', type: 'text/plain' }), body: 'x', frame: frame++, ms });
      feedResponse(store, other, 1, { tid, status: 200, frame: frame++, ms: ms + 1 });
    };
    for (const ms of [5000, 10_000, 20_000, 29_000]) exchange(ms);
    expect(gone).not.toContain(0);
    exchange(30_000);
    exchange(31_000);
    expect(gone).toContain(0);
  });

  it('honours Failure-Report: no (no response expected) and partial (only failures expected)', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const h = (id: string, fr: string) => sendHeaders({ id, range: '1-1/1', type: 'text/plain', extra: [['Failure-Report', fr]] });
    feedRequest(store, c, 0, { tid: 'nofr0001', method: 'SEND', headers: h('a', 'no'), body: 'a', frame: 1 });
    feedRequest(store, c, 0, { tid: 'part0001', method: 'SEND', headers: h('b', 'partial'), body: 'b', frame: 2 });
    feedRequest(store, c, 0, { tid: 'part0002', method: 'SEND', headers: h('c', 'partial'), body: 'c', frame: 3 });
    feedRequest(store, c, 0, { tid: 'nofr0002', method: 'SEND', headers: h('d', 'no'), body: 'd', frame: 4 });
    feedResponse(store, c, 1, { tid: 'part0002', status: 413, frame: 5 });
    feedResponse(store, c, 1, { tid: 'nofr0002', status: 200, frame: 6 });
    finishStore(store);
    const byTid = new Map(store.view().transactions().map((t) => [t.transactionId, t]));
    expect(byTid.get('nofr0001')!.expects).toBe('none');
    expect(byTid.get('part0001')!.expects).toBe('failure-only');
    expect(transactionState(byTid.get('nofr0001')!)).toBe('no-response-expected');
    expect(transactionState(byTid.get('part0001')!)).toBe('no-response-expected');
    expect(byTid.get('part0002')!.response?.status).toBe(413);
    // A 413 is what partial asks for; the 200 to a Failure-Report: no SEND is not.
    expect(codes(store)).toEqual(['unexpected-response']);
    expect(store.view().diagnostics()[0]!.frame).toBe(6);
  });

  it('reports a response whose request was not seen, and a repeated response', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedResponse(store, c, 1, { tid: 'orphan01', status: 200, frame: 1 });
    feedRequest(store, c, 0, { tid: 'twice001', method: 'AUTH', headers: [['To-Path', 'msrp://r:2865;tcp'], ['From-Path', ALICE]], frame: 2 });
    feedResponse(store, c, 1, { tid: 'twice001', status: 401, frame: 3 });
    feedResponse(store, c, 1, { tid: 'twice001', status: 401, frame: 4 });
    finishStore(store);
    expect(codes(store)).toEqual(['response-without-request', 'duplicate-response']);
    const auth = store.view().transactions().find((t) => t.transactionId === 'twice001')!;
    expect(auth.extraResponses).toBe(1);
    expect(store.view().counts().responses.get(401)).toBe(2);
    expect(store.view().transactions().filter((t) => t.request === undefined)).toHaveLength(1);
  });

  it('diagnoses a transaction id reused while its request is unanswered', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const h = sendHeaders({ id: 'q', range: '1-1/1' });
    feedRequest(store, c, 0, { tid: 'reuse001', method: 'SEND', headers: h, body: 'q', frame: 1 });
    feedRequest(store, c, 0, { tid: 'reuse001', method: 'SEND', headers: h, body: 'q', frame: 2 });
    feedResponse(store, c, 1, { tid: 'reuse001', status: 200, frame: 3 });
    finishStore(store);
    expect(codes(store)).toEqual(['duplicate-transaction-id']);
    expect(store.view().transactions()[1]!.response?.status).toBe(200);
    expect(store.view().transactions()[0]!.response).toBeUndefined();
  });

  it('counts truncated frames apart from complete ones but still matches them', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'auth0002', method: 'AUTH', headers: [['To-Path', 'msrp://r:2865;tcp'], ['From-Path', ALICE]], frame: 1 });
    feedResponse(store, c, 1, { tid: 'auth0002', status: 423, frame: 2, truncated: true });
    finishStore(store);
    expect(store.view().counts().responses.size).toBe(0);
    expect(store.view().counts().truncatedResponses.get(423)).toBe(1);
    expect(store.view().transactions()[0]!.response?.status).toBe(423);
    expect(store.view().transactions()[0]!.response?.truncated).toBe(true);
  });

  it('can count without retaining transactions', () => {
    const store = new Correlator({ retainTransactions: false });
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'keep0001', method: 'SEND', headers: sendHeaders({ id: 'k', range: '1-1/1' }), body: 'k', frame: 1 });
    feedResponse(store, c, 1, { tid: 'keep0001', status: 200, frame: 2 });
    finishStore(store);
    expect(store.view().transactions()).toHaveLength(0);
    expect(store.view().counts().transactions).toBe(1);
    expect(store.view().messages()[0]!.legs[0]!.responseCount(200)).toBe(1);
  });
});

describe('pending requests stay bounded', () => {
  it('REPORTs and answered requests are remembered only briefly; waiting ones long', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    for (let i = 0; i < 1000; i++) {
      feedRequest(store, c, 1, { tid: `rep${String(i).padStart(6, '0')}`, method: 'REPORT', headers: reportHeaders({ id: 'x', range: '1-1/1', status: '000 200 OK' }), frame: i + 1 });
    }
    feedRequest(store, c, 0, { tid: 'send0001', method: 'SEND', headers: sendHeaders({ id: 'y', range: '1-1/1' }), body: 'y', frame: 2000 });
    // A response to the newest REPORT is recognised; one to the first was forgotten (an orphan).
    feedResponse(store, c, 0, { tid: 'rep000999', status: 200, frame: 2001 });
    feedResponse(store, c, 0, { tid: 'rep000000', status: 200, frame: 2002 });
    feedResponse(store, c, 1, { tid: 'send0001', status: 200, frame: 2003 });
    feedResponse(store, c, 1, { tid: 'send0001', status: 200, frame: 2004 });
    finishStore(store);
    const codes = store.view().diagnostics().map((d) => d.code).filter((x) => x !== 'report-without-message');
    expect(codes).toEqual(['response-to-report', 'response-without-request', 'duplicate-response']);
    expect(store.view().transactions().find((t) => t.transactionId === 'send0001')?.extraResponses).toBe(1);
  });

  const at = (frame: number, sec: number): FrameRef => ({ frame, tsSec: 1_700_000_000 + sec, tsNsec: 0 });
  const silentRequest = (id: string, method: string, sec: number, message?: { index: number; folded: boolean }): TransactionRecord => ({
    index: 0,
    connection: 0,
    transactionId: id,
    request: { dir: 1, method, firstFrame: at(1, sec), lastFrame: at(1, sec), headers: [], bodyLength: 0, flag: '$', truncated: false },
    response: undefined,
    extraResponses: 0,
    expects: 'none',
    message: message as MessageRecord | undefined,
    leg: undefined,
    session: undefined,
  });

  it("a remembered REPORT lets go of its message once it is folded, and keeps the message's index", () => {
    const pending = new PendingRequests();
    const m7 = { index: 7, folded: false };
    const m8 = { index: 8, folded: false };
    const r1 = silentRequest('rep1', 'REPORT', 0, m7);
    const s1 = silentRequest('send1', 'SEND', 0, m8);
    pending.add(1, r1, at(1, 0));
    pending.add(1, s1, at(2, 0));
    m7.folded = true;
    m8.folded = true;
    pending.add(1, silentRequest('rep2', 'REPORT', 1, { index: 9, folded: false }), at(3, 1));
    expect(r1.message).toBeUndefined();
    expect(messageIndexOf(r1)).toBe(7);
    // A response to a SEND reads its message (message-assembly.ts: one for a folded message is counted apart).
    expect(s1.message).toBe(m8);
    expect(messageIndexOf(s1)).toBe(8);
    // The REPORT is still recognised.
    expect(pending.take(1, 'rep1', at(4, 2))).toBe(r1);
  });

  it('a remembered REPORT of a message that is not listed has no message index', () => {
    const pending = new PendingRequests();
    const unlisted = { index: -1, folded: true };
    const r1 = silentRequest('rep1', 'REPORT', 0, unlisted);
    pending.add(1, r1, at(1, 0));
    pending.add(1, silentRequest('rep2', 'REPORT', 0), at(2, 0));
    expect(r1.message).toBeUndefined();
    expect(messageIndexOf(r1)).toBeNull();
  });

  it('forgets requests that expect no response once they are 30 s old, when another comes', () => {
    const pending = new PendingRequests();
    pending.add(1, silentRequest('rep1', 'REPORT', 0), at(1, 0));
    pending.add(1, silentRequest('rep2', 'REPORT', 10), at(2, 10));
    expect(pending.size).toBe(2);
    pending.add(1, silentRequest('rep3', 'REPORT', 30), at(3, 30));
    expect(pending.size).toBe(2);
    expect(pending.take(1, 'rep1', at(3, 30))).toBeUndefined();
    expect(pending.take(1, 'rep2', at(3, 30))?.transactionId).toBe('rep2');
  });
});

describe('transaction header lists', () => {
  const exchange = (store: Correlator): TransactionRecord[] => {
    const seen: TransactionRecord[] = [];
    store.onEvent((e) => {
      if (e.type === 'request') seen.push(e.transaction);
    });
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'au000001', method: 'AUTH', headers: [['To-Path', 'msrps://relay:2865;tcp'], ['From-Path', ALICE], ['Authorization', 'Digest username="a"']], frame: 1 });
    feedResponse(store, c, 1, { tid: 'au000001', status: 200, frame: 2, headers: [['Use-Path', 'msrps://relay:2865/s1;tcp'], ['Expires', '900']] });
    feedRequest(store, c, 0, { tid: 'send0001', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-5/5', type: 'text/plain', to: ['msrps://bob.example:2856/s2;tcp'] }), body: 'hello', frame: 3 });
    feedResponse(store, c, 1, { tid: 'send0001', status: 200, frame: 4, headers: [['To-Path', ALICE], ['From-Path', BOB]] });
    finishStore(store);
    return seen;
  };

  it('are kept only for AUTH exchanges when the outputs only count transactions', () => {
    const store = new Correlator({ retainTransactions: false, transactionHeaders: false });
    const [auth, send] = exchange(store);
    expect(auth!.request!.headers.map((h) => h.name)).toEqual(['To-Path', 'From-Path', 'Authorization']);
    expect(auth!.response!.headers.map((h) => h.name)).toEqual(['Use-Path', 'Expires']);
    expect(send!.request!.headers).toEqual([]);
    expect(send!.response!.headers).toEqual([]);
    // What the lists told is still known: the AUTH grant, the msrps: authorities of every frame, the counts.
    expect(store.view().auths()[0]!.granted()).toEqual({ usePath: ['msrps://relay:2865/s1;tcp'], expires: 900 });
    expect([...store.view().msrpsAuthorities()].sort()).toEqual(['bob.example:2856', 'relay:2865']);
    expect(store.view().counts().requests.get('SEND')).toBe(1);
    expect(store.view().counts().responses.get(200)).toBe(2);
  });

  it('are kept for every transaction by default', () => {
    const [, send] = exchange(new Correlator({ retainTransactions: false }));
    expect(send!.request!.headers.length).toBeGreaterThanOrEqual(4);
    expect(send!.response!.headers.map((h) => h.name)).toEqual(['To-Path', 'From-Path']);
  });
});
