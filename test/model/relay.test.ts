import { describe, expect, it } from 'vitest';
import { Correlator } from '../../src/model/correlator.js';
import { computeDelivery } from '../../src/model/delivery.js';
import { hopsOf } from '../../src/model/relay.js';
import { partFields } from '../../src/model/transactions.js';
import {
  ALICE,
  BOB,
  RELAY_A,
  RELAY_B,
  feedRequest,
  feedResponse,
  finishStore,
  reportHeaders,
  sendHeaders,
  tcpConn,
} from '../helpers/frames.js';

/**
 * alice → relay A (conn 0, c2s), relay A → relay B (conn 2, c2s), relay B → bob (conn 1, s2c): the
 * RFC 4976 picture with the paths each hop rewrites.
 */
function relayedSend(store: Correlator, id: string, body: string, t0: number, opts: { report?: string; lastHopStatus?: number } = {}) {
  const c0 = tcpConn(0, '10.0.0.1:40000', '10.1.0.1:2865');
  const c1 = tcpConn(1, '10.0.0.2:40001', '10.1.0.1:2867');
  const c2 = tcpConn(2, '10.1.0.1:50000', '10.1.0.1:2867');
  const range = `1-${body.length}/${body.length}`;
  const hops: Array<[typeof c0, 0 | 1, string[], string[]]> = [
    [c0, 0, [RELAY_A, RELAY_B, BOB], [ALICE]],
    [c2, 0, [RELAY_B, BOB], [RELAY_A, ALICE]],
    [c1, 1, [BOB], [RELAY_B, RELAY_A, ALICE]],
  ];
  hops.forEach(([c, dir, to, from], i) => {
    const tid = `${id}h${i}x`;
    feedRequest(store, c, dir, {
      tid,
      method: 'SEND',
      headers: sendHeaders({ id, range, to, from, type: 'text/plain', extra: [['Success-Report', 'yes']] }),
      body,
      frame: t0 + i * 2,
      ms: t0 + i * 2,
    });
    const status = i === 2 ? (opts.lastHopStatus ?? 200) : 200;
    feedResponse(store, c, dir === 0 ? 1 : 0, { tid, status, frame: t0 + i * 2 + 1, ms: t0 + i * 2 + 1 });
  });
  if (opts.report !== undefined) {
    const back: Array<[typeof c0, 0 | 1, string[], string[]]> = [
      [c1, 0, [RELAY_B, RELAY_A, ALICE], [BOB]],
      [c2, 1, [RELAY_A, ALICE], [RELAY_B, BOB]],
      [c0, 1, [ALICE], [RELAY_A, RELAY_B, BOB]],
    ];
    back.forEach(([c, dir, to, from], i) => {
      feedRequest(store, c, dir, {
        tid: `${id}r${i}x`,
        method: 'REPORT',
        headers: reportHeaders({ id, range, status: opts.report!, to, from }),
        frame: t0 + 10 + i,
        ms: t0 + 10 + i,
      });
    });
  }
}

describe('relay hops (RFC 4976)', () => {
  it('one message with three legs in order of first sight, per-hop delays, one session', () => {
    const store = new Correlator();
    relayedSend(store, 'rly1', 'hello through relays', 100, { report: '000 200 OK' });
    finishStore(store);
    expect(store.view().messages()).toHaveLength(1);
    const m = store.view().messages()[0]!;
    expect(m.legs.map((l) => [l.connection, l.dir, l.hops])).toEqual([
      [0, 0, 3],
      [2, 0, 2],
      [1, 1, 1],
    ]);
    expect(m.legs.every((l) => l.state() === 'complete')).toBe(true);
    const hops = hopsOf(m);
    expect(hops.map((h) => h.delayMs)).toEqual([0, 2, 2]);
    expect(hops.map((h) => h.offsetMs)).toEqual([0, 2, 4]);
    expect(store.view().sessions()).toHaveLength(1);
    const s = store.view().sessions()[0]!;
    expect(s.endpoints).toEqual([ALICE, BOB]);
    expect(s.relays).toEqual([RELAY_A, RELAY_B]);
    expect(s.connections).toEqual([0, 2, 1]);
    expect(s.requests.get('SEND')).toBe(3);
    expect(s.requests.get('REPORT')).toBe(3);
    expect(s.messages).toBe(1);
    expect(m.reportCount).toBe(3);
    const d = computeDelivery(m);
    expect(d.state).toBe('delivered');
    expect(d.via).toBe('report');
    // The last REPORT copy (the one reaching alice) decides the latency: frame at 112 ms, first chunk at 100.
    expect(d.latencyMs).toBeCloseTo(12, 6);
  });

  it('a relay 200 is only hop-by-hop: without REPORT, delivery needs the final hop response', () => {
    const store = new Correlator();
    relayedSend(store, 'rly2', 'x', 0, { lastHopStatus: 200 });
    relayedSend(store, 'rly3', 'y', 50, { lastHopStatus: 415 });
    finishStore(store);
    const [a, b] = store.view().messages();
    expect(computeDelivery(a!)).toMatchObject({ state: 'delivered', via: 'response', code: 200 });
    expect(computeDelivery(a!).latencyMs).toBeCloseTo(5, 6);
    expect(computeDelivery(b!)).toMatchObject({ state: 'failed', via: 'response', code: 415 });
  });

  it('a failure REPORT marks the message failed with its code', () => {
    const store = new Correlator();
    relayedSend(store, 'rly4', 'z', 0, { report: '000 481 Session does not exist' });
    finishStore(store);
    expect(computeDelivery(store.view().messages()[0]!)).toMatchObject({ state: 'failed', via: 'report', code: 481 });
  });

  it('only a relay answered: delivery stays unknown', () => {
    const store = new Correlator();
    const c0 = tcpConn(0);
    feedRequest(store, c0, 0, {
      tid: 'onlyrly1',
      method: 'SEND',
      headers: sendHeaders({ id: 'u', range: '1-1/1', to: [RELAY_A, BOB] }),
      body: 'u',
      frame: 1,
    });
    feedResponse(store, c0, 1, { tid: 'onlyrly1', status: 200, frame: 2 });
    finishStore(store);
    expect(computeDelivery(store.view().messages()[0]!).state).toBe('unknown');
  });
});

