/**
 * The live document (src/export/live-document.ts) against a full rebuild: every project sample and corpus
 * capture goes through the pipeline in small pieces (a batch of records is then about one packet), the
 * live document is asked for the document after every batch, as the TUI would between redraws, and its
 * JSON is compared with buildJsonDocument's at a spread of those points and at the end. A property test
 * does the same over generated frame sequences, with checks between a frame's head, body slices and end.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureList } from '../../scripts/json-digests.mjs';
import { KeyRing } from '../../src/cli/keylog.js';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument, type JsonOptions } from '../../src/export/json.js';
import type { JsonDocument } from '../../src/export/json-types.js';
import { LiveDocument, sameJson } from '../../src/export/live-document.js';
import { Correlator } from '../../src/model/correlator.js';
import type { Dir, TcpConnection } from '../../src/tcp/types.js';
import { ALICE, BOB, at, feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';
import { HAVE_CORPUS } from '../helpers/run-pipeline.js';
import { parseSipDatagram } from '../../src/sip/parser.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OPTS: JsonOptions = { version: '0.0.0-test' };

/** The capture's bytes in pieces of 40..400 bytes (a fixed pseudo-random sequence). */
function pieces(data: Buffer, seed: number): Readable {
  let x = seed >>> 0 || 1;
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = 40 + ((x >>> 0) % 361);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return Readable.from(out);
}

function expectSame(live: JsonDocument, full: JsonDocument, where: string): void {
  const a = JSON.stringify(live, null, 1);
  const b = JSON.stringify(full, null, 1);
  if (a === b) return;
  // Name the first differing line, not two whole documents.
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (i < la.length && la[i] === lb[i]) i++;
  expect(`${where}: line ${i}: ${la[i] ?? '(end)'}`).toBe(`${where}: line ${i}: ${lb[i] ?? '(end)'}`);
}

interface LiveRun {
  batches: number;
  checks: number;
  live: LiveDocument;
  store: Correlator;
  /** Records in the final document (list sections). */
  records: number;
  /** Records a full rebuild at every batch would have mapped. */
  rebuildCost: number;
}

async function runLive(file: string, keys: string | null, seed: number): Promise<LiveRun> {
  const store = new Correlator();
  const live = new LiveDocument(store, OPTS);
  const ring = new KeyRing((d) => store.diagnostic(d));
  if (keys !== null) ring.addFile(path.join(ROOT, keys), false);
  const data = readFileSync(path.join(ROOT, file));
  // About 400 comparisons per capture, the rest of the batches only advance the live document.
  const step = Math.max(1, Math.round(data.length / 150 / 400));
  let batches = 0;
  let checks = 0;
  let rebuildCost = 0;
  let last: JsonDocument | undefined;
  let earlier: { doc: JsonDocument; text: string } | undefined;
  await runPipeline({
    sources: [{ name: file, input: pieces(data, seed) }],
    model: store,
    keys: ring,
    onProgress: () => {
      batches++;
      const doc = live.document();
      rebuildCost += recordCount(doc);
      if (batches % step === 0) {
        checks++;
        expectSame(doc, buildJsonDocument(store.view(), OPTS), `${file} batch ${batches}`);
        // Asked again with nothing read in between: the very same document.
        expect(live.document()).toBe(doc);
        // A document handed out earlier is left as it was (the TUI caches by document identity).
        if (earlier !== undefined) expect(JSON.stringify(earlier.doc), `${file} batch ${batches}: earlier document`).toBe(earlier.text);
        earlier = { doc, text: JSON.stringify(doc) };
      }
      last = doc;
    },
  });
  const end = live.document();
  expectSame(end, buildJsonDocument(store.view(), OPTS), `${file} end`);
  expect(live.document()).toBe(end);
  if (last !== undefined && sameJson(last, end)) expect(end).toBe(last);
  live.close();
  return { batches, checks: checks + 1, live, store, records: recordCount(end), rebuildCost };
}

