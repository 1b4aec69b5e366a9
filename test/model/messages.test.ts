import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlator } from '../../src/model/correlator.js';
import { PREVIEW_KEEP } from '../../src/model/messages.js';
import { feedRequest, feedResponse, finishStore, sendHeaders, tcpConn } from '../helpers/frames.js';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function body(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** Feeds `data` as SEND chunks cut at `cuts` (ascending, inside the body), in `order`. */
function sendChunks(
  store: Correlator,
  data: Buffer,
  cuts: number[],
  opts: { id?: string; order?: number[]; slices?: number[]; conn?: number; dir?: 0 | 1; frame0?: number; lastFlag?: '$' | '#' } = {},
): void {
  const c = tcpConn(opts.conn ?? 0);
  const bounds = [0, ...cuts, data.length];
  const chunks = bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end }));
  const order = opts.order ?? chunks.map((_, i) => i);
  let frame = opts.frame0 ?? 1;
  for (const i of order) {
    const ch = chunks[i]!;
    const last = i === chunks.length - 1;
    feedRequest(store, c, opts.dir ?? 0, {
      tid: `tx${frame}abcd`,
      method: 'SEND',
      headers: sendHeaders({ id: opts.id ?? 'msg1', range: `${ch.start + 1}-${ch.end}/${data.length}`, type: 'application/octet-stream' }),
      body: data.subarray(ch.start, ch.end),
      slices: opts.slices,
      flag: last ? (opts.lastFlag ?? '$') : '+',
      frame,
    });
    frame++;
  }
}