describe('sessions', () => {
  it('are unordered endpoint pairs; AUTH makes none; NICKNAME and REPORT do', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'auth0001', method: 'AUTH', headers: [['To-Path', RELAY_A], ['From-Path', ALICE]], frame: 1 });
    expect(store.view().sessions()).toHaveLength(0);
    feedRequest(store, c, 0, { tid: 'send0001', method: 'SEND', headers: sendHeaders({ id: 'a', range: '1-1/1' }), body: 'a', frame: 2 });
    feedRequest(store, c, 1, { tid: 'send0002', method: 'SEND', headers: sendHeaders({ id: 'b', range: '1-1/1', to: [ALICE], from: [BOB] }), body: 'b', frame: 3 });
    // Same endpoints written differently: host case and explicit default transport case.
    feedRequest(store, c, 0, {
      tid: 'send0003',
      method: 'SEND',
      headers: sendHeaders({ id: 'c', range: '1-1/1', to: ['msrp://10.0.0.2:2855/bob456;TCP'], from: ['MSRP://10.0.0.1:40000/alice123;tcp'] }),
      body: 'c',
      frame: 4,
    });
    feedRequest(store, c, 0, { tid: 'nick0001', method: 'NICKNAME', headers: [['To-Path', RELAY_A], ['From-Path', ALICE], ['Use-Nickname', '"al"']], frame: 5 });
    finishStore(store);
    expect(store.view().sessions()).toHaveLength(2);
    expect(store.view().sessions()[0]!.messages).toBe(3);
    expect(store.view().sessions()[0]!.requests.get('SEND')).toBe(3);
    expect(store.view().sessions()[1]!.endpoints).toEqual([ALICE, RELAY_A]);
    expect(store.view().sessions()[1]!.requests.get('NICKNAME')).toBe(1);
    expect(store.view().sessions()[0]!.sessionIds).toEqual(['alice123', 'bob456']);
  });

  it('different session-ids are different sessions even between the same hosts', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'sid00001', method: 'SEND', headers: sendHeaders({ id: 'a', range: '1-1/1', to: ['msrp://10.0.0.2:2855/one;tcp'] }), body: 'a', frame: 1 });
    feedRequest(store, c, 0, { tid: 'sid00002', method: 'SEND', headers: sendHeaders({ id: 'a', range: '1-1/1', to: ['msrp://10.0.0.2:2855/ONE;tcp'] }), body: 'a', frame: 2 });
    finishStore(store);
    expect(store.view().sessions()).toHaveLength(2);
    expect(store.view().messages()).toHaveLength(2);
  });
});