/** Records in a document's list sections: what one full rebuild maps. */
function recordCount(d: JsonDocument): number {
  return d.connections.length + d.sessions.length + d.messages.length + d.transactions.length + d.auth.length + d.sip.length + d.diagnostics.length;
}

describe('LiveDocument equals a full rebuild at every point of reading', () => {
  const all = captureList() as Array<{ name: string; file: string; keys: string | null; shared: boolean }>;
  it('covers the project samples', () => {
    expect(all.filter((c) => !c.shared).length).toBeGreaterThanOrEqual(9);
  });
  for (const c of all) {
    it.skipIf(c.shared && !HAVE_CORPUS)(c.name, async () => {
      const r = await runLive(c.file, c.keys, c.name.length * 7919);
      expect(r.batches).toBeGreaterThan(5);
      expect(r.live.stats.calls).toBe(r.batches + r.checks + 1);
      // Incremental: far fewer records were mapped than rebuilding at every batch would have.
      if (r.records >= 50) expect(r.live.stats.mapped).toBeLessThan(r.rebuildCost / 3);
    }, 120_000);
  }
});

describe('LiveDocument reuses what did not change', () => {
  it('keeps record objects and lists; a new message maps only itself', () => {
    const store = new Correlator();
    const live = new LiveDocument(store, OPTS);
    const c = tcpConn(0);
    store.connectionOpened(c);
    send(store, c, 0, { tid: 't1', id: 'm1', body: 'hello', frame: 2 });
    feedResponse(store, c, 1, { tid: 't1', status: 200, frame: 3 });
    const d1 = live.document();
    expectSame(d1, buildJsonDocument(store.view(), OPTS), 'first');
    expect(d1.messages).toHaveLength(1);
    expect(live.document()).toBe(d1);

    const mapped = live.stats.mapped;
    send(store, c, 0, { tid: 't2', id: 'm2', body: 'again', frame: 4 });
    const d2 = live.document();
    expectSame(d2, buildJsonDocument(store.view(), OPTS), 'second');
    expect(d2).not.toBe(d1);
    // The first message and transaction are the same objects; the lists are new (d1 is left as it was).
    expect(d2.messages[0]).toBe(d1.messages[0]);
    expect(d2.transactions[0]).toBe(d1.transactions[0]);
    expect(d1.messages).toHaveLength(1);
    expect(d2.messages).toHaveLength(2);
    // The new message, its transaction, the session and the open connection were mapped; nothing else.
    expect(live.stats.mapped - mapped).toBe(4);
  });

  it('follows a message through its frame: new leg at the head, preview bytes, end-line', () => {
    const store = new Correlator();
    const live = new LiveDocument(store, OPTS);
    const a = tcpConn(0);
    const b = tcpConn(1, '10.0.0.9:5000', '10.1.0.2:2855');
    store.connectionOpened(a);
    store.connectionOpened(b);
    send(store, a, 0, { tid: 't1', id: 'm1', body: 'hello world', frame: 2 });
    const d1 = live.document();
    // The same message relayed on connection b: head, then body, each checked before the end-line.
    const steps = send(store, b, 0, { tid: 'r1', id: 'm1', body: 'hello world', frame: 5, slices: [3, 4], pause: () => live.document() });
    expect(steps.length).toBe(4);
    const [afterHead] = steps;
    expect(afterHead!.messages[0]!.legs).toHaveLength(2);
    expect(afterHead!.messages[0]).not.toBe(d1.messages[0]);
    for (const [i, d] of steps.entries()) expect(d.messages[0]!.legs.length, `step ${i}`).toBe(2);
    expectSame(live.document(), buildJsonDocument(store.view(), OPTS), 'end');
  });
});

