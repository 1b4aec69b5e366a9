/**
 * The JSON Schema of the document (src/export/schema.ts, from the TypeBox declarations in
 * src/export/document/) checked with Ajv, the validator users run: it compiles in strict mode, the output of
 * every project sample and corpus capture (with its key log when one lies beside it) validates, and broken
 * copies of real documents do not.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildJsonDocument } from '../../src/export/json.js';
import { JSON_SCHEMA } from '../../src/export/schema.js';
import { Correlator } from '../../src/model/correlator.js';
import { WS_CLOSE, WS_TEXT } from '../../src/transport/websocket.js';
import { captureList } from '../../scripts/json-digests.mjs';
import { feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';
import { SWITCH, UPGRADE, wsFrame } from '../transport/helpers.js';
import { analyze, connectionSegments, msrpOk, msrpSend, ROOT, writeSegments } from '../transport/tls-decrypt-helpers.js';

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(JSON_SCHEMA);

/** Ajv's errors as `path: message` lines ([] when the value is valid). */
function errorsOf(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

/** The document as a reader of the output sees it (undefined keys dropped). */
function plain<T>(doc: T): T {
  return JSON.parse(JSON.stringify(doc)) as T;
}

// A JSON document as tests mutate it: any value at any key.
type Loose = { [k: string]: Loose } & Loose[];

const HAVE_SHARED = existsSync(path.join(ROOT, '..', 'shared', 'corpus'));
const CAPTURES = captureList();
const OWN = CAPTURES.filter((c) => !c.shared);

describe('the schema', () => {
  it('is draft 2020-12 with the same $id and title, and compiles under Ajv strict mode', () => {
    expect(JSON_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(JSON_SCHEMA.$id).toBe('https://msrpscope.invalid/schema/msrpscope-1.json');
    expect(JSON_SCHEMA.title).toBe('msrpscope JSON document (schema msrpscope/1)');
    expect(ajv.validateSchema(JSON_SCHEMA)).toBe(true);
  });

  it('prints as plain JSON: every $ref names a $defs entry and every entry is referenced', () => {
    const text = JSON.stringify(JSON_SCHEMA);
    const defs = Object.keys(JSON_SCHEMA.$defs as object);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/\$defs\/([A-Za-z]+)"/g)].map((m) => m[1]));
    expect([...refs].sort()).toEqual([...defs].sort());
    expect(defs).toContain('webSocket');
    expect(defs).toContain('tls');
    // Round-trips: nothing TypeBox-specific (symbols) leaks into what is printed.
    expect(new Ajv2020({ strict: true }).compile(JSON.parse(text))).toBeTypeOf('function');
  });
});

describe('JSON documents validate against the schema', () => {
  it('a synthetic store with every record kind', () => {
    const store = new Correlator();
    const c = tcpConn(0);
    feedRequest(store, c, 0, { tid: 'auth0001', method: 'AUTH', headers: [['To-Path', 'msrp://r:2865;tcp'], ['From-Path', 'msrp://a:1/s;tcp']], frame: 1 });
    feedResponse(store, c, 1, { tid: 'auth0001', status: 200, frame: 2, headers: [['Use-Path', 'msrp://r:2865/x;tcp'], ['Expires', '60']] });
    feedRequest(store, c, 0, { tid: 'send0001', method: 'SEND', headers: sendHeaders({ id: 'm', range: '1-*/*', type: 'text/plain' }), body: 'hi', flag: '+', frame: 3 });
    feedRequest(store, c, 0, { tid: 'send0002', method: 'SEND', headers: sendHeaders({ id: 'm', range: '3-4/4', type: 'text/plain' }), body: 'yo', frame: 4 });
    feedResponse(store, c, 1, { tid: 'send0002', status: 200, frame: 5 });
    feedRequest(store, c, 1, { tid: 'rep00001', method: 'REPORT', headers: reportHeaders({ id: 'm', range: '1-4/4', status: '000 200 OK' }), frame: 6 });
    feedResponse(store, c, 1, { tid: 'orphan01', status: 481, frame: 7 });
    store.diagnostic({ code: 'test-note', severity: 'note', frame: 7, connection: 0, offset: 12, detail: 'x' });
    finishStore(store);
    const doc = plain(buildJsonDocument(store.view(), { version: '9.9.9' }));
    expect(doc.auth).toHaveLength(1);
    expect(doc.diagnostics.some((d) => d.offset === 12)).toBe(true);
    expect(errorsOf(doc)).toEqual([]);
    // Numbers must stay numbers.
    const broken = plain(doc) as unknown as Loose;
    broken.messages[0]!.legs[0]!.ranges = [['1', '4']] as unknown as Loose;
    expect(errorsOf(broken)).toContain('/messages/0/legs/0/ranges/0/0: must be integer');
  });

  it('lists every project sample, the TLS ones with their key logs', () => {
    expect(OWN.length).toBeGreaterThanOrEqual(9);
    expect(OWN.filter((c) => c.name.startsWith('samples/tls/') && c.keys !== null).length).toBeGreaterThanOrEqual(6);
  });
  for (const c of CAPTURES) {
    it.skipIf(c.shared && !HAVE_SHARED)(c.name, async () => {
      const { doc } = await analyze(path.join(ROOT, c.file), c.keys === null ? [] : [path.join(ROOT, c.keys)]);
      expect(errorsOf(plain(doc))).toEqual([]);
    });
  }
});

/** A WebSocket connection carrying one MSRP SEND and its 200, closed by the client: real WebSocket facts. */
function webSocketCapture(): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const close = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]);
  return writeSegments(
    connectionSegments([
      [0, Buffer.from(UPGRADE, 'latin1')],
      [1, Buffer.from(SWITCH, 'latin1')],
      [0, wsFrame({ opcode: WS_TEXT, payload: msrpSend('ws000001', 'wsmsg', 300), mask })],
      [1, wsFrame({ opcode: WS_TEXT, payload: msrpOk('ws000001') })],
      [0, wsFrame({ opcode: WS_CLOSE, payload: close, mask })],
    ]),
  );
}