describe('AUTH (RFC 4976 §5)', () => {
  it('401 challenge then 200 with Use-Path and Expires; 423 and 403 are rejections; silence is unanswered', () => {
    const store = new Correlator();
    const c0 = tcpConn(0);
    const c1 = tcpConn(1);
    const c2 = tcpConn(2);
    const auth = (c: typeof c0, tid: string, frame: number, extra: Array<[string, string]> = []) =>
      feedRequest(store, c, 0, { tid, method: 'AUTH', headers: [['To-Path', 'msrp://relay:2865;tcp'], ['From-Path', ALICE], ...extra], frame });
    auth(c0, 'au000001', 1);
    feedResponse(store, c0, 1, { tid: 'au000001', status: 401, frame: 2, headers: [['WWW-Authenticate', 'Digest realm="r", nonce="n"']] });
    auth(c0, 'au000002', 3, [['Authorization', 'Digest username="a"']]);
    feedResponse(store, c0, 1, {
      tid: 'au000002',
      status: 200,
      frame: 4,
      headers: [['Use-Path', 'msrp://relay:2865/s1;tcp'], ['Expires', '900']],
    });
    auth(c1, 'au000003', 5, [['Expires', '10']]);
    feedResponse(store, c1, 1, { tid: 'au000003', status: 423, frame: 6, headers: [['Min-Expires', '60']] });
    auth(c2, 'au000004', 7);
    feedResponse(store, c2, 1, { tid: 'au000004', status: 401, frame: 8 });
    auth(c2, 'au000005', 9, [['Authorization', 'Digest username="a"']]);
    finishStore(store);
    expect(store.view().sessions()).toHaveLength(0);
    const [a, b, c] = store.view().auths();
    expect(a!.result()).toEqual({ result: 'authorized', code: 200 });
    expect(a!.granted()).toEqual({ usePath: ['msrp://relay:2865/s1;tcp'], expires: 900 });
    expect(a!.attempts.map((t) => partFields(t.request!).hasAuthorization)).toEqual([false, true]);
    expect(b!.result()).toEqual({ result: 'rejected', code: 423 });
    expect(partFields(b!.attempts[0]!.response!).minExpires).toBe(60);
    expect(c!.result().result).toBe('unanswered');
    expect(store.view().diagnostics().map((d) => d.code)).toEqual(['no-response']);
  });
});

describe('REPORT matching', () => {
  it('a REPORT generated by a relay (other From-Path end) still finds the message by Message-ID and sender', () => {
    const store = new Correlator();
    const c0 = tcpConn(0);
    feedRequest(store, c0, 0, {
      tid: 'rmatch01',
      method: 'SEND',
      headers: sendHeaders({ id: 'lost', range: '1-4/4', to: [RELAY_A, BOB] }),
      body: 'lost',
      frame: 1,
      ms: 1,
    });
    feedRequest(store, c0, 1, {
      tid: 'rmatch02',
      method: 'REPORT',
      headers: reportHeaders({ id: 'lost', range: '1-4/4', status: '000 408 Request Timeout', to: ['MSRP://10.0.0.1:40000/alice123;TCP'], from: [RELAY_A] }),
      frame: 2,
      ms: 31,
    });
    // A REPORT naming the same Message-ID for someone else is not this message's.
    feedRequest(store, c0, 1, {
      tid: 'rmatch03',
      method: 'REPORT',
      headers: reportHeaders({ id: 'lost', range: '1-4/4', status: '000 200 OK', to: ['msrp://10.9.9.9:1/other;tcp'], from: [RELAY_A] }),
      frame: 3,
      ms: 40,
    });
    finishStore(store);
    const m = store.view().messages()[0]!;
    expect(m.reportCount).toBe(1);
    expect(computeDelivery(m)).toMatchObject({ state: 'failed', code: 408, via: 'report' });
    expect(computeDelivery(m).latencyMs).toBeCloseTo(30, 6);
    expect(store.view().diagnostics().map((d) => d.code)).toEqual(['report-without-message', 'no-response']);
    // Sessions: alice-bob, alice-relay (the relay's REPORT), other-relay.
    expect(store.view().sessions()).toHaveLength(3);
  });

  it('per-chunk success REPORTs only deliver once their ranges cover the whole body', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'pc000001', method: 'SEND', headers: sendHeaders({ id: 'pc', range: '1-4/8' }), body: 'abcd', flag: '+', frame: 1 });
    feedRequest(store, c, 1, { tid: 'pc000002', method: 'REPORT', headers: reportHeaders({ id: 'pc', range: '1-4/8', status: '000 200 OK' }), frame: 2 });
    const m = store.view().messages()[0]!;
    expect(computeDelivery(m).state).toBe('unknown');
    feedRequest(store, c, 0, { tid: 'pc000003', method: 'SEND', headers: sendHeaders({ id: 'pc', range: '5-8/8' }), body: 'efgh', frame: 3 });
    feedRequest(store, c, 1, { tid: 'pc000004', method: 'REPORT', headers: reportHeaders({ id: 'pc', range: '5-8/8', status: '000 200 OK' }), frame: 4 });
    finishStore(store);
    expect(computeDelivery(m)).toMatchObject({ state: 'delivered', via: 'report' });
    expect(computeDelivery(m).at?.frame).toBe(4);
  });
});
