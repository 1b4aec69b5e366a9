/**
 * Raw view of a request/response cut before its end-line: the bytes received are shown escaped, then why the
 * frame did not parse. The model keeps those bytes (not the JSON document); the TUI gets them beside it.
 */
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJsonDocument } from '../../src/export/json.js';
import type { JsonDocument } from '../../src/export/json-types.js';
import { Correlator, MAX_CUT_FRAMES } from '../../src/model/correlator.js';
import { lineText } from '../../src/format/line.js';
import { rawLines, type CutFrameView, type CutLookup } from '../../src/format/raw.js';
import { CUT_423, CUT_SEND, cutCapture } from '../helpers/cut-capture.js';
import { feedRequest, feedResponse, tcpConn } from '../helpers/frames.js';
import { runCapture } from '../helpers/run-pipeline.js';
import { built, clone, corpusFile, HAVE_CORPUS } from './fixtures.js';

const lookup = (store: Correlator): CutLookup => (t, part) => store.view().cutFrame(t, part);

describe('raw view of the generated capture with cut frames', () => {
  let doc: JsonDocument;
  let store: Correlator;
  beforeAll(async () => {
    store = (await runCapture(Readable.from([cutCapture()]), { name: 'cut.pcap' })).store;
    doc = buildJsonDocument(store.view(), { version: '0.0.0-test' });
  });

  it('the 423 cut in its header block shows every byte received, escaped, then why it did not parse', () => {
    const t = doc.transactions.find((x) => x.transactionId === 'au0002')!;
    expect(t.response?.truncated).toBe(true);
    expect(rawLines(doc, { kind: 'transaction', transaction: t.id, part: 'response' }, [t.id], { cut: lookup(store) }).map(lineText)).toEqual([
      '── request · frame 8 · conn 0 tcp c2s 192.0.2.10:49733 → 198.51.100.20:2855 · 08:00:00.008000',
      'MSRP au0002 AUTH',
      'To-Path: msrp://198.51.100.20:2855;tcp',
      'From-Path: msrp://192.0.2.10:49733/auThCl1ent;tcp',
      '-------au0002$',
      '── response · frame 9 · conn 0 tcp s2c 198.51.100.20:2855 → 192.0.2.10:49733 · 08:00:00.009000',
      'MSRP au0002 423 Interval Out Of Bounds\\r\\n',
      'To-Path: msrp://192.0.2.10:49733/auThCl1ent;tcp\\r\\n',
      'From-Path: msrp://198.51.100.20:2855;tcp\\r\\n',
      'xyz\\x00\\x1b[2JÀí-------au0002$\\r\\n',
      `[not parsed: no end-line at the start of a line when the connection closes (FIN), ${CUT_423.length} bytes into the frame; ` +
        `"-------au0002$" appears inside a header line at offset ${CUT_423.indexOf('-------au0002$')}]`,
    ]);
  });

  it('a SEND cut in its body keeps its parsed head and says how far it came', () => {
    const t = doc.transactions.find((x) => x.transactionId === 'se0002')!;
    const lines = rawLines(doc, { kind: 'transaction', transaction: t.id, part: 'request' }, [t.id], { cut: lookup(store) }).map(lineText);
    expect(lines[1]).toBe('MSRP se0002 SEND');
    expect(lines.at(-1)).toBe(`[cut: the connection closes (FIN) ${CUT_SEND.length} bytes into the frame, 5 into its body, before its end-line]`);
  });

  it('without the kept bytes the view says only that the frame was cut', () => {
    const t = doc.transactions.find((x) => x.transactionId === 'au0002')!;
    expect(rawLines(doc, { kind: 'transaction', transaction: t.id, part: 'response' }, [t.id]).map(lineText).slice(-3)).toEqual([
      'To-Path: msrp://192.0.2.10:49733/auThCl1ent;tcp',
      'From-Path: msrp://198.51.100.20:2855;tcp',
      '[cut: the capture ends before the end-line]',
    ]);
  });

  it('the JSON document carries none of it; complete frames keep nothing', () => {
    const t = doc.transactions.find((x) => x.transactionId === 'au0002')!;
    const ok = doc.transactions.find((x) => x.transactionId === 'au0001')!;
    expect(Object.keys(t.response!)).toEqual(Object.keys(ok.response!));
    expect(store.view().cutFrame(ok.id, 'response')).toBeUndefined();
    expect(store.view().cutFrame(ok.id, 'request')).toBeUndefined();
    expect(store.view().cutFrame(t.id, 'response')?.head).toEqual(CUT_423);
  });
});