describe('the schema rejects what the output must never hold', () => {
  const tlsSample = OWN.find((c) => c.name === 'samples/tls/sip_tls_msrps.pcap');

  async function tlsDoc(): Promise<Loose> {
    if (tlsSample === undefined || tlsSample.keys === null) throw new Error('samples/tls/sip_tls_msrps.pcap and its key log are missing');
    const { doc } = await analyze(path.join(ROOT, tlsSample.file), [path.join(ROOT, tlsSample.keys)]);
    return plain(doc) as unknown as Loose;
  }

  it('WebSocket facts: valid as written, a wrong type or an unknown key in them fails', async () => {
    const { doc } = await analyze(webSocketCapture());
    const d = plain(doc);
    const i = d.connections.findIndex((c) => c.websocket !== null);
    const ws = d.connections[i]?.websocket;
    expect(ws?.upgraded).toBe(true);
    expect(ws?.protocol).toBe('msrp');
    expect(ws?.dirs[0].close).toEqual({ code: 1000, reason: 'bye' });
    expect(errorsOf(d)).toEqual([]);

    const at = `/connections/${i}/websocket`;
    const mutate = (f: (w: Loose) => void): string[] => {
      const copy = plain(d) as unknown as Loose;
      f(copy.connections[i]!.websocket!);
      return errorsOf(copy);
    };
    expect(mutate((w) => (w.upgraded = 'yes' as unknown as Loose))).toContain(`${at}/upgraded: must be boolean`);
    expect(mutate((w) => (w.dirs[0]!.frames = -1 as unknown as Loose))).toContain(`${at}/dirs/0/frames: must be >= 0`);
    expect(mutate((w) => (w.dirs[1]!.byOpcode.text = '1' as unknown as Loose))).toContain(`${at}/dirs/1/byOpcode/text: must be integer`);
    expect(mutate((w) => (w.clientDir = 2 as unknown as Loose))).toContain(`${at}/clientDir: must be equal to one of the allowed values`);
    expect(mutate((w) => w.dirs.pop())).toContain(`${at}/dirs: must NOT have fewer than 2 items`);
    expect(mutate((w) => (w.secret = 'x' as unknown as Loose))).toContain(`${at}: must NOT have additional properties`);
    expect(mutate((w) => delete (w as Partial<Loose>).requestFrame)).toContain(`${at}: must have required property 'requestFrame'`);
  });

  it('TLS facts: a wrong type, an unknown key or a missing field in them fails', async () => {
    const d = await tlsDoc();
    expect(errorsOf(d)).toEqual([]);
    const i = (d.connections as Loose[]).findIndex((c) => c.tls !== null);
    expect(i).toBeGreaterThanOrEqual(0);
    const at = `/connections/${i}/tls`;
    const mutate = (f: (t: Loose) => void): string[] => {
      const copy = plain(d);
      f(copy.connections[i]!.tls!);
      return errorsOf(copy);
    };
    expect(mutate((t) => (t.cipherSuite = '0x1301' as unknown as Loose))).toContain(`${at}/cipherSuite: must be integer`);
    expect(mutate((t) => (t.kind = 'ssl' as unknown as Loose))).toContain(`${at}/kind: must be equal to constant`);
    expect(mutate((t) => (t.alerts[0]!.level = 'fatal' as unknown as Loose))).toContain(`${at}/alerts/0/level: must be integer`);
    expect(mutate((t) => (t.dirs[0]!.unframed = 0 as unknown as Loose))).toContain(`${at}/dirs/0/unframed: must be boolean`);
    expect(mutate((t) => (t.decryption.state = 'maybe' as unknown as Loose))).toContain(
      `${at}/decryption/state: must be equal to one of the allowed values`,
    );
    expect(mutate((t) => (t.dirs[1]!.byType.extra = 0 as unknown as Loose))).toContain(`${at}/dirs/1/byType: must NOT have additional properties`);
    expect(mutate((t) => delete (t as Partial<Loose>).sni)).toContain(`${at}: must have required property 'sni'`);
  });

  it('elsewhere: an unknown key where objects are closed, a missing required field, a bad count map key', async () => {
    const d = await tlsDoc();
    const withExtra = plain(d);
    withExtra.messages[0]!.delivery.extra = true as unknown as Loose;
    expect(errorsOf(withExtra)).toContain('/messages/0/delivery: must NOT have additional properties');
    const topExtra = plain(d);
    topExtra.version = 2 as unknown as Loose;
    expect(errorsOf(topExtra)).toContain('/: must NOT have additional properties');
    const missing = plain(d);
    delete (missing.transactions[0] as Partial<Loose>).transactionId;
    expect(errorsOf(missing)).toContain("/transactions/0: must have required property 'transactionId'");
    const badStatus = plain(d);
    badStatus.summary.responses.OK = 1 as unknown as Loose;
    expect(errorsOf(badStatus)).toContain('/summary/responses: property name must be valid');
    const badTime = plain(d);
    badTime.connections[0]!.first.time = 'yesterday' as unknown as Loose;
    expect(errorsOf(badTime)).toContain('/connections/0/first/time: must match pattern "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$"');
    const badDiag = plain(d);
    badDiag.diagnostics = [{ code: 'Bad Code', severity: 'note', frame: 1, connection: -2, detail: '' }] as unknown as Loose;
    const diagErrors = errorsOf(badDiag);
    expect(diagErrors).toContain('/diagnostics/0/code: must match pattern "^[a-z0-9]+(-[a-z0-9]+)*$"');
    expect(diagErrors).toContain('/diagnostics/0/connection: must be >= -1');
  });
});
