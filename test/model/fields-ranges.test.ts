import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractFields, parseByteRange, parseStatus, pathFields } from '../../src/model/fields.js';
import { RangeSet } from '../../src/model/ranges.js';
import { uriKey, uriSessionId } from '../../src/model/uri-key.js';
import { Correlator } from '../../src/model/correlator.js';
import { buildJsonDocument } from '../../src/export/json.js';
import { feedRequest, feedResponse, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

describe('header fields', () => {
  it('pathFields gives To-Path, From-Path and Status as extractFields does: first one wins, any case, bad Status undefined', () => {
    const name = fc.constantFrom('To-Path', 'to-path', 'FROM-PATH', 'From-Path', 'Status', 'status', 'Message-ID', 'Use-Path', 'To-Pat');
    const value = fc.constantFrom('msrp://a:1/x;tcp', ' msrp://a:1/x;tcp  msrp://b:2/y;tcp ', '', '000 200 OK', '000 481 Gone', '200 OK', 'x');
    fc.assert(
      fc.property(fc.array(fc.record({ name, value }), { maxLength: 8 }), (headers) => {
        const all = extractFields(headers);
        expect(pathFields(headers)).toEqual({ toPath: [...all.toPath], fromPath: [...all.fromPath], status: all.status });
      }),
      { numRuns: 500 },
    );
    const twice = pathFields([
      { name: 'To-Path', value: 'msrp://a:1/x;tcp' },
      { name: 'to-path', value: 'msrp://b:2/y;tcp msrp://c:3/z;tcp' },
      { name: 'Status', value: 'bad' },
      { name: 'Status', value: '000 200 OK' },
    ]);
    expect(twice).toEqual({ toPath: ['msrp://a:1/x;tcp'], fromPath: [], status: undefined });
  });

  it('parses Byte-Range, Status and report flags; bad values stay undefined', () => {
    expect(parseByteRange('1-10/20')).toEqual({ start: 1, end: 10, total: 20 });
    expect(parseByteRange(' 5-*/* ')).toEqual({ start: 5, end: null, total: null });
    expect(parseByteRange('1-0/0')).toEqual({ start: 1, end: 0, total: 0 });
    expect(parseByteRange('a-10/20')).toBeUndefined();
    expect(parseByteRange('1-10')).toBeUndefined();
    expect(parseByteRange('1-99999999999999999999/5')).toBeUndefined();
    expect(parseStatus('000 200 OK')).toEqual({ namespace: 0, code: 200, comment: 'OK' });
    expect(parseStatus('000 481')).toEqual({ namespace: 0, code: 481, comment: '' });
    expect(parseStatus('200 OK')).toBeUndefined();
    const f = extractFields([
      { name: 'to-path', value: 'msrp://a:1/x;tcp  msrp://b:2/y;tcp' },
      { name: 'FROM-PATH', value: 'msrp://c:3/z;tcp' },
      { name: 'Message-Id', value: ' m1 ' },
      { name: 'Byte-Range', value: '1-3/3' },
      { name: 'Byte-Range', value: '9-9/9' },
      { name: 'Failure-Report', value: 'PARTIAL' },
      { name: 'Success-Report', value: 'maybe' },
      { name: 'Use-Path', value: 'msrp://r:1/s;tcp' },
      { name: 'Expires', value: '600' },
    ]);
    expect(f.toPath).toEqual(['msrp://a:1/x;tcp', 'msrp://b:2/y;tcp']);
    expect(f.fromPath).toEqual(['msrp://c:3/z;tcp']);
    expect(f.messageId).toBe('m1');
    expect(f.byteRange).toEqual({ start: 1, end: 3, total: 3 });
    expect(f.failureReport).toBe('partial');
    expect(f.successReport).toBeUndefined();
    expect(f.usePath).toEqual(['msrp://r:1/s;tcp']);
    expect(f.expires).toBe(600);
  });

  it('compares URIs per RFC 4975 §6.1', () => {
    expect(uriKey('MSRP://Host.Example:2855/abc;TCP')).toBe(uriKey('msrp://host.example:2855/abc;tcp'));
    expect(uriKey('msrp://user@host:2855/abc;tcp')).toBe(uriKey('msrp://host:2855/abc;tcp'));
    expect(uriKey('msrp://host/abc;tcp')).toBe(uriKey('msrp://host:2855/abc;tcp'));
    expect(uriKey('msrp://host:2855/ABC;tcp')).not.toBe(uriKey('msrp://host:2855/abc;tcp'));
    expect(uriKey('msrps://host:2855/abc;tcp')).not.toBe(uriKey('msrp://host:2855/abc;tcp'));
    expect(uriSessionId('msrp://[::1]:2855/s1;tcp;a=b')).toBe('s1');
    expect(uriKey('not a uri')).toBe('not a uri');
  });
});

describe('RangeSet', () => {
  it('merges, counts overlaps and lists holes', () => {
    const r = new RangeSet();
    expect(r.add(1, 10)).toBe(10);
    expect(r.add(21, 30)).toBe(10);
    expect(r.add(5, 25)).toBe(10);
    expect(r.intervals()).toEqual([[1, 30]]);
    expect(r.overlapBytes).toBe(11);
    expect(r.add(40, 39)).toBe(0);
    r.add(35, 36);
    expect(r.holes(1, 40)).toEqual([
      [31, 34],
      [37, 40],
    ]);
    expect(r.coversAll(2, 30)).toBe(true);
    expect(r.coversAll(2, 31)).toBe(false);
    expect(r.coversAll(5, 4)).toBe(true);
  });

  it('caps the number of disjoint intervals and under-reports past it', () => {
    const r = new RangeSet(4);
    for (let i = 0; i < 10; i++) r.add(i * 10, i * 10);
    expect(r.intervalCount).toBe(4);
    expect(r.overflowed).toBe(true);
    expect(r.covered).toBe(4);
    r.add(1, 9);
    expect(r.intervals()[0]).toEqual([0, 10]);
  });

  it('agrees with a naive set of positions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 30 })), { maxLength: 40 }), (adds) => {
        const r = new RangeSet();
        const naive = new Set<number>();
        let overlap = 0;
        for (const [s, len] of adds) {
          const e = s + len - 1;
          for (let p = s; p <= e; p++) {
            if (naive.has(p)) overlap++;
            naive.add(p);
          }
          r.add(s, e);
        }
        expect(r.covered).toBe(naive.size);
        expect(r.overlapBytes).toBe(overlap);
        const holes = r.holes(1, 240);
        let holeCount = 0;
        for (const [s, e] of holes) {
          for (let p = s; p <= e; p++) expect(naive.has(p)).toBe(false);
          holeCount += e - s + 1;
        }
        expect(holeCount + [...naive].filter((p) => p <= 240).length).toBe(240);
        const iv = r.intervals();
        for (let i = 1; i < iv.length; i++) expect(iv[i]![0]).toBeGreaterThan(iv[i - 1]![1] + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile names change nothing', () => {
  it('__proto__ / constructor as header names, methods, Message-IDs and URI params', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const evilTo = 'msrp://10.0.0.2:2855/__proto__;tcp;__proto__=1';
    const evilFrom = 'msrp://10.0.0.1:40000/constructor;tcp;constructor';
    feedRequest(store, c, 0, {
      tid: 'evil0001',
      method: 'SEND',
      headers: [
        ['__proto__', 'polluted'],
        ['constructor', 'x'],
        ...sendHeaders({ id: '__proto__', range: '1-3/3', to: [evilTo], from: [evilFrom], type: 'text/plain' }),
        ['hasOwnProperty', 'y'],
      ],
      body: 'abc',
      frame: 1,
    });
    feedResponse(store, c, 1, { tid: 'evil0001', status: 200, frame: 2 });
    feedRequest(store, c, 0, { tid: 'evil0002', method: '__proto__', headers: [['To-Path', evilTo], ['From-Path', evilFrom]], frame: 3 });
    feedRequest(store, c, 0, { tid: 'evil0003', method: 'constructor', headers: [['To-Path', evilTo], ['From-Path', evilFrom]], frame: 4 });
    finishStore(store);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
    expect(store.view().messages()).toHaveLength(1);
    expect(store.view().messages()[0]!.messageId).toBe('__proto__');
    expect(store.view().messages()[0]!.state()).toBe('complete');
    expect(store.view().sessions()).toHaveLength(1);
    expect(store.view().sessions()[0]!.sessionIds).toEqual(['constructor', '__proto__']);
    const doc = buildJsonDocument(store.view());
    const reqs = JSON.parse(JSON.stringify(doc.summary.requests)) as Record<string, number>;
    expect(Object.keys(reqs).sort()).toEqual(['SEND', '__proto__', 'constructor']);
    expect(reqs.__proto__).toBe(1);
    expect(Object.getPrototypeOf(doc.summary.requests)).toBe(Object.prototype);
    expect(doc.summary.requests.SEND).toBe(1);
    expect(doc.transactions[0]!.request!.headers[0]).toEqual({ name: '__proto__', value: 'polluted' });
  });
});