describe('messages: chunks, coverage, state', () => {
  it('in-order chunks make one complete message with the sha256 of the whole body', () => {
    const store = new Correlator();
    const data = body(10_000);
    sendChunks(store, data, [4096, 8192], { slices: [100, 3000, 7] });
    finishStore(store);
    expect(store.view().messages()).toHaveLength(1);
    const m = store.view().messages()[0]!;
    expect(m.state()).toBe('complete');
    expect(m.size()).toBe(10_000);
    expect(m.bytesSeen()).toBe(10_000);
    expect(m.maxChunks()).toBe(3);
    expect(m.sha256()).toBe(sha256(data));
    expect(m.legs[0]!.coverage.holes(1, 10_000)).toEqual([]);
    // Collected up to 4 KiB for decoding, then trimmed to what the text preview needs.
    expect(m.preview?.length).toBe(PREVIEW_KEEP);
    expect(m.preview?.equals(data.subarray(0, PREVIEW_KEEP))).toBe(true);
  });

  it('any slicing and chunking of a body gives the same sha256 (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.array(fc.integer({ min: 1, max: 2999 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }),
        (bytes, rawCuts, slices) => {
          const data = Buffer.from(bytes);
          const cuts = [...new Set(rawCuts.filter((c) => c < data.length))].sort((a, b) => a - b);
          const store = new Correlator();
          sendChunks(store, data, cuts, { slices });
          finishStore(store);
          const m = store.view().messages()[0]!;
          expect(m.state()).toBe('complete');
          expect(m.sha256()).toBe(sha256(data));
          expect(m.maxChunks()).toBe(cuts.length + 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('out-of-order chunks still complete the message; the hash is unknown unless bodies are kept', () => {
    const data = body(9000);
    const plain = new Correlator();
    sendChunks(plain, data, [3000, 6000], { order: [0, 2, 1] });
    finishStore(plain);
    const m = plain.view().messages()[0]!;
    expect(m.state()).toBe('complete');
    expect(m.legs[0]!.outOfOrder).toBe(2);
    expect(m.sha256()).toBeNull();

    const kept = new Correlator({ keepBodies: true });
    sendChunks(kept, data, [3000, 6000], { order: [0, 2, 1] });
    finishStore(kept);
    expect(kept.view().messages()[0]!.sha256()).toBe(sha256(data));
  });

  it('a missing chunk leaves a hole and the message incomplete', () => {
    const store = new Correlator();
    const data = body(9000);
    sendChunks(store, data, [3000, 6000], { order: [0, 2] });
    finishStore(store);
    const m = store.view().messages()[0]!;
    expect(m.state()).toBe('incomplete');
    expect(m.bytesSeen()).toBe(6000);
    expect(m.legs[0]!.coverage.holes(1, 9000)).toEqual([[3001, 6000]]);
    expect(m.sha256()).toBeNull();
  });

  it('a chunk ending with # aborts the message', () => {
    const store = new Correlator();
    sendChunks(store, body(8000), [4000], { order: [0, 1], lastFlag: '#' });
    finishStore(store);
    expect(store.view().messages()[0]!.state()).toBe('aborted');
    expect(store.view().messages()[0]!.legs[0]!.sawAbort).toBe(true);
  });

  it('no $ means incomplete even when every byte arrived', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'cont0001', method: 'SEND', headers: sendHeaders({ id: 'p', range: '1-4/8' }), body: 'abcd', flag: '+', frame: 1 });
    feedRequest(store, c, 0, { tid: 'cont0002', method: 'SEND', headers: sendHeaders({ id: 'p', range: '5-8/8' }), body: 'efgh', flag: '+', frame: 2 });
    finishStore(store);
    expect(store.view().messages()[0]!.state()).toBe('incomplete');
  });

  it('body-less SENDs (1-0/0, 1-*/*, no Byte-Range) are complete messages', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'bind0001', method: 'SEND', headers: sendHeaders({ id: 'zero', range: '1-0/0' }), frame: 1 });
    feedRequest(store, c, 0, { tid: 'bind0002', method: 'SEND', headers: sendHeaders({ id: 'star', range: '1-*/*' }), frame: 2 });
    feedRequest(store, c, 0, { tid: 'bind0003', method: 'SEND', headers: sendHeaders({ id: 'none' }), frame: 3 });
    feedRequest(store, c, 0, { tid: 'bind0004', method: 'SEND', headers: sendHeaders({ id: 'text' }), body: 'no range', frame: 4 });
    finishStore(store);
    expect(store.view().messages().map((m) => [m.messageId, m.state(), m.size()])).toEqual([
      ['zero', 'complete', 0],
      ['star', 'complete', 0],
      ['none', 'complete', 0],
      ['text', 'complete', 8],
    ]);
    expect(store.view().messages()[0]!.sha256()).toBe(sha256(''));
    expect(store.view().messages()[3]!.sha256()).toBe(sha256('no range'));
  });

  it('`N-*/*` chunks with the total given only by the last chunk', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const parts = ['aaaa', 'bbbb', 'cc'];
    feedRequest(store, c, 0, { tid: 'star0001', method: 'SEND', headers: sendHeaders({ id: 's', range: '1-*/*' }), body: parts[0], flag: '+', frame: 1 });
    feedRequest(store, c, 0, { tid: 'star0002', method: 'SEND', headers: sendHeaders({ id: 's', range: '5-*/*' }), body: parts[1], flag: '+', frame: 2 });
    feedRequest(store, c, 0, { tid: 'star0003', method: 'SEND', headers: sendHeaders({ id: 's', range: '9-10/10' }), body: parts[2], frame: 3 });
    finishStore(store);
    const m = store.view().messages()[0]!;
    expect(m.state()).toBe('complete');
    expect(m.size()).toBe(10);
    expect(m.sha256()).toBe(sha256(parts.join('')));
  });

  it('a retransmitted (overlapping) chunk counts its bytes once and keeps the hash', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const data = Buffer.from('0123456789');
    const send = (tid: string, r: string, s: number, e: number, flag: '+' | '$', frame: number) =>
      feedRequest(store, c, 0, { tid, method: 'SEND', headers: sendHeaders({ id: 'o', range: r }), body: data.subarray(s, e), flag, frame });
    send('ovl00001', '1-6/10', 0, 6, '+', 1);
    send('ovl00002', '4-8/10', 3, 8, '+', 2);
    send('ovl00003', '9-10/10', 8, 10, '$', 3);
    finishStore(store);
    const m = store.view().messages()[0]!;
    const leg = m.legs[0]!;
    expect(m.state()).toBe('complete');
    expect(leg.coverage.covered).toBe(10);
    expect(leg.coverage.overlapBytes).toBe(3);
    expect(leg.bytes).toBe(13);
    expect(m.sha256()).toBe(sha256(data));
  });

  it('without hashBodies the digest is unknown but coverage and state are the same', () => {
    const store = new Correlator({ hashBodies: false });
    const data = body(5000);
    sendChunks(store, data, [2500]);
    finishStore(store);
    const m = store.view().messages()[0]!;
    expect(m.state()).toBe('complete');
    expect(m.bytesSeen()).toBe(5000);
    expect(m.sha256()).toBeNull();
  });

  it('a SEND cut before its end-line makes no message by itself; later complete chunks confirm it', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'cut00001', method: 'SEND', headers: sendHeaders({ id: 'cut', range: '1-10/10' }), body: 'abcd', truncated: true, frame: 1 });
    feedRequest(store, c, 0, { tid: 'cut00002', method: 'SEND', headers: sendHeaders({ id: 'gap', range: '1-4/8' }), body: 'abcd', truncated: true, frame: 2 });
    feedRequest(store, c, 0, { tid: 'cut00003', method: 'SEND', headers: sendHeaders({ id: 'gap', range: '5-8/8' }), body: 'efgh', frame: 3 });
    finishStore(store);
    expect(store.view().messages().map((m) => m.messageId)).toEqual(['gap']);
    expect(store.view().counts().truncatedMessages).toBe(1);
    expect(store.view().sessions()[0]!.messages).toBe(1);
    const gap = store.view().messages()[0]!;
    expect(gap.index).toBe(0);
    expect(gap.state()).toBe('complete');
    expect(gap.legs[0]!.truncatedChunks).toBe(1);
    expect(store.view().transactions()[0]!.message?.index).toBe(-1);
    expect(store.view().counts().requests.get('SEND')).toBe(1);
    expect(store.view().counts().truncatedRequests.get('SEND')).toBe(2);
  });

  it('chunks disagreeing on the total are diagnosed', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'tot00001', method: 'SEND', headers: sendHeaders({ id: 't', range: '1-2/4' }), body: 'ab', flag: '+', frame: 1 });
    feedRequest(store, c, 0, { tid: 'tot00002', method: 'SEND', headers: sendHeaders({ id: 't', range: '3-4/5' }), body: 'cd', frame: 2 });
    finishStore(store);
    expect(store.view().diagnostics().map((d) => d.code)).toContain('inconsistent-total');
    expect(store.view().messages()[0]!.totalConflict).toBe(true);
  });

  it('the same Message-ID in two sessions is two messages; in one session one', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    const other = 'msrp://10.9.9.9:2855/carol;tcp';
    feedRequest(store, c, 0, { tid: 'sess0001', method: 'SEND', headers: sendHeaders({ id: 'same', range: '1-1/1' }), body: 'a', frame: 1 });
    feedRequest(store, c, 0, { tid: 'sess0002', method: 'SEND', headers: sendHeaders({ id: 'same', range: '1-1/1', to: [other] }), body: 'a', frame: 2 });
    feedRequest(store, c, 1, { tid: 'sess0003', method: 'SEND', headers: sendHeaders({ id: 'same', range: '1-1/1', to: [other] }), body: 'a', frame: 3 });
    finishStore(store);
    expect(store.view().messages()).toHaveLength(2);
    expect(store.view().sessions()).toHaveLength(2);
    expect(store.view().messages()[1]!.legs.map((l) => l.dir)).toEqual([0, 1]);
  });

  it('the body streams through msrpBody: a frame reported without slices keeps coverage but drops the hash', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'nohead01', method: 'SEND', headers: sendHeaders({ id: 'n', range: '1-5/5' }), body: 'hello', frame: 1, noHead: true });
    finishStore(store);
    const m = store.view().messages()[0]!;
    expect(m.state()).toBe('complete');
    expect(m.sha256()).toBeNull();
  });

  it('per-leg responses: counts, RTT and the response to the last chunk', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'rsp00001', method: 'SEND', headers: sendHeaders({ id: 'r', range: '1-2/4' }), body: 'ab', flag: '+', frame: 1, ms: 0 });
    feedResponse(store, c, 1, { tid: 'rsp00001', status: 200, frame: 2, ms: 4 });
    feedRequest(store, c, 0, { tid: 'rsp00002', method: 'SEND', headers: sendHeaders({ id: 'r', range: '3-4/4' }), body: 'cd', frame: 3, ms: 10 });
    feedResponse(store, c, 1, { tid: 'rsp00002', status: 200, frame: 4, ms: 12 });
    finishStore(store);
    const leg = store.view().messages()[0]!.legs[0]!;
    expect(leg.responseCount(200)).toBe(2);
    expect(leg.rttCount).toBe(2);
    expect(leg.rttMin).toBeCloseTo(2, 6);
    expect(leg.rttMax).toBeCloseTo(4, 6);
    expect(leg.finalResponse).toMatchObject({ status: 200 });
    expect(leg.finalResponse?.frame.frame).toBe(4);
  });
});