describe('LiveDocument follows changes no event names', () => {
  const full = (store: Correlator): JsonDocument => buildJsonDocument(store.view(), OPTS);

  it('a frame seen in progress that is replaced before its end-line', () => {
    const store = new Correlator();
    const live = new LiveDocument(store, OPTS);
    const c = tcpConn(0);
    store.connectionOpened(c);
    // m1 is listed but not complete: its preview still grows with its next chunk.
    send(store, c, 0, { tid: 't1', id: 'm1', body: 'first', range: '1-5/12', flag: '+', frame: 2 });
    live.document();
    // Its next chunk is seen after its head; more bytes arrive and the frame never ends ...
    send(store, c, 0, { tid: 't2', id: 'm1', body: ' second', range: '6-12/12', frame: 3, slices: [2], pauseAt: 0, pause: () => live.document(), abandon: true });
    // ... as the next head on the same connection direction replaces it.
    send(store, c, 0, { tid: 't3', id: 'm2', body: 'other', frame: 4, pauseAt: 0, pause: () => live.document(), abandon: true });
    const d = live.document();
    expectSame(d, full(store), 'replaced');
    expect(d.messages[0]!.preview).toBe('first second');
  });

  for (const order of ['notification first', 'message first']) {
    it(`IMDN partners: ${order}`, () => {
      const store = new Correlator();
      const live = new LiveDocument(store, OPTS);
      const c = tcpConn(0);
      store.connectionOpened(c);
      const original = (): void => void send(store, c, 0, { tid: 't1', id: 'm1', body: cpimBody(1, false), type: 'message/cpim', frame: 2 });
      const notification = (): void =>
        void send(store, c, 1, { tid: 't2', id: 'n1', body: cpimBody(1, true), type: 'message/cpim', frame: 3, from: BOB, to: ALICE });
      if (order === 'message first') original();
      else notification();
      live.document();
      if (order === 'message first') notification();
      else original();
      const d = live.document();
      expectSame(d, full(store), order);
      const x = d.messages.find((m) => m.messageId === 'm1')!;
      const y = d.messages.find((m) => m.messageId === 'n1')!;
      expect(x.notifications).toEqual([y.id]);
      expect(y.imdn?.acknowledges).toBe(x.id);
    });
  }

  it('transactions that named a message before it was listed', () => {
    const store = new Correlator();
    const live = new LiveDocument(store, OPTS);
    const c = tcpConn(0);
    store.connectionOpened(c);
    send(store, c, 0, { tid: 't1', id: 'm1', body: 'hel', range: '1-3/10', frame: 2, truncated: true });
    const d1 = live.document();
    expect(d1.messages).toHaveLength(0);
    expect(d1.transactions[0]!.message).toBeNull();
    send(store, c, 0, { tid: 't2', id: 'm1', body: 'lo world', range: '3-10/10', frame: 3 });
    const d2 = live.document();
    expectSame(d2, full(store), 'listed');
    expect(d2.transactions[0]!.message).toBe(0);
  });

  it('a session that SDP names after its first request', () => {
    const store = new Correlator();
    const live = new LiveDocument(store, OPTS);
    const alice = 'msrp://127.0.0.1:2862/aliceSess;tcp';
    const bob = 'msrp://127.0.0.1:2872/bobSess;tcp';
    const c = tcpConn(0, '127.0.0.1:58000', '127.0.0.1:2872');
    store.connectionOpened(c);
    send(store, c, 0, { tid: 't1', id: 'm1', body: 'hi', frame: 2, from: alice, to: bob });
    expect(live.document().sessions[0]!.sip).toBeNull();
    const sdp = (port: number, path: string): string =>
      ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:text/plain', `a=path:${path}`, ''].join('\r\n');
    const sip = (start: string, body: string): Buffer =>
      Buffer.from(
        [start, 'Via: SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK1', 'From: <sip:alice@127.0.0.1>;tag=a1', `To: <sip:bob@127.0.0.1>${start.startsWith('SIP/2.0') ? ';tag=b1' : ''}`, 'Call-ID: call-1', 'CSeq: 1 INVITE', 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'),
      );
    const ctx = (frame: number) => ({ from: at(frame), src: { address: '127.0.0.1', port: 5072 }, dst: { address: '127.0.0.1', port: 5082 } });
    store.sipMessage(parseSipDatagram(sip('INVITE sip:bob@127.0.0.1 SIP/2.0', sdp(2862, alice)), ctx(5))!);
    store.sipMessage(parseSipDatagram(sip('SIP/2.0 200 OK', sdp(2872, bob)), ctx(6))!);
    const d = live.document();
    expectSame(d, full(store), 'linked');
    expect(d.sessions[0]!.sip).toEqual({ dialog: 0, callId: 'call-1' });
    expect(d.sip[0]!.sessions).toEqual([0]);
  });

  it('a closed encrypted connection that a later msrps: URI names', () => {
    const store = new Correlator();
    const live = new LiveDocument(store, OPTS);
    const tls = tcpConn(0, '10.0.0.5:40000', '10.9.9.9:2855');
    tls.transport = 'tls';
    store.connectionOpened(tls);
    store.connectionClosed(tls, 'fin');
    const clear = tcpConn(1);
    store.connectionOpened(clear);
    send(store, clear, 0, { tid: 't0', id: 'm0', body: 'x', frame: 2 });
    expect(live.document().connections[0]!.msrpOverTls).toBe('port 2855');
    send(store, clear, 0, { tid: 't1', id: 'm1', body: 'hi', frame: 3, to: `msrps://10.9.9.9:2855/s1;tcp ${BOB}` });
    const d = live.document();
    expectSame(d, full(store), 'hint');
    expect(d.connections[0]!.msrpOverTls).toBe('msrps: URI of 10.9.9.9:2855 in a clear MSRP path');
  });
});

interface SendSpec {
  tid: string;
  id: string;
  body: string;
  frame: number;
  range?: string;
  type?: string;
  flag?: '$' | '+' | '#';
  truncated?: boolean;
  to?: string;
  from?: string;
  slices?: number[];
  /** Called after the head and after every body slice (or only at step `pauseAt`); its results are returned. */
  pause?: () => JsonDocument;
  pauseAt?: number;
  abandon?: boolean;
}

/** One SEND chunk, fed as the pipeline feeds MsrpTap's output (head, body slices, frame). */
function send(store: Correlator, c: TcpConnection, dir: Dir, s: SendSpec): JsonDocument[] {
  const out: JsonDocument[] = [];
  const size = Buffer.byteLength(s.body);
  feedRequest(store, c, dir, {
    tid: s.tid,
    method: 'SEND',
    headers: sendHeaders({ id: s.id, to: [s.to ?? BOB], from: [s.from ?? ALICE], range: s.range ?? `1-${size}/${size}`, type: s.type ?? 'text/plain' }),
    body: s.body,
    slices: s.slices,
    flag: s.flag,
    truncated: s.truncated,
    frame: s.frame,
    abandon: s.abandon,
    pause: (step) => {
      if (s.pause && (s.pauseAt === undefined || s.pauseAt === step)) out.push(s.pause());
    },
  });
  return out;
}

// ---- property: generated frame sequences ----

const URIS = [ALICE, BOB, 'msrp://10.0.0.3:2855/carol789;tcp', 'msrps://relay.example.com:2855/r1;tcp'];

type Op =
  | { kind: 'send'; conn: number; dir: Dir; tid: number; id: number; from: number; to: number; body: string; slices: number[]; chunk: 0 | 1 | 2; flag: '$' | '+' | '#'; truncated: boolean; imdn: boolean }
  | { kind: 'response'; conn: number; dir: Dir; tid: number; status: number }
  | { kind: 'report'; conn: number; dir: Dir; tid: number; id: number; status: number }
  | { kind: 'packet'; conn: number; dir: Dir }
  | { kind: 'close'; conn: number }
  | { kind: 'check' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      conn: fc.nat(2),
      dir: fc.constantFrom<Dir>(0, 1),
      tid: fc.nat(5),
      id: fc.nat(3),
      from: fc.nat(3),
      to: fc.nat(3),
      body: fc.string({ unit: 'binary-ascii', minLength: 0, maxLength: 30 }),
      slices: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }),
      chunk: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      flag: fc.constantFrom<'$' | '+' | '#'>('$', '$', '+', '#'),
      truncated: fc.boolean(),
      imdn: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('response' as const), conn: fc.nat(2), dir: fc.constantFrom<Dir>(0, 1), tid: fc.nat(5), status: fc.constantFrom(200, 200, 403, 481) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('report' as const), conn: fc.nat(2), dir: fc.constantFrom<Dir>(0, 1), tid: fc.nat(5), id: fc.nat(3), status: fc.constantFrom(200, 413) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('packet' as const), conn: fc.nat(2), dir: fc.constantFrom<Dir>(0, 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), conn: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'check' as const }) },
);