describe('raw view: why a cut frame did not parse', () => {
  let doc: JsonDocument;
  let tx: number;
  beforeAll(async () => {
    const store = (await runCapture(Readable.from([cutCapture()]), { name: 'cut.pcap' })).store;
    doc = buildJsonDocument(store.view(), { version: '0.0.0-test' });
    tx = doc.transactions.find((x) => x.transactionId === 'au0002')!.id;
  });
  const last = (d: JsonDocument, cut: CutFrameView): string =>
    lineText(rawLines(d, { kind: 'transaction', transaction: tx, part: 'response' }, [tx], { cut: (t, p) => (t === tx && p === 'response' ? cut : undefined) }).at(-1)!);
  const head = Buffer.from('MSRP au0002 423 Late\r\nTo-Path: msrp://a.example:1/s;tcp\r\nFrom-Pa', 'latin1');

  it('names a gap, the next start-line, the end of the capture and a reset', () => {
    const base: CutFrameView = { reason: 'gap', in: 'headers', length: head.length, bodyLength: 0, head };
    expect(last(doc, base)).toBe(`[cut: a gap (TCP bytes not captured) comes ${head.length} bytes into the frame, in its header block, before its end-line]`);
    expect(last(doc, { ...base, reason: 'next-start-line' })).toBe(`[cut: the next start-line comes ${head.length} bytes into the frame, in its header block, before its end-line]`);
    const ended = (e: string): JsonDocument => {
      const d = clone(doc);
      d.connections[0]!.ended = e;
      return d;
    };
    expect(last(ended('capture-end'), { ...base, reason: 'end' })).toBe(`[cut: the capture ends ${head.length} bytes into the frame, in its header block, before its end-line]`);
    expect(last(ended('rst'), { ...base, reason: 'end' })).toBe(`[cut: the connection is reset (RST) ${head.length} bytes into the frame, in its header block, before its end-line]`);
  });

  it('says how many bytes were not kept, and an end-line with text after it on its line', () => {
    const more = Buffer.concat([head, Buffer.from('th: x\r\n-------au0002$ junk\r\n', 'latin1')]);
    const lines = rawLines(doc, { kind: 'transaction', transaction: tx, part: 'response' }, [tx], {
      cut: () => ({ reason: 'end', in: 'headers', length: more.length + 500, bodyLength: 0, head: more }),
    }).map(lineText);
    expect(lines.slice(-4)).toEqual([
      'From-Path: x\\r\\n',
      '-------au0002$ junk\\r\\n',
      '[… 500 more bytes not kept]',
      `[not parsed: no end-line at the start of a line when the connection closes (FIN), ${more.length + 500} bytes into the frame; ` +
        `"-------au0002$" appears with more text after it on its line at offset ${more.indexOf('-------')}]`,
    ]);
  });

  it('valid UTF-8 is shown as text; C1 controls and bidi overrides are escaped', () => {
    const evil = Buffer.concat([Buffer.from('MSRP au0002 423 x\r\nX: caf\u00e9 \u202e\u0085', 'utf8')]);
    const lines = rawLines(doc, { kind: 'transaction', transaction: tx, part: 'response' }, [tx], {
      cut: () => ({ reason: 'end', in: 'headers', length: evil.length, bodyLength: 0, head: evil }),
    }).map(lineText);
    expect(lines).toContain('X: café \\u202e\\x85');
  });

  it('the model keeps the first MAX_CUT_FRAMES cut frames only', () => {
    const s = new Correlator();
    const c = tcpConn(0);
    const cut = { reason: 'end' as const, in: 'headers' as const, length: head.length, bodyLength: 0, head };
    for (let i = 0; i < MAX_CUT_FRAMES + 5; i++) {
      feedRequest(s, c, 0, { tid: `tx${1000 + i}`, method: 'AUTH', headers: [], frame: 2 * i + 1 });
      feedResponse(s, c, 1, { tid: `tx${1000 + i}`, status: 423, frame: 2 * i + 2, truncated: true, cut });
    }
    expect(s.view().cutFrame(MAX_CUT_FRAMES - 1, 'response')).toBe(cut);
    expect(s.view().cutFrame(MAX_CUT_FRAMES, 'response')).toBeUndefined();
    expect(MAX_CUT_FRAMES).toBe(256);
  });
});

describe.skipIf(!HAVE_CORPUS)('raw view of the 423 in relay_abort_fail.pcap (frame 20)', () => {
  it('shows its bytes, including the end-line text after the garbage, then why it did not parse', async () => {
    const b = await built(corpusFile('relay_abort_fail.pcap'));
    const t = b.doc.transactions.find((x) => x.response?.at.frame === 20)!;
    const lines = rawLines(b.doc, { kind: 'transaction', transaction: t.id, part: 'response' }, [t.id], { cut: lookup(b.store) }).map(lineText);
    expect(lines.slice(lines.findIndex((l) => l.startsWith('── response')) + 1)).toEqual([
      'MSRP aaBjvWeDIK 423 Interval Out Of Bounds\\r\\n',
      'To-Path: msrp://127.0.0.1:57638/MxhXINyn9kN9;tcp\\r\\n',
      'From-Path: msrp://127.0.0.1:2865;tcp\\r\\n',
      'xyz123\\x00\\x00ÀÀÀÀ\\x00\\x00\\x00\\x00í-------aaBjvWeDIK$\\r\\n',
      '[not parsed: no end-line at the start of a line when the connection closes (FIN), 169 bytes into the frame; "-------aaBjvWeDIK$" appears inside a header line at offset 149]',
    ]);
  });
});
