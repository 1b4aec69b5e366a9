import { describe, expect, it } from 'vitest';
import { buildJsonDocument, writeJsonDocument } from '../../src/export/json.js';
import { isoTime } from '../../src/model/frame-time.js';
import { Correlator } from '../../src/model/correlator.js';
import { CORPUS, HAVE_CORPUS, runCapture } from '../helpers/run-pipeline.js';
import { at, feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';

describe('times', () => {
  it('ISO-8601 UTC with the capture precision, never rounded', () => {
    const t = { frame: 1, tsSec: 1_764_064_800, tsNsec: 123_456_789 };
    expect(isoTime(t, 6)).toBe('2025-11-25T10:00:00.123456Z');
    expect(isoTime(t, 9)).toBe('2025-11-25T10:00:00.123456789Z');
    expect(isoTime(t, 3)).toBe('2025-11-25T10:00:00.123Z');
    expect(isoTime(t, 0)).toBe('2025-11-25T10:00:00Z');
    expect(isoTime({ frame: 1, tsSec: 0, tsNsec: 999_999_999 }, 6)).toBe('1970-01-01T00:00:00.999999Z');
  });
});

describe('buildJsonDocument', () => {
  it('writes numbers as numbers, * as null, and every section of the contract', () => {
    const store = new Correlator();
    const c = tcpConn(0, '10.0.0.1:40000', '10.1.0.1:2855');
    feedRequest(store, c, 0, { tid: 'aaaa0001', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-*/*', type: 'text/plain' }), body: 'hello ', flag: '+', frame: 3, ms: 10 });
    feedResponse(store, c, 1, { tid: 'aaaa0001', status: 200, comment: 'OK', frame: 4, ms: 11 });
    feedRequest(store, c, 0, { tid: 'aaaa0002', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '7-11/11', type: 'text/plain' }), body: 'world', frame: 5, ms: 20 });
    feedRequest(store, c, 1, { tid: 'aaaa0003', method: 'REPORT', headers: reportHeaders({ id: 'm1', range: '1-11/11', status: '000 200 OK' }), frame: 6, ms: 30.5 });
    finishStore(store);
    const doc = buildJsonDocument(store.view(), { version: '1.2.3' });
    expect(doc.schema).toBe('msrpscope/1');
    expect(doc.tool).toEqual({ name: 'msrpscope', version: '1.2.3' });
    expect(doc.capture).toMatchObject({ files: ['test'], format: 'pcap', linkTypes: ['EN10MB'], truncated: false });
    expect(doc.summary.requests).toEqual({ SEND: 2, REPORT: 1 });
    expect(doc.summary.responses).toEqual({ '200': 1 });
    expect(doc.summary.messages).toEqual({ total: 1, complete: 1, aborted: 0, incomplete: 0 });
    expect(doc.summary.transactions).toEqual({ total: 3, answered: 1, unanswered: 1, noResponseExpected: 1, orphanResponses: 0 });
    // The second SEND waits for its response until the end.
    expect(doc.summary.diagnostics).toEqual({ 'no-response': 1 });
    const t0 = doc.transactions[0]!;
    expect(t0.byteRange).toEqual({ start: 1, end: null, total: null });
    expect(t0.rttMs).toBe(1);
    expect(t0.from).toBe('10.0.0.1:40000');
    expect(t0.to).toBe('10.1.0.1:2855');
    expect(t0.request?.at).toEqual({ frame: 3, time: '2027-01-15T08:00:00.010000Z', epoch: 1_800_000_000.01 });
    expect(t0.request?.typed.toPath?.[0]).toMatchObject({ scheme: 'msrp', host: '10.0.0.2', port: 2855, sessionId: 'bob456', transport: 'tcp' });
    expect(t0.request?.typed.contentType).toMatchObject({ mediaType: 'text/plain', params: [] });
    expect(t0.request?.typed.byteRange).toEqual({ start: 1, end: null, total: null });
    expect(t0.response?.typed.other).toEqual([]);
    const rep = doc.transactions[2]!;
    expect(rep.status).toEqual({ namespace: 0, code: 200, comment: 'OK' });
    expect(rep.state).toBe('no-response-expected');
    const m = doc.messages[0]!;
    expect(m.size).toBe(11);
    expect(m.preview).toBe('hello world');
    expect(m.previewTruncated).toBe(false);
    expect(m.delivery).toMatchObject({ state: 'delivered', code: 200, via: 'report', latencyMs: 20.5 });
    expect(m.legs[0]).toMatchObject({ connection: 0, direction: 'c2s', chunks: 2, covered: 11, ranges: [[1, 11]], holes: [], state: 'complete' });
    expect(m.legs[0]!.rttMs).toEqual({ min: 1, max: 1, mean: 1, count: 1 });
    expect(doc.sessions[0]).toMatchObject({ id: 0, messages: 1, bytes: 11, wireBytes: 11, connections: [0] });
    expect(doc.connections[0]).toMatchObject({ id: 0, msrp: true, requests: { SEND: 2, REPORT: 1 }, responses: { '200': 1 }, sessions: [0] });
  });

  it('escapes control characters in previews', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const text = 'ok\u001b[31mred\u202eevil';
    feedRequest(store, c, 0, { tid: 'esc00001', method: 'SEND', headers: sendHeaders({ id: 'e', range: `1-${Buffer.byteLength(text)}/${Buffer.byteLength(text)}`, type: 'text/plain' }), body: text, frame: 1 });
    finishStore(store);
    expect(buildJsonDocument(store.view()).messages[0]!.preview).toBe('ok\\x1b[31mred\\u202eevil');
  });

  it('a binary body has no text preview; a long text one is cut', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'bin00001', method: 'SEND', headers: sendHeaders({ id: 'b', range: '1-4/4', type: 'image/png' }), body: Buffer.from([0x89, 0x50, 0x4e, 0x47]), frame: 1 });
    const long = 'x'.repeat(5000);
    feedRequest(store, c, 0, { tid: 'lng00001', method: 'SEND', headers: sendHeaders({ id: 'l', range: '1-5000/5000', type: 'text/plain' }), body: long, frame: 2 });
    finishStore(store);
    const [b, l] = buildJsonDocument(store.view()).messages;
    expect(b!.preview).toBeNull();
    expect(l!.preview).toHaveLength(200);
    expect(l!.previewTruncated).toBe(true);
  });

  it('a message record stays consistent with at() frames (first/last)', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'fl000001', method: 'SEND', headers: sendHeaders({ id: 'f', range: '1-1/2' }), body: 'a', flag: '+', frame: 10, ms: 100 });
    feedRequest(store, c, 0, { tid: 'fl000002', method: 'SEND', headers: sendHeaders({ id: 'f', range: '2-2/2' }), body: 'b', frame: 12, ms: 150 });
    finishStore(store);
    const m = buildJsonDocument(store.view()).messages[0]!;
    expect(m.first.frame).toBe(10);
    expect(m.last.frame).toBe(12);
    expect(m.last.epoch - m.first.epoch).toBeCloseTo(0.05, 6);
    expect(at(12, 150).tsNsec).toBe(150_000_000);
  });

  it.skipIf(!HAVE_CORPUS)('corpus captures: precision, link types and capture facts', async () => {
    const { store, frames } = await runCapture(`${CORPUS}/relay_text_any_sll2.pcap`);
    const doc = buildJsonDocument(store.view());
    expect(doc.capture.format).toBe('pcap');
    expect(doc.capture.linkTypes).toEqual(['LINUX_SLL2']);
    expect(doc.capture.packets).toBe(frames);
    expect(doc.capture.first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(doc.capture.firstEpoch).toBeLessThanOrEqual(doc.capture.lastEpoch!);
    const ng = buildJsonDocument((await runCapture(`${CORPUS}/relay_text.pcapng`)).store.view());
    expect(ng.capture.format).toBe('pcapng');
    expect(ng.capture.linkTypes).toEqual(['EN10MB']);
  });
});

describe.skipIf(!HAVE_CORPUS)('writeJsonDocument', () => {
  for (const f of ['relay_abort_fail.pcap', 'sip_file_transfer.pcap', 'relay_tls_all.pcap']) {
    it(`${f}: the streamed text equals JSON.stringify of the built document`, async () => {
      const { store } = await runCapture(`${CORPUS}/${f}`);
      for (const indent of [2, 0]) {
        const parts: string[] = [];
        writeJsonDocument(store.view(), (s) => parts.push(s), { version: '1.0.0', indent });
        expect(parts.length).toBeGreaterThan(8);
        expect(parts.join('')).toBe(JSON.stringify(buildJsonDocument(store.view(), { version: '1.0.0' }), null, indent));
      }
    });
  }
});