/** A CPIM body carrying an IMDN request (id `m{id}`) or an IMDN delivery notification about it. */
function cpimBody(id: number, notification: boolean): string {
  const head = `From: <sip:a@x>\r\nTo: <sip:b@x>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: ${notification ? 'n' : 'm'}${id}\r\n\r\n`;
  if (!notification) return `${head}Content-Type: text/plain\r\n\r\nhi`;
  const xml = `<?xml version="1.0"?><imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>m${id}</message-id><delivery-notification><status><delivered/></status></delivery-notification></imdn>`;
  return `${head}Content-Type: message/imdn+xml\r\nContent-Disposition: notification\r\n\r\n${xml}`;
}

describe('LiveDocument over generated frame sequences', () => {
  it('equals a full rebuild after every step, including between a frame head and its body', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const store = new Correlator();
        const live = new LiveDocument(store, OPTS);
        const conns = [tcpConn(0), tcpConn(1, '10.0.0.7:41000', '10.1.0.2:2855'), tcpConn(2, '10.0.0.8:42000', '10.1.0.3:2855')];
        const closed = new Set<number>();
        let frame = 2;
        const check = (where: string): void => expectSame(live.document(), buildJsonDocument(store.view(), OPTS), where);
        for (const c of conns) store.connectionOpened(c);
        for (const [k, op] of ops.entries()) {
          frame++;
          const where = `op ${k} ${op.kind}`;
          if (op.kind === 'check') check(where);
          else if (op.kind === 'close') {
            if (closed.has(op.conn)) continue;
            closed.add(op.conn);
            store.connectionClosed(conns[op.conn]!, 'fin');
          } else if (op.kind === 'packet') {
            // A packet without MSRP: only the connection's counters move (late packets count after close too).
            const c = conns[op.conn]!;
            c.last = at(frame);
            c.stats[op.dir].packets++;
            c.stats[op.dir].bytes += 40;
          } else if (closed.has(op.conn)) continue;
          else if (op.kind === 'send') {
            // Bodies are ASCII: string positions are byte positions.
            const body = op.imdn ? cpimBody(op.id, op.from > op.to) : op.body;
            const total = body.length;
            const start = op.chunk === 0 ? 1 : Math.min(Math.max(1, total), op.chunk * 5 + 1);
            const slice = body.slice(start - 1);
            send(store, conns[op.conn]!, op.dir, {
              tid: `t${op.tid}`,
              id: op.imdn && op.from > op.to ? `n${op.id}` : `m${op.id}`,
              body: slice,
              frame,
              range: `${start}-${Math.max(start, total)}/${total}`,
              type: op.imdn ? 'message/cpim' : 'text/plain',
              from: URIS[op.from],
              to: URIS[op.to],
              flag: op.flag,
              truncated: op.truncated,
              slices: op.slices,
              pause: () => {
                check(`${where} (in frame)`);
                return live.document();
              },
            });
          } else if (op.kind === 'response') {
            feedResponse(store, conns[op.conn]!, op.dir, { tid: `t${op.tid}`, status: op.status, frame });
          } else {
            feedRequest(store, conns[op.conn]!, op.dir, {
              tid: `r${op.tid}`,
              method: 'REPORT',
              headers: reportHeaders({ id: `m${op.id}`, range: '1-5/5', status: `000 ${op.status} x` }),
              frame,
            });
          }
        }
        check('before the end');
        finishStore(store);
        check('end');
      }),
      { numRuns: 200 },
    );
  });
});
