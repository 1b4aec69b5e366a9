import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNdjsonWriter } from '../../src/export/ndjson.js';
import { Correlator } from '../../src/model/correlator.js';
import { CORPUS, HAVE_CORPUS, runCapture } from '../helpers/run-pipeline.js';
import { feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';

const SAMPLE = fileURLToPath(new URL('../../samples/chat.pcap', import.meta.url));

type Rec = Record<string, unknown> & { type: string };

describe('NDJSON records', () => {
  it('one typed record per event, in the order things become known, summary last', () => {
    const store = new Correlator();
    const lines: string[] = [];
    const stop = createNdjsonWriter(store, (l) => lines.push(l));
    const c = tcpConn(0, '10.0.0.1:40000', '10.1.0.1:2855');
    store.connectionOpened(c);
    store.msrpConnection(c);
    feedRequest(store, c, 0, { tid: 'nd000001', method: 'SEND', headers: sendHeaders({ id: 'm1', range: '1-5/5', type: 'text/plain', extra: [['Success-Report', 'yes']] }), body: 'hello', frame: 3, ms: 3 });
    feedResponse(store, c, 1, { tid: 'nd000001', status: 200, frame: 4, ms: 4 });
    feedRequest(store, c, 1, { tid: 'nd000002', method: 'REPORT', headers: reportHeaders({ id: 'm1', range: '1-5/5', status: '000 200 OK' }), frame: 5, ms: 9 });
    store.connectionClosed(c, 'fin');
    finishStore(store);
    stop();
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    const recs = lines.map((l) => JSON.parse(l) as Rec);
    // The direct 200 to the last chunk already shows delivery (the next hop is the receiver); the REPORT follows.
    expect(recs.map((r) => r.type)).toEqual(['connection', 'session', 'request', 'message', 'response', 'delivery', 'request', 'connection', 'summary']);
    const [conn, session, req, msg, resp, delivery, report, closed, summary] = recs;
    expect(conn).toMatchObject({ event: 'msrp', id: 0, tuple: { proto: 'tcp', src: '10.0.0.1', srcPort: 40000, dst: '10.1.0.1', dstPort: 2855 } });
    expect(session).toMatchObject({ id: 0, connection: 0 });
    expect(req).toMatchObject({ frame: 3, transactionId: 'nd000001', method: 'SEND', messageId: 'm1', byteRange: { start: 1, end: 5, total: 5 }, flag: '$', direction: 'c2s' });
    expect(typeof req!.time).toBe('string');
    expect(typeof req!.epoch).toBe('number');
    expect(msg).toMatchObject({ messageId: 'm1', state: 'complete', size: 5, tuple: { srcPort: 40000 } });
    expect(resp).toMatchObject({ status: 200, method: 'SEND', requestFrame: 3, rttMs: 1, tuple: { src: '10.1.0.1', dst: '10.0.0.1' } });
    expect(report).toMatchObject({ method: 'REPORT', status: { code: 200 }, direction: 's2c' });
    expect(delivery).toMatchObject({ messageId: 'm1', state: 'delivered', via: 'response', latencyMs: 1 });
    expect(closed).toMatchObject({ event: 'closed', ended: 'fin' });
    expect(summary).toMatchObject({ requests: { SEND: 1, REPORT: 1 }, messages: { total: 1, complete: 1 } });
    // Unsubscribed: nothing more is written.
    store.diagnostic({ code: 'late', severity: 'note', frame: 0, connection: -1, detail: '' });
    expect(lines).toHaveLength(9);
  });

  it('diagnostics and orphan responses are records too', () => {
    const store = new Correlator();
    const lines: string[] = [];
    createNdjsonWriter(store, (l) => lines.push(l));
    const c = tcpConn(0);
    feedResponse(store, c, 1, { tid: 'orphan01', status: 481, frame: 9 });
    finishStore(store);
    const recs = lines.map((l) => JSON.parse(l) as Rec);
    expect(recs.map((r) => r.type)).toEqual(['connection', 'diagnostic', 'response', 'summary']);
    expect(recs[1]).toMatchObject({ code: 'response-without-request', frame: 9, connection: 0, tuple: { proto: 'tcp' } });
    expect(recs[2]).toMatchObject({ status: 481, method: null, requestFrame: null, rttMs: null });
  });

  it('streams: records appear while the capture is still being written into the pipe', async () => {
    const bytes = readFileSync(SAMPLE);
    const input = new PassThrough();
    const store = new Correlator();
    const seen: Array<{ type: string; beforeEnd: boolean }> = [];
    let ended = false;
    createNdjsonWriter(store, (l) => seen.push({ type: (JSON.parse(l) as Rec).type, beforeEnd: !ended }));
    const run = runCapture(input, { store, name: '-' });
    for (let off = 0; off < bytes.length; off += 512) {
      input.write(bytes.subarray(off, off + 512));
      await new Promise((r) => setTimeout(r, 2));
    }
    ended = true;
    input.end();
    await run;
    const early = seen.filter((s) => s.beforeEnd);
    expect(early.length).toBeGreaterThan(5);
    expect(early.map((s) => s.type)).toContain('request');
    expect(early.map((s) => s.type)).toContain('sip');
    expect(seen[seen.length - 1]).toEqual({ type: 'summary', beforeEnd: false });
    expect(seen.filter((s) => s.type === 'summary')).toHaveLength(1);
    expect(seen.filter((s) => s.type === 'message')).toHaveLength(4);
  });
});

describe('NDJSON without the transactions\' header lists', () => {
  // The command line keeps none for --ndjson (CorrelatorOptions.transactionHeaders): its lines read the frame's fields.
  const lines = async (file: string, transactionHeaders: boolean): Promise<string[]> => {
    const store = new Correlator({ retainTransactions: false, transactionHeaders });
    const out: string[] = [];
    createNdjsonWriter(store, (l) => out.push(l));
    await runCapture(file, { store });
    return out;
  };
  const files = [SAMPLE, fileURLToPath(new URL('../../samples/chat.pcapng', import.meta.url))];
  if (HAVE_CORPUS) files.push(`${CORPUS}/relay_many.pcapng`, `${CORPUS}/relay_abort_fail.pcap`);

  it.each(files)('%s: the same lines as with them', async (file) => {
    const kept = await lines(file, true);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.some((l) => l.startsWith('{"type":"response"'))).toBe(true);
    expect(await lines(file, false)).toEqual(kept);
  });
});

describe('--ndjson into a sink that writes text as it is given (a terminal)', () => {
  it('escapes each batch of lines itself', async () => {
    const { ndjsonOutput } = await import('../../src/cli/outputs/ndjson.js');
    const store = new Correlator({ retainTransactions: false, transactionHeaders: false });
    let text = '';
    const sink = { write: (s: string) => (text += s), warn: () => undefined };
    ndjsonOutput.attach?.(store, true, sink, { filter: {}, color: false, columns: 80, alone: false, force: false });
    // A Message-ID reaches the lines as it was sent (a body preview is escaped as text before).
    feedRequest(store, tcpConn(0), 0, { tid: 'esc00001', method: 'SEND', headers: sendHeaders({ id: 'm1\u202eevil\u009b\u007f', range: '1-4/4', type: 'text/plain' }), body: 'text', frame: 1 });
    finishStore(store);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('"messageId":"m1\\u202eevil\\u009b\\u007f"');
    expect(/[\u007f-\u009f\u202e]/.test(text)).toBe(false);
    expect(text.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as Rec).type)).toContain('message');
  });
});
